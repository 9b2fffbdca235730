"""What a long-running web process does once it has loaded the site."""

import gc
import threading


def freeze_long_lived_objects() -> None:
    """Load every view module, then set everything loaded so far aside from the cyclic
    garbage collector (``gc.freeze()``).

    Django, the app's modules and the URL patterns live as long as the process. Left in the
    collector's care, every full collection walks all of them: measured on the results page,
    such a pause took about 70 ms; frozen, about 15 to 25 ms. Called by ``wsgi.py`` (each
    gunicorn worker) and by the benchmark before it times pages.
    """
    # Imported here, not at the top: wsgi.py loads this module before Django is set up.
    from django.urls import get_resolver  # noqa: PLC0415

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()


def limit_public_statement_time() -> None:
    """Web workers give each database statement at most ``STATEMENT_TIMEOUT_MS``
    (``programs.middleware.limit_statement_time``); management commands never load this."""
    # Imported here, not at the top: this module is loaded before Django is set up.
    from django.conf import settings  # noqa: PLC0415

    from programs.middleware import limit_statement_time  # noqa: PLC0415

    limit_statement_time(settings.STATEMENT_TIMEOUT_MS)


READS = frozenset({"GET", "HEAD"})
UNLIMITED_PREFIXES = ("/admin/",)


def limit_active_requests(application, limit: int):
    """``application`` answering at most ``limit`` requests at once in this process; the
    worker's other threads wait their turn, in order.

    gunicorn's threads (``gunicorn.conf.py``) are there to wait on slow clients, which they do
    before the application is called; a rendered page is CPU work under Python's one lock, so
    more than two at once only interleave: each takes longer, and every one of them holds its
    querysets, rows and template output in memory meanwhile. The limit is released when the
    application returns: a rendered page is complete by then, and a streamed download (the
    CSV) is sent at the client's pace without holding a place. ``limit`` 0: no limit.

    Only reads of the public site wait their turn: writes and the admin are few, and may wait
    for the database's write lock (SQLite: up to 5 s while another worker writes), which would
    hold every reader behind them; measured with a flood of admin sign-ins
    (tests/test_gunicorn.py), searches then waited 5 to 7 s.
    """
    if limit <= 0:
        return application
    gate = threading.BoundedSemaphore(limit)

    def limited(environ, start_response):
        if environ.get("REQUEST_METHOD") not in READS or environ.get("PATH_INFO", "").startswith(
            UNLIMITED_PREFIXES
        ):
            return application(environ, start_response)
        with gate:
            return application(environ, start_response)

    return limited


def web_application():
    """The WSGI application as a web worker runs it (``iopfinder/wsgi.py``, and the
    benchmark's gunicorn, ``bench/wsgi.py``): Django set up with the settings module already
    named in the environment, each statement's time limited, the long-lived objects frozen and
    at most ``ACTIVE_REQUESTS`` public reads answered at once."""
    # Imported here, not at the top: this module is loaded before Django is set up.
    from django.conf import settings  # noqa: PLC0415
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415

    application = get_wsgi_application()
    limit_public_statement_time()
    freeze_long_lived_objects()
    return limit_active_requests(application, settings.ACTIVE_REQUESTS)
