"""Error answers: the server error page with its last resort, and the short answers the
middleware and the API give when a request is refused or the database cannot answer.

Django renders templates/500.html without a request or database. If that fails too (say the
static files manifest is missing after a deploy), visitors still get a plain page in words
instead of the app server's bare error. Under ``/api/`` and ``/hsds/`` every error is JSON
(``{"error": "..."}``), whatever went wrong: a client of the API never has to read HTML.
"""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

logger = logging.getLogger(__name__)

# The last resort when even a template cannot be rendered: no template, no URL lookups.
PLAIN_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><title>{title} · IOP Finder</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{heading}</h1><p>{message}</p>
<p><a href="{home}">{home_link}</a></p></main></body></html>
"""

# Addresses whose every answer is JSON.
JSON_PREFIXES = ("/api/", "/hsds/")


def home_path() -> str:
    """The home page in the language of the page being answered: "/" or "/es/". Worked out
    without a URL lookup, so it works even when the app cannot start its URLs."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


def plain_page(heading: str, message: str, title: str | None = None) -> str:
    """A page in words alone, in the active language, for when no template can be rendered."""
    return PLAIN_PAGE.format(
        language=escape(translation.get_language() or settings.LANGUAGE_CODE),
        title=escape(title or heading),
        heading=escape(heading),
        message=escape(message),
        home=home_path(),
        home_link=escape(gettext("Go to the IOP Finder home page")),
    )


def wants_json(request) -> bool:
    """Whether the request is the API's, in either language (``/api/...``, ``/es/api/...``)."""
    if request is None:
        return False
    path = request.path_info
    language = translation.get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        path = path[len(language) + 1 :]
    return path.startswith(JSON_PREFIXES)


def problem(request, status: int, title: str, message: str, retry_after: int | None = None):
    """A short answer saying what went wrong: JSON for the API, else a small page.

    Never cached and never kept by the page cache; ``Retry-After`` (seconds) when trying again
    later will help. The page needs no database and falls back to plain HTML when even the
    stylesheet cannot be found."""
    if wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        try:
            content = render_to_string("problem.html", {"title": title, "message": message})
        except Exception:
            logger.exception("The problem.html page could not be rendered")
            content = plain_page(title, message)
        response = HttpResponse(content, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def page_not_found(request, exception):
    if wants_json(request):
        return JsonResponse({"error": gettext("There is nothing at this address.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if wants_json(request):
        message = gettext("Something went wrong on our side. Please try again in a few minutes.")
        return JsonResponse({"error": message}, status=500)
    try:
        return defaults.server_error(request)
    except Exception:
        logger.exception("The 500.html page could not be rendered")
        return HttpResponseServerError(
            plain_page(
                gettext("Something went wrong on our side"),
                gettext(
                    "The page could not be shown. This is our fault, not yours. Please try "
                    "again in a few minutes."
                ),
                title=gettext("Something went wrong"),
            )
        )


def login_locked(request, credentials=None, *args, **kwargs):
    """The admin sign-in answer once django-axes has locked a username at this address. In
    English, like the rest of the admin (README, "Two languages"): it has no Spanish address."""
    return problem(
        request,
        429,
        "Too many failed sign-ins",
        "Sign-in for this username from your address is paused for a while after too many "
        "wrong passwords. Try again later, or ask an administrator to unlock it now.",
    )


def csrf_failure(request, reason=""):
    """A refused form post; the read-only API never asks for a CSRF token, so it says so."""
    if wants_json(request):
        return JsonResponse(
            {
                "error": gettext("%(method)s is not allowed; this API is read-only.")
                % {"method": request.method}
            },
            status=403,
        )
    return django_csrf_failure(request, reason=reason)
