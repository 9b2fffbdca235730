"""The benchmark's measuring code works on a tiny dataset, so it cannot rot unnoticed.

The full run (25,000 programs, gunicorn, two databases) is `make benchmark`, not a test.
"""

import os
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from bench import hsds, load, measure, report
from bench.management.commands.benchmark import Command as BenchmarkCommand
from bench.management.commands.benchmark import plan_from
from bench.run import Plan
from programs.models import Program
from programs.views import export
from tests.factories import make_facility, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_dataset():
    call_command("generate_programs", count=40, seed=3, stdout=StringIO())


def test_measure_pages_times_every_row_over_several_rounds_and_counts_queries(tiny_dataset):
    results = measure.measure_pages(requests=2, warmup=0, rounds=2, expensive_requests=1)

    assert [result.key for result in results] == [row.key for row in measure.ROWS]
    for result in results:
        expected = 1 if result.key.startswith("csv") else 2
        assert result.statuses == {"200": expected * 2}, result
        assert result.requests == expected * 2
        assert result.rounds == 2 and len(result.round_p95_ms) == 2
        assert 0 < result.median_ms <= result.p95_ms
        assert 1 <= result.queries_min <= result.queries_max
    csv = next(result for result in results if result.key == "csv_500")
    assert csv.rows > 0


def test_rows_ask_distinct_requests_of_the_kind_they_name(tiny_dataset):
    inputs = measure.Inputs(seed=2)

    near = inputs.urls("near_filters", 50)
    assert len(set(near)) == 50
    assert all("near=" in url for url in near)
    three = inputs.urls("three_criteria", 20)
    assert all(
        "evening=1" in url and "payment=medicaid" in url and "condition=depression" in url
        for url in three
    )
    assert all("page=20" in url for url in inputs.urls("page_20", 5))
    assert all(f"page={inputs.last_page}" in url for url in inputs.urls("page_last", 5))
    assert all("page_size=100" in url for url in inputs.urls("api_100", 10))
    common = inputs.urls("text_common", 30)
    assert all(any(f"q={w.split()[0]}" in url for w in measure.COMMON_WORDS) for url in common)
    deep = inputs.urls("text_deep", 10)
    assert all("q=" in url and "page=" in url for url in deep)
    services = inputs.urls("hsds_services", 20)
    assert all(url.startswith("/hsds/services?per_page=50") for url in services)
    assert any("search=" in url for url in services) and any("page=" in url for url in services)
    locations = inputs.urls("hsds_locations", 20)
    assert all(url.startswith("/hsds/service_at_locations?") for url in locations)
    assert all("postcode=" in url for url in locations)
    assert any("proximity=" in url for url in locations)


def _two_states_of_iops_and_ops():
    """24 programs: in Virginia and in California, 9 IOPs and 3 OPs each."""
    places = [("VA", "22903", 38.0339, -78.4924), ("CA", "94110", 37.7486, -122.4184)]
    for state, zip_code, latitude, longitude in places:
        facility = make_facility(
            state=state, zip_code=zip_code, latitude=latitude, longitude=longitude
        )
        for level in ["iop"] * 9 + ["op"] * 3:
            make_program(facility=facility, level_of_care=level)


def test_a_csv_bigger_than_any_state_finds_searches_of_about_its_size():
    # No place or state holds 6 programs (each holds 12); the OPs nationwide are 6.
    _two_states_of_iops_and_ops()

    inputs = measure.Inputs(seed=1)
    searches = inputs._sized_searches(Program.objects.published(), 6)

    query, rows = searches[0]
    assert rows == 6 and "level=op" in query
    assert ("level=op", 6) in searches


def test_a_csv_a_state_holds_is_still_drawn_from_places_and_states():
    _two_states_of_iops_and_ops()

    searches = measure.Inputs(seed=1)._sized_searches(Program.objects.published(), 12)

    assert all(rows == 12 for _query, rows in searches[:3])
    assert all("state=" in query or "near=" in query for query, rows in searches if rows == 12)


def test_a_streamed_csv_is_judged_by_its_queries_per_chunk(tiny_dataset, monkeypatch):
    # 40 programs in chunks of 5: the file of all of them reads 8 chunks.
    monkeypatch.setattr(export, "CHUNK_SIZE", 5)
    monkeypatch.setattr(measure, "CHUNK_SIZE", 5)

    [csv] = measure.measure_pages(requests=1, warmup=0, rounds=1, keys=["csv_500"])

    assert csv.rows == 40
    assert csv.queries_max > measure.MAX_QUERIES
    assert csv.queries_per_chunk == round(csv.queries_max / 8, 1)
    assert report.queries_met(csv)


