"""Privacy on the server side: no cookies for anonymous visitors, nothing loaded from other sites,
no inline code the Content-Security-Policy would have to allow.

The browser test (tests/browser/test_privacy_browser.py) checks the same in a real browser.
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.public_pages import PROGRAM_WEBSITE, make_public_pages

pytestmark = pytest.mark.django_db

# Attributes that make the browser fetch something (or send a form) by themselves.
FETCHING_ATTRIBUTES = {"src", "srcset", "poster", "data", "action", "formaction", "background"}


class PageScan(HTMLParser):
    """Collects what matters for privacy and the CSP from one HTML page."""

    def __init__(self):
        super().__init__()
        self.fetched: list[tuple[str, str]] = []  # (tag, url) the browser loads by itself
        self.links: list[dict[str, str]] = []  # <a> attributes
        self.inline_scripts: list[str] = []  # type of each <script> without src
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.event_handlers: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.hidden_inputs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name in FETCHING_ATTRIBUTES:
                self.fetched.append((tag, value))
            if name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.event_handlers.append(f"<{tag} {name}>")
        if tag == "link":
            self.fetched.append((tag, attributes.get("href", "")))
        if tag == "a":
            self.links.append(attributes)
        if tag == "script" and "src" not in attributes:
            self.inline_scripts.append(attributes.get("type", "text/javascript"))
        if tag == "style":
            self.style_elements += 1
        if tag == "form":
            self.forms.append(attributes)
        if tag == "input" and attributes.get("name") == "csrfmiddlewaretoken":
            self.hidden_inputs.append(attributes["name"])


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    return parser


def is_off_site(url: str) -> bool:
    parsed = urlparse(url)
    return bool(parsed.netloc) and parsed.netloc != "testserver"


@pytest.fixture
def pages():
    return make_public_pages()


def test_anonymous_visitor_gets_no_cookie_on_any_public_page(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        assert not response.cookies, (name, list(response.cookies))
        assert "Cookie" not in response.get("Vary", ""), name
    assert not client.cookies


def test_public_pages_load_nothing_from_another_site(client, pages):
    for name, url in pages.items():
        page = scan(client.get(url).content.decode())
        off_site = [(tag, src) for tag, src in page.fetched if is_off_site(src)]
        assert page.fetched, name  # at least the stylesheet was found: the scan works
        assert off_site == [], name


def test_only_outbound_links_go_to_the_programs_own_website_and_send_no_referrer(client, pages):
    page = scan(client.get(pages["detail"]).content.decode())
    outbound = [link for link in page.links if is_off_site(link.get("href", ""))]

    assert [link["href"] for link in outbound] == [PROGRAM_WEBSITE]
    rel = set(outbound[0].get("rel", "").split())
    assert {"noopener", "noreferrer"} <= rel


def test_no_public_page_links_to_another_site_except_a_programs_website(client, pages):
    for name, url in pages.items():
        page = scan(client.get(url).content.decode())
        for link in page.links:
            href = link.get("href", "")
            if is_off_site(href):
                assert href == PROGRAM_WEBSITE, (name, href)
                assert "noreferrer" in link.get("rel", ""), (name, href)


def test_public_pages_have_no_inline_script_style_or_event_handler(client, pages):
    for name, url in pages.items():
        page = scan(client.get(url).content.decode())
        assert set(page.inline_scripts) <= {"application/ld+json"}, name
        assert page.style_attributes == [], name
        assert page.style_elements == 0, name
        assert page.event_handlers == [], name


def test_public_forms_are_get_searches_without_a_csrf_token(client, pages):
    for name, url in pages.items():
        page = scan(client.get(url).content.decode())
        for form in page.forms:
            assert form.get("method", "get").lower() == "get", (name, form)
        assert page.hidden_inputs == [], name


# The only public pages that post a form, and so carry Django's CSRF token and set its cookie;
# neither is a browsing page (tests/test_report.py checks the cookie stays on the report page).
PAGES_THAT_POST_A_FORM = {
    "templates/curation/report.html",
    "templates/curation/provider_update.html",
}


def template_files():
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(root.rglob("*.html"))


def test_templates_contain_no_inline_style_script_or_off_site_asset():
    assert template_files(), "no templates found"
    for path in template_files():
        source = path.read_text()
        page = scan(source)
        name = str(path.relative_to(settings.BASE_DIR))
        assert page.style_attributes == [], name
        assert page.style_elements == 0, name
        assert page.event_handlers == [], name
        assert set(page.inline_scripts) <= {"application/ld+json"}, name
        # Template tags in attributes ({% static %}, {{ program.website }}) are not URLs yet;
        # only literal absolute addresses in fetching attributes are checked here.
        off_site = [src for _, src in page.fetched if src.startswith(("http:", "https:", "//"))]
        assert off_site == [], name
        for link in page.links:
            if link.get("href", "").startswith(("http:", "https:", "//")):
                assert "noreferrer" in link.get("rel", ""), (name, link["href"])
        assert (
            "csrf_token" not in source
            or name.startswith("templates/admin/")
            or name in PAGES_THAT_POST_A_FORM
        ), name
