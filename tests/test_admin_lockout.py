"""The admin's sign-in is limited (issue 16, item 3, django-axes): after AXES_FAILURE_LIMIT wrong
passwords for one username from one address, that pair is locked out with a plain message, even
with the right password; curators see the attempts in the admin; `axes_reset_username` unlocks.
Anonymous visitors still get no cookie. The public site staying fast during a login flood is
checked against real gunicorn in tests/test_gunicorn.py."""

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a-long-test-password"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def fail_until_locked(client, username, address="203.0.113.7"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong", address)


def test_wrong_passwords_lock_the_username_from_that_address(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "curator", "wrong").status_code == 200  # the form again
    locked = sign_in(client, "curator", "wrong")
    assert locked.status_code == 429
    assert sign_in(client, "curator", PASSWORD).status_code == 429  # even the right one
    text = locked.content.decode()
    assert "Too many failed sign-ins" in text
    assert "ask an administrator" in text


def test_the_same_username_from_another_address_may_still_sign_in(client, curator):
    fail_until_locked(client, "curator")
    response = sign_in(client, "curator", PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_right_password_before_the_limit_signs_in_and_forgets_the_failures(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "curator", "wrong")
    assert sign_in(client, "curator", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "curator", "wrong")
    assert sign_in(client, "curator", PASSWORD).status_code == 302


def test_curators_see_the_failed_attempts_in_the_admin(client, curator, django_user_model):
    fail_until_locked(client, "someone")
    client.force_login(curator)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "someone" in page.content.decode()


def test_the_documented_command_unlocks_a_username(client, curator):
    fail_until_locked(client, "curator")
    assert sign_in(client, "curator", PASSWORD).status_code == 429
    call_command("axes_reset_username", "curator", verbosity=0)
    assert sign_in(client, "curator", PASSWORD).status_code == 302


def test_browsing_sets_no_cookie_with_the_login_limit_on(client):
    for url in ["/", "/programs/?near=22903", "/api/programs/", "/healthz"]:
        assert not client.get(url).cookies, url
