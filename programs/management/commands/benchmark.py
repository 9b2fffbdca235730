"""Measure the public pages at national size, on SQLite and PostgreSQL (``make benchmark``).

The command runs in two roles:

* the **driver** (``manage.py benchmark``) makes a scratch database for each engine (an SQLite
  file in a temporary folder; ``iop_bench`` on the PostgreSQL server named by
  ``BENCH_DATABASE_URL`` or ``DATABASE_URL``, or on 127.0.0.1:5432 when one answers there), runs
  a worker against it in a child process, drops the scratch database, prints a table and writes
  it to ``docs/benchmarks.md``;
* the **worker** (``--worker``, settings from the environment like production, debug off)
  migrates the scratch database, loads synthetic programs (``bench.data``), times each
  page in process with Django's test client (server time: middleware, view, queries, template),
  counts its queries, then starts gunicorn with 2 workers on a free loopback port and measures
  throughput of the results page against a minimal view behind the same middleware, and the
  workers' peak memory.

The minimal view exists only inside the gunicorn this command starts (``benchmark_application``
adds its URL at start-up); the public site never has it. Load comes from ``wrk`` when it is
installed, else from a bounded pool of Python threads; either way only 127.0.0.1 is contacted.
"""

import contextlib
import http.client
import json
import math
import os
import platform
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from iopfinder.startup import freeze_long_lived_objects

BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "iop_bench")
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MINIMAL_PATH = "/benchmark-minimal/"
REPORT_PATH = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"

# Production settings (debug off), except that static files are not collected first: their
# hashed names change nothing in the timings, and the benchmark leaves the working tree alone.
WORKER_ENV = {
    "DEBUG": "0",
    "MANIFEST_STATIC": "0",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: STATIC_ROOT is not collected
}

# Targets from issue 7 (25,000 programs, 2 cores).
P95_TARGET_MS = 50
CSV_P95_TARGET_MS = 500
MAX_QUERIES = 10
THROUGHPUT_RATIO_TARGET = 0.40
MEMORY_TARGET_MB = 150

# Three filters a family might combine with a place, varied between requests.
FILTER_TRIPLES = [
    {"evening": "1", "payment": "medicaid", "modality": "cbt"},
    {"mat": "1", "condition": "depression", "format": "in_person"},
    {"weekend": "1", "payment": "private-insurance", "dual": "2"},
    {"evening": "1", "language": "spanish", "physician": "1"},
    {"accepting": "1", "population": "young-adults", "max_hours": "12"},
    {"prescriber": "1", "payment": "self-pay", "mutual_help": "1"},
]
TEXT_QUERIES = [
    "trauma",
    "family",
    "evening",
    "spanish",
    "relapse prevention",
    "harbor",
    "telehealth",
    "mindfulness",
    "opioid medication",
    "recovery center",
]


# --- Measuring pages in process ---------------------------------------------------------------


@dataclass
class PageResult:
    key: str
    label: str
    requests: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    rows: int | None = None  # for the CSV export: data rows per file (median)
    db_ms: float | None = None  # median time spent in the database (of the counted requests)
    note: str = ""

    @property
    def target_ms(self) -> int:
        return CSV_P95_TARGET_MS if self.key == "csv" else P95_TARGET_MS


