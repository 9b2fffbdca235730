"""Whole public pages kept in a cache, and never served once the listings have changed.

``cached_page`` wraps a public view. For a visitor without a session, a successful GET answer
(status 200, no cookie set) is stored under the page's address and the listings stamp read at
the start of the request (``programs.models.changes``); the next visitor asking for that address
gets the stored page for the price of reading the stamp. Any change to a program, facility,
session, staff role, lookup list... rewrites the stamp in the same transaction, so from then on
every stored page is out of reach and pages are rendered afresh. Entries also expire after
``PAGE_CACHE_SECONDS`` (default 300), which bounds how long wording that depends on today's date
("checked 3 days ago") can lag, and the "pages" cache keeps a bounded number of them.

Signed-in curators, other methods, errors, redirects and anything that sets a cookie always go
to the view. ``PAGE_CACHE_SECONDS=0`` switches the cache off.
"""

import hashlib
import zlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

from programs.middleware import is_anonymous_read, is_shareable_answer
from programs.models.changes import current_token

CACHE_ALIAS = "pages"
# Headers a view sets that belong to the stored page (middleware adds the rest on every answer).
_STORED_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Allow")


def _key(request, token: str) -> str:
    address = f"{request.get_host()}|{request.get_full_path()}|{token}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # The stamp is read for every request, cached or not: templates key fragments on it.
        request.listings_token = current_token()
        if _seconds() <= 0 or request.listings_token is None or not is_anonymous_read(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = _key(request, request.listings_token)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(zlib.decompress(content))
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if is_shareable_answer(response) and not response.streaming:
            headers = [(name, response[name]) for name in _STORED_HEADERS if name in response]
            cache.set(key, (zlib.compress(response.content, 1), headers), _seconds())
        return response

    return wrapper
