"""A per-address limit on reports that forgets the address when its window ends.

The cache key is a keyed hash of the address and of the current window, never the address
itself, and the entry's timeout is the window: once it passes there is nothing left that could
tell who sent a report, and the next window's key for the same address is unrelated to this
one's.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, address: str, window: int) -> str:
    period = int(time.time()) // window
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}|{period}|{address}".encode(), hashlib.sha256
    ).hexdigest()
    return f"rate:{scope}:{digest}"


def client_address(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is the client's to write. Behind a proxy, the
    # deployer sets REMOTE_ADDR from it (as gunicorn does with --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")


def allow(request, scope: str, limit: int, window: int) -> bool:
    """Count one attempt from the request's address; False once ``limit`` were used up."""
    key = _key(scope, client_address(request), window)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
