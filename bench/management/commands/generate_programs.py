"""Create synthetic programs for measuring the site at national size (see bench/data.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench import data


class Command(BaseCommand):
    help = (
        "Create N fictional, published programs (with facilities, schedules, staff, approaches "
        "and co-occurring support) over real US ZIP codes, marked source=synthetic. "
        "For benchmarks only: the rows are not demo data and carry no demo badge."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many programs.")
        parser.add_argument("--seed", type=int, help="Same seed, same data.")
        parser.add_argument(
            "--shape",
            choices=["curated", "locator"],
            default="curated",
            help="curated: most facts reported (default); locator: facts reported as in the "
            "national locator's sample (schedules, staff and per-condition care mostly not).",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="First delete the synthetic rows made earlier (demo and curated rows stay).",
        )

    def handle(self, *args, count, seed, shape, clear, **options):
        if count < 0:
            raise CommandError("--count must be zero or more.")
        started = time.perf_counter()
        if clear:
            deleted = data.clear()
            self.stdout.write(f"Deleted {deleted} synthetic facilities and their programs.")

        def progress(done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  {done:>7} / {total} programs  ({elapsed:.1f} s)")

        totals = (
            data.generate(count, seed=seed, progress=progress, shape=data.shape_named(shape))
            if count
            else {}
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {totals.get('programs', 0)} synthetic programs at "
                f"{totals.get('facilities', 0)} facilities in {elapsed:.1f} s."
            )
        )