def test_queries_are_met_per_request_or_for_a_csv_per_chunk():
    def result(key, queries, per_chunk=None):
        return measure.PageResult(
            key, key, 1, 1, 1, 5.0, 5.0, [5.0], queries, queries, {"200": 1},
            queries_per_chunk=per_chunk,
        )  # fmt: skip

    assert report.met(result("csv_5000", 45, per_chunk=4.1))
    assert not report.met(result("csv_5000", 45, per_chunk=11.0))
    assert not report.met(result("near", 45))
    assert report.met(result("near", 10))
    assert "| 45 (4.1 per chunk) | yes |" in report.row_text(result("csv_5000", 45, 4.1))


def test_api_query_count_is_measured_for_several_page_sizes(tiny_dataset):
    counts = measure.api_queries_by_page_size(sizes=(1, 20))

    assert set(counts) == {1, 20}
    assert all(count > 0 for count in counts.values())


def test_wire_size_reports_the_page_gzipped(tiny_dataset):
    wire = measure.wire_size()

    assert wire["cards"] == 20
    assert wire["encoding"] == "gzip"
    assert 0 < wire["gzip_bytes"] < wire["bytes"]


def test_the_minimal_view_is_only_in_the_benchmarks_urlconf():
    with pytest.raises(Resolver404):
        resolve(load.MINIMAL_PATH)
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert Client().get(load.MINIMAL_PATH).content == b"ok"
        assert resolve("/programs/").url_name == resolve("/programs/", "iopfinder.urls").url_name


def test_benchmark_database_refuses_a_database_with_real_listings(tmp_path):
    make_program()  # a curated listing

    with pytest.raises(CommandError, match="not synthetic"):
        call_command("benchmark_database", "--json", str(tmp_path / "out.json"), "--count", "5")
    assert not (tmp_path / "out.json").exists()


WRK_OUTPUT = """Running 30s test @ http://127.0.0.1:8123
  1 threads and 50 connections
  Latency Distribution
     50%  402.10ms
     75%  611.00ms
     90%  800.20ms
     99%    1.47s
  1335 requests in 30.02s, 80.1MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:     44.47
"""


def test_wrk_report_gives_throughput_p99_and_every_kind_of_error():
    assert load.parse_wrk(WRK_OUTPUT) == {
        "rps": 44.5,
        "requests": 1335,
        "errors": 5,
        "p99_ms": 1470.0,
    }


def _run(programs: int, p95: float) -> dict:
    pages = [
        measure.PageResult(row.key, row.label, 6, 3, 2, 10.0, p95, [p95 - 1, p95], 5, 6, {"200": 6})
        for row in measure.ROWS
    ]
    return {
        "database": "SQLite",
        "programs": programs,
        "facilities": programs // 2,
        "generate_seconds": 1.0,
        "shape": "locator",
        "requests": 3,
        "rounds": 2,
        "expensive_requests": 2,
        "load_average": (0.5, 0.5, 0.5),
        "pages": [vars(page) for page in pages],
        "wire": {"path": "/programs/", "cards": 20, "bytes": 62000, "gzip_bytes": 8400,
                 "encoding": "gzip"},
        "hsds_export": {"seconds": 75.0, "peak_mb": 150, "csv_mb": 9, "attribute_rows": 900,
                        "exit_status": 0, "output": ""},
        "gunicorn": {
            "tool": "wrk (1 thread)",
            "seconds": 5,
            "load_seconds": 30,
            "connections": 50,
            "minimal": {"rps": 400.0},
            "results": {"rps": 200.0},
            "ratio": 0.5,
            "fresh": {"rps": 40.0, "requests": 1200, "errors": 0, "p99_ms": 900.0,
                      "distinct_paths": 5000, "every_one_rendered": True},
            "fresh_ratio": 0.1,
            "worker_peak_mb": 90.0,
        },
    }  # fmt: skip


MACHINE = {
    "date": "2026-11-27 15:00 UTC",
    "cores": 2,
    "cpu": "test",
    "memory_gb": 4,
    "os": "Linux",
    "python": "3.13",
    "django": "6.1",
    "load_average": (3.5, 2.0, 1.0),
}


