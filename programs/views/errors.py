"""The server error page, with a last resort for when even 500.html cannot be rendered.

Django renders templates/500.html without a request or database. If that fails too (say the
static files manifest is missing after a deploy), visitors still get a plain page in words
instead of the app server's bare error.
"""

import logging

from django.http import HttpResponseServerError
from django.views import defaults

logger = logging.getLogger(__name__)

PLAIN_SERVER_ERROR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong · IOP Finder</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Something went wrong on our side</h1>
<p>The page could not be shown. This is our fault, not yours. Please try again in a few minutes.</p>
<p><a href="/">Go to the IOP Finder home page</a></p></main></body></html>
"""


def server_error(request):
    try:
        return defaults.server_error(request)
    except Exception:
        logger.exception("The 500.html page could not be rendered")
        return HttpResponseServerError(PLAIN_SERVER_ERROR)
