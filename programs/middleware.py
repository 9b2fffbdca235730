"""Response headers Django has no setting for: Permissions-Policy and caching of public pages."""

from django.conf import settings
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


class PublicCacheMiddleware:
    """Let browsers and shared caches keep a public page for a few minutes.

    Only successful GET/HEAD pages of the public site (the `programs` URL namespace) for a visitor
    without a session qualify, and only when the view set no caching rule and no cookie of its
    own: the admin, error pages and anything personal are never cached. Listings change rarely,
    so a curator's edit showing up to `PUBLIC_PAGE_MAX_AGE` seconds late is acceptable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        max_age = getattr(settings, "PUBLIC_PAGE_MAX_AGE", 0)
        match = getattr(request, "resolver_match", None)
        if (
            max_age > 0
            and match is not None
            and match.app_name == "programs"
            and is_anonymous_read(request)
            and is_shareable_answer(response)
        ):
            patch_cache_control(response, public=True, max_age=max_age)
        return response
