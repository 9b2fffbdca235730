"""Load under gunicorn: the results page against the minimal view, a load test at 50 connections,
and the workers' peak memory.

gunicorn runs ``bench.wsgi`` (the site's URLs plus the minimal view, ``bench.urls``) with 2
workers on a free loopback port and production settings. Load comes from ``wrk`` when it is
installed (``bench/wrk/paths.lua``), otherwise from a bounded pool of Python threads. Only
127.0.0.1 is contacted, and every loop is bounded in time and in requests.
"""

import contextlib
import http.client
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from bench.measure import ROWS, Inputs, percentile

MINIMAL_PATH = "/benchmark-minimal/"
WRK_SCRIPT = Path(__file__).with_name("wrk") / "paths.lua"
MAX_THREAD_REQUESTS = 20000
LOAD_TEST_TARGET_RPS = 100
LOAD_TEST_P99_TARGET_MS = 500

# Production settings (debug off), except that static files are not collected first: their
# hashed names change nothing in the timings, and the benchmark leaves the working tree alone.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "MANIFEST_STATIC": "0",
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: STATIC_ROOT is not collected
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def warm_up(port: int, paths: list[str], threads: int = 4) -> None:
    """Request every path once, ``threads`` at a time, so that every worker serves some."""

    def loop(share: list[str]):
        for path in share:
            with contextlib.suppress(OSError):
                get(port, path, timeout=120)

    pool = [threading.Thread(target=loop, args=(paths[i::threads],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def load_with_threads(port: int, paths: list[str], seconds: float, connections: int) -> dict:
    """Requests per second from ``connections`` client threads taking the paths in turn."""
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    state = {"next": 0}
    latencies, errors = [], [0]

    def loop():
        while time.monotonic() < stop_at:
            with lock:
                if state["next"] >= MAX_THREAD_REQUESTS:
                    return
                path = paths[state["next"] % len(paths)]
                state["next"] += 1
            started = time.perf_counter()
            try:
                status = get(port, path)
            except OSError:
                status = 0
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors[0] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=loop) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "requests": len(latencies),
        "errors": errors[0],
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
    }


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 1)


def parse_wrk(output: str) -> dict:
    """Requests/s, requests, errors (non-2xx and socket errors) and p99 from wrk's report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    return {
        "rps": round(rps, 1),
        "requests": total,
        "errors": (int(bad.group(1)) if bad else 0)
        + (sum(int(n) for n in sockets.groups()) if sockets else 0),
        "p99_ms": _wrk_ms(p99.group(1)) if p99 else None,
    }


def load_with_wrk(port: int, paths: list[str], seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{int(seconds)}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                str(WRK_SCRIPT),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
            env={**os.environ, "BENCH_PATHS": listing.name},
        ).stdout
    finally:
        os.unlink(listing.name)
    return parse_wrk(output)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used, from /proc; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (wrk)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return round(int(match.group(1)) / 1024, 1) if match else None


@contextlib.contextmanager
def gunicorn(workers: int = 2):
    """gunicorn serving ``bench.wsgi`` on a free loopback port; yields the port."""
    port = free_port()
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--workers",
            str(workers),
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
                if get(port, MINIMAL_PATH, timeout=5) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise CommandError("gunicorn did not start.")
            time.sleep(0.3)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def measure_gunicorn(
    seconds: float = 10,
    seed: int = 1,
    load_seconds: float = 30,
    connections: int = 50,
    log=print,
) -> dict:
    """Throughput of the results page vs the minimal view, a load test of distinct searches at
    ``connections`` connections, and the workers' peak memory."""
    inputs = Inputs(seed)
    use_wrk = shutil.which("wrk") is not None
    load = load_with_wrk if use_wrk else load_with_threads
    with gunicorn() as (port, process):
        # Each worker compiles templates and reads the ZIP data on its first searches: warm
        # both up with concurrent requests for every row (so that peak memory covers all of
        # them) before timing anything.
        warm_up(port, [url for row in ROWS for url in inputs.urls(row.key, 6)])
        # At 4 connections: 300 searches asked again and again, each asked a few times first
        # so that both workers' page caches hold it (the steady state of popular searches).
        repeated_paths = inputs.urls("near_filters", 300)
        warm_up(port, repeated_paths * 3)
        minimal = load(port, [MINIMAL_PATH], seconds, 4)
        log(f"  minimal view: {minimal['rps']} requests/s")
        results = load(port, repeated_paths, seconds, 4)
        log(f"  results page, 300 searches asked again and again: {results['rps']} requests/s")
        # The load test: searches that are all different, none asked before, so that every one
        # is rendered; more of them than the run can ask.
        asked = set(repeated_paths)
        fresh_paths = [
            path
            for path in dict.fromkeys(inputs.url("near_filters") for _ in range(12000))
            if path not in asked
        ]
        # The load generator shares the machine's cores with gunicorn: what it and the workers
        # used is measured, so the figure says how much of the machine the site had.
        workers = worker_pids(process.pid)
        server_before, generator_before = sum(map(cpu_seconds, workers)), own_cpu_seconds()
        started = time.monotonic()
        fresh = load(port, fresh_paths, load_seconds, connections)
        elapsed = time.monotonic() - started
        server = sum(map(cpu_seconds, workers)) - server_before
        fresh["server_cores"] = round(server / elapsed, 2)
        fresh["generator_cores"] = round((own_cpu_seconds() - generator_before) / elapsed, 2)
        fresh["server_cpu_ms"] = round(1000 * server / max(fresh["requests"], 1), 1)
        fresh["distinct_paths"] = len(fresh_paths)
        fresh["every_one_rendered"] = fresh["requests"] <= len(fresh_paths)
        log(
            f"  load test, {connections} connections, every search different: "
            f"{fresh['rps']} requests/s, p99 {fresh['p99_ms']} ms, {fresh['errors']} errors; "
            f"the workers used {fresh['server_cores']} cores ({fresh['server_cpu_ms']} ms of CPU "
            f"a request), the load generator {fresh['generator_cores']}"
        )
        memory = [peak_rss_mb(pid) for pid in worker_pids(process.pid)]
        memory = [m for m in memory if m is not None]
    return {
        "tool": "wrk (1 thread)" if use_wrk else "Python threads",
        "seconds": seconds,
        "load_seconds": load_seconds,
        "connections": connections,
        "minimal": minimal,
        "results": results,
        "ratio": round(results["rps"] / minimal["rps"], 4) if minimal["rps"] else None,
        "fresh": fresh,
        "fresh_ratio": round(fresh["rps"] / minimal["rps"], 4) if minimal["rps"] else None,
        "worker_peak_mb": max(memory) if memory else None,
        "workers_peak_mb": memory,
    }
