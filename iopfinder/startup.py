"""What a long-running web process does once it has loaded the site."""

import gc


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