PAGES = [
    ("results_near", "Results: near ZIP + radius 25 + 3 filters"),
    ("results_all", "Results: no filters"),
    ("results_text", "Results: text query"),
    ("detail", "Program detail"),
    ("compare", "Compare 4 programs"),
    ("csv", "CSV export (~500 rows)"),
    ("api_list", "JSON API list"),
    ("results_repeated", "Results, a repeated search (page cache)"),
]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 < fraction <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Inputs:
    """Realistic, varied request URLs drawn from the data in the database."""

    def __init__(self, seed: int = 1):
        from programs.filters import ProgramFilter
        from programs.models import Facility, Program, Source

        self.rng = random.Random(seed)
        programs = Program.objects.published()
        self.slugs = list(programs.order_by("pk").values_list("slug", flat=True)[:5000])
        if len(self.slugs) < 4:
            raise CommandError("The benchmark needs at least 4 published programs.")
        # ZIP codes where facilities are, so busy cities come up as often as families there.
        facilities = Facility.objects.filter(is_published=True, source=Source.SYNTHETIC)
        if not facilities.exists():
            facilities = Facility.objects.filter(is_published=True)
        self.zips = list(facilities.order_by("pk").values_list("zip_code", flat=True)[:5000])
        self.cities = sorted(set(facilities.values_list("city", flat=True)[:2000]))
        self.csv_searches = self._csv_searches(ProgramFilter, programs)

    def _csv_searches(self, program_filter, programs, target: int = 500) -> list[tuple[str, int]]:
        """Searches (query string, rows) whose result is closest to ``target`` rows."""
        candidates = []
        for zip_code in self.rng.sample(self.zips, min(40, len(self.zips))):
            for radius in ("25", "50", "100"):
                params = {"near": zip_code, "radius": radius}
                rows = program_filter(params, queryset=programs).qs.count()
                candidates.append((abs(rows - target), urlencode(params), rows))
        candidates.append(
            (abs(programs.count() - target), urlencode({"level": ["iop", "php", "op"]}, True), 0)
        )
        candidates.sort()
        return [(query, rows) for _gap, query, rows in candidates[:8]]

    def url(self, key: str) -> str:
        rng = self.rng
        if key == "results_repeated":
            return "/programs/?" + urlencode({"near": self.zips[0], "radius": "25", "evening": "1"})
        if key == "results_near":
            params = {"near": rng.choice(self.zips), "radius": "25", **rng.choice(FILTER_TRIPLES)}
            return "/programs/?" + urlencode(params)
        if key == "results_all":
            page = rng.randint(1, 10)
            return "/programs/" if page == 1 else f"/programs/?page={page}"
        if key == "results_text":
            words = rng.choice(TEXT_QUERIES + self.cities[:50])
            return "/programs/?" + urlencode({"q": words})
        if key == "detail":
            return f"/programs/{rng.choice(self.slugs)}/"
        if key == "compare":
            return "/compare/?" + urlencode({"p": rng.sample(self.slugs, 4)}, doseq=True)
        if key == "csv":
            return "/programs/export.csv?" + rng.choice(self.csv_searches)[0]
        if key == "api_list":
            params = {"near": rng.choice(self.zips), "radius": "25"}
            if rng.random() < 0.5:
                params.update(rng.choice(FILTER_TRIPLES))
            return "/api/programs/?" + urlencode(params)
        raise ValueError(key)


def _fetch(client, url: str):
    response = client.get(url)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response.status_code, body


def measure_pages(requests: int = 200, seed: int = 1, warmup: int = 5, log=None):
    """Time every page over ``requests`` varied requests each and count its queries.

    Every page is rendered for every request (page cache off), except the row that measures
    what the page cache gives a search asked for again. Runs in process against the configured
    database; returns a list of PageResult.
    """
    from django.test import Client
    from django.test.utils import override_settings

    inputs = Inputs(seed)
    client = Client(SERVER_NAME="localhost")
    results = []
    for key, label in PAGES:
        with override_settings(PAGE_CACHE_SECONDS=300 if key == "results_repeated" else 0):
            result = _measure_page(client, inputs, key, label, requests, warmup)
        results.append(result)
        if log:
            log(_row(result))
    return results


def _measure_page(client, inputs, key: str, label: str, requests: int, warmup: int):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    result = PageResult(key, label)
    for _ in range(warmup):
        _fetch(client, inputs.url(key))
    queries, db_ms = [], []
    for _ in range(min(requests, 10)):
        with CaptureQueriesContext(connection) as captured:
            status, _body = _fetch(client, inputs.url(key))
        if status == 200:
            queries.append(len(captured))
            db_ms.append(sum(float(query["time"]) for query in captured) * 1000)
    reset_queries()
    timings, rows = [], []
    for _ in range(requests):
        url = inputs.url(key)
        started = time.perf_counter()
        status, body = _fetch(client, url)
        timings.append((time.perf_counter() - started) * 1000)
        result.statuses[str(status)] = result.statuses.get(str(status), 0) + 1
        if key == "csv" and status == 200:
            rows.append(body.count(b"\n") - 1)
    result.requests = len(timings)
    result.median_ms = round(statistics.median(timings), 1)
    result.p95_ms = round(percentile(timings, 0.95), 1)
    if queries:
        result.queries_min, result.queries_max = min(queries), max(queries)
        result.db_ms = round(statistics.median(db_ms), 1)
    if rows:
        result.rows = int(statistics.median(rows))
    if set(result.statuses) != {"200"}:
        result.note = "some answers were not 200"
    return result


