"""Response headers Django has no setting for: Permissions-Policy, caching and compression of
public pages."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses (camera, location, ad topics...).

    The policy is `settings.PERMISSIONS_POLICY`; a view may set its own header instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


def is_anonymous_read(request) -> bool:
    """A GET or HEAD from a visitor without a session: someone a public page may be shared
    with. The one rule for both kinds of caching (this middleware and programs.pagecache)."""
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def is_shareable_answer(response) -> bool:
    """A successful answer that sets no cookie and no caching rule of its own."""
    return response.status_code == 200 and not response.cookies and "Cache-Control" not in response


# URL namespaces of the public site: the pages and JSON API, and the HSDS API.
PUBLIC_APPS = ("programs", "hsds")


def _is_public_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.app_name in PUBLIC_APPS


class PublicCacheMiddleware:
    """Let browsers and shared caches keep a public page for a few minutes.

    Only successful GET/HEAD pages of the public site (the `programs` and `hsds` URL
    namespaces) for a visitor without a session qualify, and only when the view set no caching
    rule and no cookie of its own: the admin, error pages and anything personal are never
    cached. Listings change rarely, so a curator's edit showing up to `PUBLIC_PAGE_MAX_AGE`
    seconds late is acceptable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        max_age = getattr(settings, "PUBLIC_PAGE_MAX_AGE", 0)
        if (
            max_age > 0
            and _is_public_page(request)
            and is_anonymous_read(request)
            and is_shareable_answer(response)
        ):
            patch_cache_control(response, public=True, max_age=max_age)
        return response


# What public pages answer with: HTML pages, the JSON API and the CSV export.
COMPRESSED_TYPES = ("text/html", "application/json", "text/csv")


class PublicCompressionMiddleware(GZipMiddleware):
    """Gzip the public pages, the API and the CSV (the results page goes from about 60 KB to
    under 10), and nothing that could carry a secret.

    Compressing a secret next to text an attacker can put in the page (a search word echoed
    back) lets them guess the secret from the compressed size (BREACH). So only anonymous
    reads of the public site are compressed, and never a response that sets a cookie or whose
    page asked for a CSRF token; the admin is never compressed. Static files come compressed
    from whitenoise already.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if (
            content_type not in COMPRESSED_TYPES
            or not _is_public_page(request)
            or not is_anonymous_read(request)
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            return response
        return super().process_response(request, response)
