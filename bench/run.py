"""One benchmark run: for each database engine (and size), a scratch database, a child process
that measures it (``manage.py benchmark_database``), and the figures it wrote.

Each database gets its own process because Django reads its database settings once, at
start-up; the child is an ordinary management command pointed at the scratch database through
``DATABASE_URL``.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import scratch
from bench.hsds import measure_export
from bench.load import PRODUCTION_ENV, measure_gunicorn
from bench.measure import api_queries_by_page_size, measure_pages, wire_size
from bench.report import load_average, load_warning
from iopfinder.startup import freeze_long_lived_objects
from programs.models import Facility, Program, Source

GROWTH_FACTOR = 4  # 25,000 programs is about the national directory; 100,000 is four times it


@dataclass
class Plan:
    """What one run measures; the same options reach the child process."""

    count: int = 25000
    seed: int = 1
    shape: str = "locator"
    requests: int = 200
    rounds: int = 3
    expensive_requests: int = 20
    gunicorn: bool = True
    seconds: float = 10
    load_seconds: float = 30
    connections: int = 50
    # Row keys to measure (bench.measure.ROWS), empty for all of them.
    rows: tuple[str, ...] = ()
    # Keep the generated data when the scratch database already holds ``count`` programs.
    reuse: bool = False
    # Time manage.py export_hsds too (issue 15).
    hsds_export: bool = True

    def arguments(self) -> list[str]:
        arguments = []
        for name, value in asdict(self).items():
            if name == "gunicorn":
                arguments += [] if value else ["--no-gunicorn"]
            elif name == "reuse":
                arguments += ["--reuse"] if value else []
            elif name == "rows":
                arguments += ["--rows", ",".join(value)] if value else []
            elif name == "hsds_export":
                arguments += [] if value else ["--no-hsds-export"]
            else:
                arguments += [f"--{name.replace('_', '-')}", str(value)]
        return arguments


def measure_database(plan: Plan, log=print) -> dict:
    """Migrate the configured (scratch) database, fill it and measure it."""
    call_command("migrate", verbosity=0)
    if Facility.objects.exclude(source=Source.SYNTHETIC).exists():
        raise CommandError(
            "This database holds listings that are not synthetic; the benchmark fills and "
            "measures only a scratch database (manage.py benchmark makes one)."
        )
    started = time.perf_counter()
    if plan.reuse and Program.objects.count() == plan.count:
        log(f"Reusing the {plan.count} programs already in the scratch database.")
    else:
        call_command(
            "generate_programs", count=plan.count, seed=plan.seed, shape=plan.shape, clear=True
        )
    run = {
        "database": scratch.database_version(),
        "programs": Program.objects.count(),
        "facilities": Facility.objects.count(),
        "generate_seconds": time.perf_counter() - started,
        "shape": plan.shape,
        "requests": plan.requests,
        "rounds": plan.rounds,
        "expensive_requests": plan.expensive_requests,
        "load_average": load_average(),
    }
    warning = load_warning(run["load_average"])
    if warning:
        log(warning)
    log(f"{run['database']}, {run['programs']} programs: {plan.rounds} rounds per row")
    # As a gunicorn worker does once it has loaded the site (iopfinder/wsgi.py).
    freeze_long_lived_objects()
    pages = measure_pages(
        plan.requests,
        seed=plan.seed,
        rounds=plan.rounds,
        expensive_requests=plan.expensive_requests,
        keys=list(plan.rows) or None,
        log=log,
    )
    run["pages"] = [asdict(page) for page in pages]
    run["api_queries_by_page_size"] = api_queries_by_page_size(seed=plan.seed)
    run["wire"] = wire_size()
    if plan.hsds_export:
        log("  HSDS export...")
        run["hsds_export"] = measure_export()
    if plan.gunicorn:
        run["gunicorn"] = measure_gunicorn(
            plan.seconds,
            seed=plan.seed,
            load_seconds=plan.load_seconds,
            connections=plan.connections,
            log=log,
        )
    return run


KEPT_FOLDER = Path(settings.BASE_DIR) / "var" / "bench"


def run_all(
    plan: Plan, engines: list[str], growth: bool = False, keep: bool = False, log=print
) -> list[dict]:
    """Measure each engine (at ``plan.count``, and four times that with ``growth``).

    With ``keep`` the scratch databases outlive the run (SQLite files in var/bench/, the
    PostgreSQL database is not dropped), so that a run with ``reuse`` can measure the same
    data again at once: a fix measured back to back with the code before it.
    """
    counts = [plan.count, plan.count * GROWTH_FACTOR] if growth else [plan.count]
    runs = []
    if keep:
        KEPT_FOLDER.mkdir(parents=True, exist_ok=True)
        folders = contextlib.nullcontext(str(KEPT_FOLDER))
    else:
        folders = tempfile.TemporaryDirectory(prefix="iop-bench-")
    with folders as folder:
        for engine in engines:
            if engine == "postgres" and not scratch.postgres_server_url():
                log("PostgreSQL: no server reachable, skipped.")
                continue
            for count in counts:
                sized = Plan(**{**asdict(plan), "count": count})
                out = Path(folder) / f"{engine}-{count}.json"
                log(f"== {engine}: {count} programs")
                scratch_database = scratch.scratch_database(
                    engine, folder, f"bench-{count}", keep=keep
                )
                with scratch_database as url:
                    subprocess.run(
                        [sys.executable, "manage.py", "benchmark_database", "--json", str(out)]
                        + sized.arguments(),
                        cwd=settings.BASE_DIR,
                        env={**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url},
                        check=True,
                    )
                runs.append(json.loads(out.read_text()))
    return runs