def api_queries_by_page_size(sizes=(1, 20, 100), seed: int = 1) -> dict[int, int]:
    """Queries for the same API search at different page sizes (should not grow)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")
    inputs = Inputs(seed)
    counts = {}
    query = inputs.csv_searches[0][0]
    for size in sizes:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/programs/?{query}&page_size={size}")
        counts[size] = len(captured)
    return counts


# --- Throughput and memory under gunicorn -----------------------------------------------------


def minimal_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def benchmark_application():
    """gunicorn's application for the benchmark: the site plus the minimal view."""
    from importlib import import_module

    from django.core.wsgi import get_wsgi_application
    from django.urls import clear_url_caches, path

    application = get_wsgi_application()
    urls = import_module(settings.ROOT_URLCONF)
    urls.urlpatterns.append(path(MINIMAL_PATH.strip("/") + "/", minimal_view))
    clear_url_caches()
    freeze_long_lived_objects()  # as iopfinder/wsgi.py does
    return application


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _warm_up(port: int, paths: list[str], threads: int = 4) -> None:
    """Request every path once, ``threads`` at a time, so that every worker serves some."""

    def loop(share: list[str]):
        for path in share:
            with contextlib.suppress(OSError):
                _get(port, path, timeout=120)

    pool = [threading.Thread(target=loop, args=(paths[i::threads],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _load_with_threads(port: int, paths: list[str], seconds: float, threads: int = 4) -> dict:
    """Requests per second from a few client threads, bounded in time and count."""
    stop_at = time.monotonic() + seconds
    max_requests = 20000
    counts, errors = [0] * threads, [0] * threads

    def loop(index: int):
        rng = random.Random(index)
        while time.monotonic() < stop_at and sum(counts) < max_requests:
            try:
                status = _get(port, rng.choice(paths))
            except OSError:
                status = 0
            counts[index] += 1
            if status != 200:
                errors[index] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return {"rps": round(sum(counts) / elapsed, 1), "requests": sum(counts), "errors": sum(errors)}


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Host"] = "localhost"})
end
"""


def _load_with_wrk(port: int, paths: list[str], seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                "-c4",
                f"-d{int(seconds)}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": round(rps, 1), "requests": total, "errors": int(bad.group(1)) if bad else 0}


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else None


def measure_gunicorn(seconds: float = 10, seed: int = 1, log=print) -> dict:
    """Throughput of the results page vs the minimal view, and the workers' peak memory."""
    import shutil

    inputs = Inputs(seed)
    port = _free_port()
    env = {**os.environ, **WORKER_ENV}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "programs.management.commands.benchmark:benchmark_application()",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, MINIMAL_PATH, timeout=5) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise CommandError("gunicorn did not start.")
            time.sleep(0.3)
        # Each worker compiles templates and reads the ZIP data on its first searches: warm
        # both up with concurrent requests for every page (so that peak memory covers all of
        # them) before timing anything.
        _warm_up(port, [inputs.url(key) for key, _label in PAGES for _ in range(6)])
        # Two loads on the results page: 300 searches asked again and again, each asked a few
        # times beforehand so that both workers' page caches hold it (the steady state of
        # popular searches), and searches that are all different (every one rendered).
        repeated_paths = [inputs.url("results_near") for _ in range(300)]
        _warm_up(port, repeated_paths * 3)
        fresh_paths = list(dict.fromkeys(inputs.url("results_near") for _ in range(6000)))
        use_wrk = shutil.which("wrk") is not None
        load = _load_with_wrk if use_wrk else _load_with_threads
        minimal = load(port, [MINIMAL_PATH], seconds)
        log(f"  minimal view: {minimal['rps']} requests/s")
        results = load(port, repeated_paths, seconds)
        log(f"  results page, 300 searches asked again and again: {results['rps']} requests/s")
        fresh = load(port, fresh_paths, seconds)
        log(f"  results page, every search different: {fresh['rps']} requests/s")
        memory = [_peak_rss_mb(pid) for pid in _worker_pids(process.pid)]
        memory = [m for m in memory if m is not None]
        return {
            "tool": "wrk (1 thread, 4 connections)" if use_wrk else "Python threads (4)",
            "seconds": seconds,
            "minimal": minimal,
            "results": results,
            "ratio": round(results["rps"] / minimal["rps"], 4) if minimal["rps"] else None,
            "fresh": fresh,
            "fresh_ratio": round(fresh["rps"] / minimal["rps"], 4) if minimal["rps"] else None,
            "worker_peak_mb": max(memory) if memory else None,
            "workers_peak_mb": memory,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- The driver: scratch databases, worker processes, report ------------------------------------


def _database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _postgres_server_url() -> str | None:
    """The PostgreSQL server to use, or None when there is none to reach."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if url.startswith(("postgres://", "postgresql://")):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return DEFAULT_POSTGRES_URL
    except OSError:
        return None


def _scratch_postgres(server_url: str, create: bool) -> str:
    """Create (or drop) the scratch database on that server; returns its URL."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(server_url)
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE_NAME}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{BENCH_DATABASE_NAME}"')
    user = config["USER"] or ""
    auth = f"{user}:{config['PASSWORD']}@" if config["PASSWORD"] else (f"{user}@" if user else "")
    return f"postgres://{auth}{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/" + (
        BENCH_DATABASE_NAME
    )


def _machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    import django

    return {
        "cores": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": os.getloadavg(),
    }


def _row(result: PageResult) -> str:
    queries = (
        "-"
        if result.queries_max is None
        else (
            str(result.queries_max)
            if result.queries_min == result.queries_max
            else f"{result.queries_min}-{result.queries_max}"
        )
    )
    ok = (
        result.p95_ms is not None
        and result.p95_ms < result.target_ms
        and result.queries_max is not None
        and result.queries_max <= MAX_QUERIES
        and not result.note
    )
    rows = f" ({result.rows} rows)" if result.rows is not None else ""
    note = f" {result.note}" if result.note else ""
    return (
        f"| {result.label}{rows} | {result.median_ms} | {result.p95_ms} | < {result.target_ms} "
        f"| {result.db_ms} | {queries} | {'yes' if ok else '**no**'}{note} |"
    )


def _ratio_text(ratio: float | None) -> str:
    met = ratio is not None and ratio >= THROUGHPUT_RATIO_TARGET
    shown = f"{ratio:.1%}" if ratio is not None else "-"  # 39.9% must not read as 40%
    return f"ratio **{shown}** ({'meets' if met else 'misses'} >= {THROUGHPUT_RATIO_TARGET:.0%})"


def _gunicorn_text(gunicorn: dict) -> str:
    memory = gunicorn["worker_peak_mb"]
    text = (
        f"Under gunicorn (2 workers, page cache on, load from {gunicorn['tool']}, "
        f"{gunicorn['seconds']:.0f} s each): minimal view {gunicorn['minimal']['rps']} "
        "requests/s; results page (near + 3 filters), 300 searches asked again and again, "
        f"{gunicorn['results']['rps']} requests/s: {_ratio_text(gunicorn['ratio'])}"
    )
    if gunicorn.get("fresh"):
        text += (
            f"; every search different (each one rendered) {gunicorn['fresh']['rps']} "
            f"requests/s: {_ratio_text(gunicorn['fresh_ratio'])}"
        )
    return text + (
        f". Worker peak memory (VmHWM) **{memory} MB** (target < {MEMORY_TARGET_MB} MB, "
        f"{'met' if memory and memory < MEMORY_TARGET_MB else 'not met'})."
    )


def render_report(runs: list[dict], machine: dict, title: str) -> str:
    lines = [f"### {title}", ""]
    lines.append(
        f"{machine['date']}; {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['memory_gb']} GB memory, {machine['os']}, Python {machine['python']}, "
        f"Django {machine['django']}. Load average at start: "
        + ", ".join(f"{value:.2f}" for value in machine["load_average"])
        + "."
    )
    for run in runs:
        lines += ["", f"#### {run['database']}", ""]
        lines.append(
            f"{run['programs']} programs at {run['facilities']} facilities, generated in "
            f"{run['generate_seconds']:.0f} s; {run['requests']} requests per page, "
            "server time in process (Django test client: middleware, view, queries, template)."
        )
        lines += [
            "",
            "| page | median ms | p95 ms | target p95 | of which database ms | queries | met |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        lines += [_row(PageResult(**page)) for page in run["pages"]]
        sizes = run.get("api_queries_by_page_size")
        if sizes:
            lines += [
                "",
                "API queries by page size: "
                + ", ".join(f"{size} per page: {count}" for size, count in sizes.items())
                + ".",
            ]
        gunicorn = run.get("gunicorn")
        if gunicorn:
            lines += ["", _gunicorn_text(gunicorn)]
    return "\n".join(lines) + "\n"


def write_report(section: str, text: str, path: Path = REPORT_PATH) -> None:
    """Replace one marked section of docs/benchmarks.md, keeping everything else."""
    start, end = f"<!-- benchmark:{section}:start -->", f"<!-- benchmark:{section}:end -->"
    block = f"{start}\n{text}{end}"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        _old, after = rest.split(end, 1)
        current = before + block + after
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current)


class Command(BaseCommand):
    help = (
        "Benchmark the public pages with synthetic national-size data on scratch databases "
        "(SQLite, and PostgreSQL when reachable) and write docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=25000, help="Programs to generate.")
        parser.add_argument("--requests", type=int, default=200, help="Timed requests per page.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--databases",
            default="sqlite,postgres",
            help="Comma-separated: sqlite, postgres (skipped when no server answers).",
        )
        parser.add_argument(
            "--seconds", type=float, default=10, help="Length of each throughput run."
        )
        parser.add_argument("--no-gunicorn", action="store_true", help="Skip throughput/memory.")
        parser.add_argument(
            "--section",
            default="latest",
            help="Which marked section of docs/benchmarks.md to replace (e.g. before, after).",
        )
        parser.add_argument("--title", default="Latest run")
        parser.add_argument("--no-report", action="store_true", help="Print only.")
        parser.add_argument("--worker", metavar="JSON_PATH", help=argparse_suppress())

    def handle(self, *args, **options):
        if options["worker"]:
            return self.work(options)
        return self.drive(options)

    # The worker: runs against DATABASE_URL, which the driver points at a scratch database.
    def work(self, options):
        from programs.models import Facility, Program

        log = self.stdout.write
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("generate_programs", count=options["count"], seed=options["seed"])
        generate_seconds = time.perf_counter() - started
        run = {
            "database": _database_version(),
            "programs": Program.objects.count(),
            "facilities": Facility.objects.count(),
            "generate_seconds": generate_seconds,
            "requests": options["requests"],
        }
        log(f"{run['database']}: measuring {options['requests']} requests per page")
        # As a gunicorn worker does once it has loaded the site (iopfinder/wsgi.py).
        freeze_long_lived_objects()
        pages = measure_pages(options["requests"], seed=options["seed"], log=log)
        run["pages"] = [asdict(page) for page in pages]
        run["api_queries_by_page_size"] = api_queries_by_page_size(seed=options["seed"])
        if not options["no_gunicorn"]:
            run["gunicorn"] = measure_gunicorn(options["seconds"], seed=options["seed"], log=log)
        Path(options["worker"]).write_text(json.dumps(run))

    def drive(self, options):
        wanted = {name.strip() for name in options["databases"].split(",") if name.strip()}
        machine = _machine()
        runs = []
        with tempfile.TemporaryDirectory(prefix="iop-bench-") as folder:
            targets = []
            if "sqlite" in wanted:
                targets.append(("sqlite", f"sqlite:///{folder}/bench.sqlite3"))
            if "postgres" in wanted:
                server = _postgres_server_url()
                if server:
                    targets.append(("postgres", server))
                else:
                    self.stdout.write("PostgreSQL: no server reachable, skipped.")
            for name, url in targets:
                if name == "postgres":
                    url = _scratch_postgres(url, create=True)
                out = Path(folder) / f"{name}.json"
                command = [sys.executable, "manage.py", "benchmark", "--worker", str(out)]
                for option in ("count", "requests", "seed", "seconds"):
                    command += [f"--{option}", str(options[option])]
                if options["no_gunicorn"]:
                    command.append("--no-gunicorn")
                env = {**os.environ, **WORKER_ENV, "DATABASE_URL": url}
                self.stdout.write(f"== {name}: {options['count']} programs")
                try:
                    subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True)
                finally:
                    if name == "postgres":
                        _scratch_postgres(url, create=False)
                runs.append(json.loads(out.read_text()))
        machine["load_average_end"] = os.getloadavg()
        report = render_report(runs, machine, options["title"])
        self.stdout.write("\n" + report)
        if not options["no_report"]:
            write_report(options["section"], report)
            self.stdout.write(f"Written to {REPORT_PATH.relative_to(settings.BASE_DIR)}.")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
