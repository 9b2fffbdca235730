"""``manage.py benchmark`` (``make benchmark``): measure the public pages at national size on
scratch SQLite and PostgreSQL databases, print the figures and write docs/benchmarks.md.

The work is in ``bench.run`` (databases and child processes), ``bench.measure`` (the requests
and their timing), ``bench.load`` (gunicorn) and ``bench.report``.
"""

import argparse

from django.conf import settings
from django.core.management.base import BaseCommand

from bench import report
from bench.measure import ROWS_BY_KEY
from bench.run import Plan, run_all


def row_keys(text: str) -> tuple[str, ...]:
    """``--rows near,page_last``: row keys of bench.measure.ROWS, checked."""
    keys = tuple(key.strip() for key in text.split(",") if key.strip())
    unknown = [key for key in keys if key not in ROWS_BY_KEY]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown rows {', '.join(unknown)}; the rows are {', '.join(ROWS_BY_KEY)}"
        )
    return keys


def add_plan_arguments(parser) -> None:
    """The options of one run, shared with ``benchmark_database``."""
    defaults = Plan()
    parser.add_argument("--count", type=int, default=defaults.count, help="Programs to generate.")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--shape",
        choices=["locator", "curated"],
        default=defaults.shape,
        help="locator: facts reported as in the national locator (default); curated: most "
        "facts reported.",
    )
    parser.add_argument(
        "--requests", type=int, default=defaults.requests, help="Requests per row and round."
    )
    parser.add_argument("--rounds", type=int, default=defaults.rounds, help="Rounds per row.")
    parser.add_argument(
        "--expensive-requests",
        type=int,
        default=defaults.expensive_requests,
        help="Requests per round for the CSV rows (each takes up to seconds).",
    )
    parser.add_argument("--no-gunicorn", action="store_true", help="Skip throughput and memory.")
    parser.add_argument(
        "--no-hsds-export", action="store_true", help="Skip timing manage.py export_hsds."
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=defaults.seconds,
        help="Each throughput run at 4 connections.",
    )
    parser.add_argument(
        "--load-seconds", type=float, default=defaults.load_seconds, help="The load test."
    )
    parser.add_argument(
        "--connections", type=int, default=defaults.connections, help="The load test."
    )
    parser.add_argument(
        "--rows",
        type=row_keys,
        default=defaults.rows,
        help="Comma-separated rows to measure (e.g. near,page_last,api_100); all by default.",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the programs already in a kept scratch database (see --keep) when it "
        "holds --count of them, instead of generating them again.",
    )


def plan_from(options) -> Plan:
    return Plan(
        count=options["count"],
        seed=options["seed"],
        shape=options["shape"],
        requests=options["requests"],
        rounds=options["rounds"],
        expensive_requests=options["expensive_requests"],
        gunicorn=not options["no_gunicorn"],
        hsds_export=not options["no_hsds_export"],
        seconds=options["seconds"],
        load_seconds=options["load_seconds"],
        connections=options["connections"],
        rows=options["rows"],
        reuse=options["reuse"],
    )


class Command(BaseCommand):
    help = (
        "Benchmark the public pages with synthetic national-size data on scratch databases "
        "(SQLite, and PostgreSQL when reachable) and write docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument(
            "--databases",
            default="sqlite,postgres",
            help="Comma-separated: sqlite, postgres (skipped when no server answers).",
        )
        parser.add_argument(
            "--growth",
            action="store_true",
            help="Also run at four times --count and report each p95's ratio.",
        )
        parser.add_argument(
            "--section",
            default="latest",
            help="Which marked section of docs/benchmarks.md to replace (e.g. before, latest).",
        )
        parser.add_argument("--title", default="Latest run")
        parser.add_argument("--no-report", action="store_true", help="Print only.")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the scratch databases (var/bench/*.sqlite3, PostgreSQL "
            "BENCH_DATABASE_NAME_bench_COUNT) for a later run with --reuse.",
        )

    def handle(self, *args, **options):
        engines = [name.strip() for name in options["databases"].split(",") if name.strip()]
        machine = report.machine()
        warning = report.load_warning(machine["load_average"])
        self.stdout.write("Load average: " + ", ".join(f"{v:.2f}" for v in machine["load_average"]))
        if warning:
            self.stdout.write(self.style.WARNING(warning))
        runs = run_all(
            plan_from(options),
            engines,
            options["growth"],
            keep=options["keep"],
            log=self.stdout.write,
        )
        machine["load_average_end"] = report.load_average()
        text = report.render_report(runs, machine, options["title"])
        self.stdout.write("\n" + text)
        if not options["no_report"]:
            report.write_report(options["section"], text)
            self.stdout.write(f"Written to {report.REPORT_PATH.relative_to(settings.BASE_DIR)}.")
