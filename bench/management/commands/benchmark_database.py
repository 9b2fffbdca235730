"""``manage.py benchmark_database --json PATH``: measure the database that ``DATABASE_URL``
names, which must be a scratch one (it is migrated and filled with synthetic programs), and
write the figures as JSON. ``manage.py benchmark`` runs it once per scratch database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from bench.management.commands.benchmark import add_plan_arguments, plan_from
from bench.run import measure_database


class Command(BaseCommand):
    help = (
        "Fill the configured scratch database with synthetic programs, measure the pages "
        "(and gunicorn), and write the figures as JSON. Refuses a database with real listings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", required=True, help="Where to write the figures.")
        add_plan_arguments(parser)

    def handle(self, *args, **options):
        run = measure_database(plan_from(options), log=self.stdout.write)
        Path(options["json"]).write_text(json.dumps(run))
