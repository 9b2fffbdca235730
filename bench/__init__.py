"""Measuring IOP Finder at national size: synthetic data (``bench.data``), the requests and their
timing (``bench.measure``), load under gunicorn (``bench.load``), scratch databases
(``bench.scratch``) and the report (``bench.report``), driven by ``manage.py benchmark``.

Nothing here is served by the public site: the minimal view's URLconf (``bench.urls``) is used
only by the gunicorn the benchmark starts, with ``bench.settings``.
"""
