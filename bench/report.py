"""The benchmark's report: the machine and its load, a table per database (and per size when
measuring growth), and the marked sections of docs/benchmarks.md that each run rewrites."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings

from bench.hsds import export_text
from bench.load import LOAD_TEST_P99_TARGET_MS, LOAD_TEST_TARGET_RPS
from bench.measure import (
    GROWTH_RATIO_TARGET,
    MAX_QUERIES,
    MEMORY_TARGET_MB,
    THROUGHPUT_RATIO_TARGET,
    PageResult,
)
from programs.views.export import CHUNK_SIZE

REPORT_PATH = Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
# Above this one-minute load average, other work on the machine shows in the figures.
BUSY_LOAD = 1.0
WIRE_TARGET_KB = 15


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def load_warning(load: tuple[float, float, float]) -> str:
    """A warning when the machine is busy enough to skew the figures, else ''."""
    if load[0] <= BUSY_LOAD:
        return ""
    return (
        f"Warning: load average {load[0]:.2f} is over {BUSY_LOAD:.0f}; other work on the "
        "machine inflates every figure."
    )


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {
        "cores": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": load_average(),
    }


def _queries(result: PageResult) -> str:
    if result.queries_max is None:
        return "-"
    if result.queries_min == result.queries_max:
        text = str(result.queries_max)
    else:
        text = f"{result.queries_min}-{result.queries_max}"
    if result.queries_per_chunk is not None:
        text += f" ({result.queries_per_chunk:g} per chunk)"
    return text


def queries_met(result: PageResult) -> bool:
    """At most MAX_QUERIES a request; a CSV streams its rows a chunk at a time, and is held to
    at most MAX_QUERIES per chunk of CHUNK_SIZE programs instead, so a bigger file may take
    more queries but never more per program."""
    if result.queries_per_chunk is not None:
        return result.queries_per_chunk <= MAX_QUERIES
    return result.queries_max is not None and result.queries_max <= MAX_QUERIES


def met(result: PageResult) -> bool:
    return (
        result.p95_ms is not None
        and result.p95_ms < result.target_ms
        and queries_met(result)
        and not result.note
    )


QUERIES_TEXT = (
    f"Met: the p95 under its target and at most {MAX_QUERIES} queries a request; the CSV rows, "
    f"which stream their rows read {CHUNK_SIZE} programs at a time, at most {MAX_QUERIES} "
    f"queries per chunk of {CHUNK_SIZE} (their queries column gives the most per chunk)."
)


def row_text(result: PageResult) -> str:
    rows = f" ({result.rows} rows)" if result.rows is not None else ""
    note = f" {result.note}" if result.note else ""
    rounds = "/".join(f"{value:g}" for value in result.round_p95_ms) or "-"
    return (
        f"| {result.label}{rows} | {result.requests} ({result.distinct} distinct) "
        f"| {result.median_ms} | {result.p95_ms} | {rounds} | < {result.target_ms} "
        f"| {result.db_ms} | {_queries(result)} | {'yes' if met(result) else '**no**'}{note} |"
    )


TABLE_HEAD = [
    "| request | timed (distinct) | median ms | p95 ms | p95 per round | target p95 "
    "| of which database ms | queries | met |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|",
]


def _ratio_text(ratio: float | None) -> str:
    ok = ratio is not None and ratio >= THROUGHPUT_RATIO_TARGET
    shown = f"{ratio:.1%}" if ratio is not None else "-"  # 39.9% must not read as 40%
    return f"ratio **{shown}** ({'meets' if ok else 'misses'} >= {THROUGHPUT_RATIO_TARGET:.0%})"


def gunicorn_text(gunicorn: dict) -> str:
    memory = gunicorn["worker_peak_mb"]
    text = (
        f"Under gunicorn (2 workers, production settings, page cache on, load from "
        f"{gunicorn['tool']}): at 4 connections for {gunicorn['seconds']:.0f} s, minimal view "
        f"{gunicorn['minimal']['rps']} requests/s; results page (near + filters), 300 searches "
        f"asked again and again, {gunicorn['results']['rps']} requests/s: "
        f"{_ratio_text(gunicorn['ratio'])}."
    )
    fresh = gunicorn.get("fresh")
    if fresh:
        rps_ok = fresh["rps"] >= LOAD_TEST_TARGET_RPS
        p99_ok = fresh.get("p99_ms") is not None and fresh["p99_ms"] < LOAD_TEST_P99_TARGET_MS
        rendered = (
            "every one rendered"
            if fresh.get("every_one_rendered", True)
            else "**some asked twice**"
        )
        text += (
            f" Load test, {gunicorn.get('connections', 4)} connections for "
            f"{gunicorn.get('load_seconds', gunicorn['seconds']):.0f} s, searches all different "
            f"({fresh.get('distinct_paths', '?')} distinct, {rendered}): "
            f"**{fresh['rps']} requests/s** (target >= {LOAD_TEST_TARGET_RPS}, "
            f"{'met' if rps_ok else 'not met'}), p99 **{fresh.get('p99_ms')} ms** (target < "
            f"{LOAD_TEST_P99_TARGET_MS}, {'met' if p99_ok else 'not met'}), "
            f"{fresh['requests']} requests, {fresh['errors']} errors."
        )
        if "server_cores" in fresh:
            text += (
                f" Meanwhile the workers used {fresh['server_cores']} of the machine's cores "
                f"({fresh['server_cpu_ms']} ms of CPU a request) and the load generator "
                f"{fresh['generator_cores']}."
            )
    return text + (
        f" Worker peak memory (VmHWM) **{memory} MB** (target < {MEMORY_TARGET_MB} MB, "
        f"{'met' if memory and memory < MEMORY_TARGET_MB else 'not met'})."
    )


def wire_text(wire: dict) -> str:
    kb = wire["gzip_bytes"] / 1024
    ok = wire["encoding"] == "gzip" and kb < WIRE_TARGET_KB
    return (
        f"The {wire['cards']}-card results page `{wire['path']}` on the wire: "
        f"{wire['bytes'] / 1024:.1f} KB as HTML, **{kb:.1f} KB** gzipped "
        f"(target < {WIRE_TARGET_KB} KB, {'met' if ok else 'not met'})."
    )


def run_text(run: dict) -> list[str]:
    lines = [
        f"{run['programs']} programs at {run['facilities']} facilities ({run['shape']}-shaped "
        f"data), generated in {run['generate_seconds']:.0f} s; {run['rounds']} rounds of "
        f"{run['requests']} requests per row ({run['expensive_requests']} for the CSV rows), "
        "every request rendered (page cache off) except the last row; server time in process "
        "(Django test client: middleware, view, queries, template). Load average before "
        "measuring: " + ", ".join(f"{value:.2f}" for value in run["load_average"]) + ".",
        "",
        *TABLE_HEAD,
        *(row_text(PageResult(**page)) for page in run["pages"]),
        "",
        QUERIES_TEXT,
    ]
    sizes = run.get("api_queries_by_page_size")
    if sizes:
        lines += [
            "",
            "API queries by page size: "
            + ", ".join(f"{size} per page: {count}" for size, count in sizes.items())
            + ".",
        ]
    if run.get("wire"):
        lines += ["", wire_text(run["wire"])]
    if run.get("hsds_export"):
        lines += ["", export_text(run["hsds_export"])]
    if run.get("gunicorn"):
        lines += ["", gunicorn_text(run["gunicorn"])]
    return lines


def growth_text(small: dict, large: dict) -> list[str]:
    """Each row's p95 at the larger size as a ratio of its p95 at the smaller."""
    before = {page["key"]: page for page in small["pages"]}
    lines = [
        f"Growth from {small['programs']} to {large['programs']} programs "
        f"(target: every p95 at most {GROWTH_RATIO_TARGET} times):",
        "",
        f"| request | p95 ms at {small['programs']} | p95 ms at {large['programs']} "
        "| ratio | met |",
        "|---|---:|---:|---:|---|",
    ]
    for page in large["pages"]:
        old = before.get(page["key"])
        if not old or not old["p95_ms"]:
            continue
        ratio = page["p95_ms"] / old["p95_ms"]
        ok = ratio <= GROWTH_RATIO_TARGET
        lines.append(
            f"| {page['label']} | {old['p95_ms']} | {page['p95_ms']} | {ratio:.2f} "
            f"| {'yes' if ok else '**no**'} |"
        )
    return lines


def render_report(runs: list[dict], machine: dict, title: str) -> str:
    lines = [f"### {title}", ""]
    lines.append(
        f"{machine['date']}; {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['memory_gb']} GB memory, {machine['os']}, Python {machine['python']}, "
        f"Django {machine['django']}. Load average at start: "
        + ", ".join(f"{value:.2f}" for value in machine["load_average"])
        + (
            ", at the end: " + ", ".join(f"{value:.2f}" for value in machine["load_average_end"])
            if machine.get("load_average_end")
            else ""
        )
        + "."
    )
    warning = load_warning(machine["load_average"])
    if warning:
        lines += ["", f"**{warning}**"]
    by_database: dict[str, list[dict]] = {}
    for run in runs:
        by_database.setdefault(run["database"], []).append(run)
    for database, database_runs in by_database.items():
        for run in database_runs:
            lines += ["", f"#### {database}, {run['programs']} programs", ""]
            lines += run_text(run)
        if len(database_runs) > 1:
            lines += ["", *growth_text(database_runs[0], database_runs[-1])]
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
