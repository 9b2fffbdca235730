"""The benchmark command's measuring code works on a tiny dataset, so it cannot rot unnoticed.

The full run (25,000 programs, gunicorn, two databases) is `make benchmark`, not a test.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from programs.management.commands import benchmark

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_dataset():
    call_command("generate_programs", count=30, seed=3, stdout=StringIO())


def test_measure_pages_times_and_counts_queries_for_every_page(tiny_dataset):
    results = benchmark.measure_pages(requests=3, warmup=0)

    assert [result.key for result in results] == [key for key, _label in benchmark.PAGES]
    for result in results:
        assert result.statuses == {"200": 3}, result
        assert result.requests == 3
        assert 0 < result.median_ms <= result.p95_ms
        assert 1 <= result.queries_min <= result.queries_max
    csv = next(result for result in results if result.key == "csv")
    assert csv.rows > 0


def test_api_query_count_is_measured_for_several_page_sizes(tiny_dataset):
    counts = benchmark.api_queries_by_page_size(sizes=(1, 20))

    assert set(counts) == {1, 20}
    assert all(count > 0 for count in counts.values())


def test_report_has_a_row_per_page_and_replaces_only_its_own_section(tmp_path):
    pages = [
        benchmark.PageResult(key, label, 2, 10.0, 12.0, 5, 6, {"200": 2})
        for key, label in benchmark.PAGES
    ]
    run = {
        "database": "SQLite",
        "programs": 30,
        "facilities": 22,
        "generate_seconds": 1.0,
        "requests": 2,
        "pages": [vars(page) for page in pages],
        "gunicorn": {
            "tool": "wrk",
            "seconds": 5,
            "minimal": {"rps": 400.0},
            "results": {"rps": 200.0},
            "ratio": 0.5,
            "fresh": {"rps": 40.0},
            "fresh_ratio": 0.1,
            "worker_peak_mb": 90.0,
        },
    }
    machine = {
        "date": "2026-11-27 15:00 UTC",
        "cores": 2,
        "cpu": "test",
        "memory_gb": 4,
        "os": "Linux",
        "python": "3.13",
        "django": "6.1",
        "load_average": (0.5, 0.5, 0.5),
    }
    text = benchmark.render_report([run], machine, "After")
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nHand-written notes stay.\n")

    benchmark.write_report("after", text, path=path)
    benchmark.write_report("after", text.replace("After", "Again"), path=path)

    written = path.read_text()
    assert "Hand-written notes stay." in written
    assert written.count("<!-- benchmark:after:start -->") == 1
    assert "### Again" in written and "### After" not in written
    for _key, label in benchmark.PAGES:
        assert f"| {label}" in written
    assert "ratio **50.0%** (meets >= 40%)" in written
    assert "ratio **10.0%** (misses >= 40%)" in written


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))

    assert benchmark.percentile(values, 0.95) == 95
    assert benchmark.percentile([7.0], 0.95) == 7.0