def test_report_has_a_row_per_request_with_rounds_load_and_growth(tmp_path):
    text = report.render_report([_run(30, 12.0), _run(120, 24.0)], MACHINE, "After")
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nHand-written notes stay.\n")

    report.write_report("after", text, path=path)
    report.write_report("after", text.replace("After", "Again"), path=path)

    written = path.read_text()
    assert "Hand-written notes stay." in written
    assert written.count("<!-- benchmark:after:start -->") == 1
    assert "### Again" in written and "### After" not in written
    for row in measure.ROWS:
        assert f"| {row.label}" in written
    assert "**75.0 s** (target < 60 s, not met)" in written
    assert "**150 MB** (target < 200 MB, met)" in written
    assert "| 6 (3 distinct) | 10.0 | 12.0 | 11/12 |" in written
    assert "Warning: load average 3.50 is over 1" in written
    assert "**40.0 requests/s** (target >= 100, not met), p99 **900.0 ms**" in written
    assert "**8.2 KB** gzipped (target < 15 KB, met)" in written
    assert "Growth from 30 to 120 programs" in written
    assert "at most 10 queries per chunk of 500" in written
    assert "| Program page | 12.0 | 24.0 | 2.00 | **no** |" in written


def test_the_load_test_says_how_much_of_the_machine_the_workers_and_the_load_generator_used():
    run = _run(30, 12.0)
    run["gunicorn"]["fresh"].update(server_cores=1.6, generator_cores=0.3, server_cpu_ms=48.0)

    text = report.gunicorn_text(run["gunicorn"])

    assert "the workers used 1.6 of the machine's cores (48.0 ms of CPU a request)" in text
    assert "the load generator 0.3." in text


def test_cpu_time_is_read_for_a_running_process_and_zero_for_one_that_is_gone():
    busy_until = time.process_time() + 0.05
    burnt = 0
    while time.process_time() < busy_until:
        burnt += sum(range(1000))

    assert load.cpu_seconds(os.getpid()) >= 0.05
    assert load.own_cpu_seconds() >= 0.05
    assert load.cpu_seconds(2**22 + 1) == 0.0


def test_load_warning_only_when_the_machine_is_busy():
    assert report.load_warning((0.8, 2.0, 2.0)) == ""
    assert "over 1" in report.load_warning((1.2, 0.1, 0.1))


def test_plan_reaches_the_child_process_as_options_its_command_reads(tmp_path):
    plan = Plan(count=7, gunicorn=False, hsds_export=False, rounds=1)

    arguments = plan.arguments()
    assert arguments[:2] == ["--count", "7"]
    assert "--no-gunicorn" in arguments and "--no-hsds-export" in arguments
    parser = BenchmarkCommand().create_parser("manage.py", "benchmark")
    assert plan_from(vars(parser.parse_args(arguments))) == plan


def test_a_run_can_measure_only_some_rows_on_data_it_keeps(tmp_path):
    plan = Plan(count=7, gunicorn=False, rows=("near", "page_last"), reuse=True)

    arguments = plan.arguments()
    assert arguments[arguments.index("--rows") + 1] == "near,page_last"
    assert "--reuse" in arguments
    parser = BenchmarkCommand().create_parser("manage.py", "benchmark")
    assert plan_from(vars(parser.parse_args(arguments))) == plan
    with pytest.raises(CommandError, match="unknown rows pages"):
        parser.parse_args(["--rows", "near,pages"])


def test_measure_pages_times_only_the_rows_asked(tiny_dataset):
    results = measure.measure_pages(requests=2, warmup=0, rounds=1, keys=["page_last", "near"])

    assert [result.key for result in results] == ["near", "page_last"]


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))

    assert measure.percentile(values, 0.95) == 95
    assert measure.percentile(values, 0.99) == 99
    assert measure.percentile([7.0], 0.95) == 7.0


def test_a_child_is_measured_by_its_own_peak_memory_not_its_parents(tmp_path):
    # The benchmark holds hundreds of MB when it starts the export; the kernel's ru_maxrss of
    # the child would carry that peak over (bench/hsds.py).
    script = tmp_path / "allocate.py"
    script.write_text(
        "import sys\nblock = b'x' * (120 << 20)\nprint('allocated', sys.argv[1])\nsys.exit(3)\n"
    )
    held = b"y" * (300 << 20)

    run = hsds.run_measured(str(script), "120 MB")

    assert len(held) == 300 << 20
    assert run["exit_status"] == 3
    assert run["output"] == "allocated 120 MB\n"
    assert 120 <= run["peak_mb"] < 200, run
