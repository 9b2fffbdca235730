"""Error answers: the server error page with its last resort, and the short answers the
middleware and the API give when a request is refused or the database cannot answer.

Django renders templates/500.html without a request or database. If that fails too (say the
static files manifest is missing after a deploy), visitors still get a plain page in words
instead of the app server's bare error. Under ``/api/`` and ``/hsds/`` every error is JSON
(``{"error": "..."}``), whatever went wrong: a client of the API never has to read HTML.
"""

import logging

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.translation import gettext
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure

logger = logging.getLogger(__name__)

PLAIN_SERVER_ERROR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong · IOP Finder</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Something went wrong on our side</h1>
<p>The page could not be shown. This is our fault, not yours. Please try again in a few minutes.</p>
<p><a href="/">Go to the IOP Finder home page</a></p></main></body></html>
"""

PLAIN_PROBLEM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · IOP Finder</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{title}</h1><p>{message}</p>
<p><a href="/">Go to the IOP Finder home page</a></p></main></body></html>
"""

# Addresses whose every answer is JSON.
JSON_PREFIXES = ("/api/", "/hsds/")
SERVER_ERROR_MESSAGE = "Something went wrong on our side. Please try again in a few minutes."


def wants_json(request) -> bool:
    return request is not None and request.path.startswith(JSON_PREFIXES)


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
            content = PLAIN_PROBLEM.format(title=escape(title), message=escape(message))
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
        return JsonResponse({"error": SERVER_ERROR_MESSAGE}, status=500)
    try:
        return defaults.server_error(request)
    except Exception:
        logger.exception("The 500.html page could not be rendered")
        return HttpResponseServerError(PLAIN_SERVER_ERROR)


def login_locked(request, credentials=None, *args, **kwargs):
    """The admin sign-in answer once django-axes has locked a username at this address."""
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
