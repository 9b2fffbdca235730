from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark and its synthetic data: tools for measuring the site, not part of it."""

    name = "bench"
    verbose_name = "Benchmark"
