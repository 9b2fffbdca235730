"""The Django admin works under the site's strict Content-Security-Policy (no inline code), so
one policy covers the whole site and the admin needs no exception."""

import pytest

from tests.public_pages import make_public_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password"


def test_a_curator_signs_in_and_edits_a_program_without_any_csp_violation(page, django_user_model):
    make_public_pages()
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/programs/program/")
    page.goto("/admin/programs/program/add/")
    page.wait_for_load_state("networkidle")

    # The admin's own scripts ran: inlines.js added its "Add another" links, and prepopulate.js
    # fills the slug from the name as the curator types.
    assert page.locator(".add-row a").count() >= 1
    page.locator("#id_name").press_sequentially("Evening Track")
    assert page.locator("#id_slug").input_value() == "evening-track"
    assert page.context.cookies(), "the admin should have signed the curator in with cookies"
    assert violations == []
