"""Response headers Django has no setting for (Permissions-Policy, caching and compression of
public pages), and the bounds that keep one request from holding a worker: limits on the query
string, and clear answers when the database is slow or away."""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.backends.signals import connection_created
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from programs.views.errors import problem

logger = logging.getLogger(__name__)


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


class EnglishApiVaryMiddleware:
    """Keep ``Vary: Accept-Language`` off the HSDS API's answers.

    The HSDS API answers in English whatever the browser asks for (docs/hsds.md, "Language"),
    but ``LocaleMiddleware``, which runs inside this one, names ``Accept-Language`` in ``Vary``
    on every address without a language prefix. That would be untrue here: a shared cache
    would keep one copy of each answer per browser language, all of them the same bytes.
    ``Content-Language: en`` (also from ``LocaleMiddleware``) is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.app_name == "hsds" and response.has_header("Vary"):
            kept = [
                name.strip()
                for name in response["Vary"].split(",")
                if name.strip() and name.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
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


# A query string longer than this, or a parameter repeated more often, is not a search a
# person made: the longest real one (every filter of the form, or a program page carrying its
# search) stays well under both. The number of criteria a search may weigh is bounded by the
# search form (``programs.forms.MAX_CRITERIA``).
MAX_QUERY_STRING = 4096
MAX_VALUES_PER_PARAMETER = 25


class QueryLimitsMiddleware:
    """Refuse, with 400 and a plain message, a query string too long or a parameter repeated
    too often, before any view reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # This runs before LocaleMiddleware: the refusal is worded in the address's language.
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            refusal = self._refusal(request)
        return refusal or self.get_response(request)

    def _refusal(self, request):
        message = None
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            message = gettext(
                "This address is too long to be a search (more than %(most)s characters after "
                "the ?). Start a new search from the home page."
            ) % {"most": f"{MAX_QUERY_STRING:,}"}
        else:
            crowded = sorted(
                name[:40]
                for name, values in request.GET.lists()
                if len(values) > MAX_VALUES_PER_PARAMETER
            )
            if crowded:
                message = gettext(
                    "A search takes at most %(most)d values of one filter; this address repeats "
                    "%(names)s more often. Start a new search from the home page."
                ) % {"most": MAX_VALUES_PER_PARAMETER, "names": ", ".join(crowded)}
        if message:
            return problem(request, 400, gettext("This search is too big"), message)
        return None


def _timed_out(exception) -> bool:
    # PostgreSQL's "canceling statement due to statement timeout" (SQLSTATE 57014).
    return getattr(exception.__cause__, "sqlstate", None) == "57014"


# Seconds a client should wait before asking again when the database is slow or away.
RETRY_AFTER = 30


class DatabaseUnavailableMiddleware:
    """Answer 503 with ``Retry-After`` when the database cannot answer: unreachable, or a
    statement that ran past its time limit (``iopfinder.startup.limit_statement_time``).
    Anything else goes on to the server error page. Logged with the path only, never the
    query string (a search is private)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if _timed_out(exception):
            logger.warning("A query took too long and was stopped: %s", request.path)
            return problem(
                request,
                503,
                gettext("This search took too long"),
                gettext(
                    "Finding programs for this search took longer than we allow, so we stopped. "
                    "Try again in a minute, or ask for fewer things at once."
                ),
                retry_after=RETRY_AFTER,
            )
        logger.error("The database is unreachable: %s (%s)", request.path, exception)
        return problem(
            request,
            503,
            gettext("The directory is not available right now"),
            gettext("We cannot reach the listings for a moment. Please try again in a minute."),
            retry_after=RETRY_AFTER,
        )


# The statement time limit of web workers, in milliseconds (None: no limit; see
# limit_statement_time). Management commands and the test suite run without one.
_statement_timeout_ms: int | None = None


def _set_statement_timeout(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql" and _statement_timeout_ms is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(_statement_timeout_ms)}")


def limit_statement_time(milliseconds: int) -> None:
    """Give every PostgreSQL statement of this process at most ``milliseconds`` (0: none),
    set once per connection as it is opened, so it costs no query per request. Called by
    ``wsgi.py`` for web workers only; the admin lifts it while it answers a curator
    (``AdminStatementTimeoutMiddleware``). A statement stopped by it answers 503
    (``DatabaseUnavailableMiddleware``), long before gunicorn would kill the worker."""
    global _statement_timeout_ms
    _statement_timeout_ms = milliseconds or None
    connection_created.connect(_set_statement_timeout, dispatch_uid="public-statement-timeout")
    if connection.connection is not None and connection.vendor == "postgresql":
        # Already open (a test, or a worker that touched the database while loading).
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(milliseconds)}")


class AdminStatementTimeoutMiddleware:
    """Lift the public statement time limit while the admin answers a curator (bulk actions
    and deletes may take longer), and put it back afterwards: the connection is kept for the
    next request, which may be a public one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            _statement_timeout_ms is None
            or connection.vendor != "postgresql"
            or not request.path.startswith("/admin/")
        ):
            return self.get_response(request)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        try:
            return self.get_response(request)
        finally:
            if connection.connection is not None:
                try:
                    _set_statement_timeout(None, connection)
                except DatabaseError:
                    # A broken connection is replaced, and the new one gets the limit.
                    connection.close()
