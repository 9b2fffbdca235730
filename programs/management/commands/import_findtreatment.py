"""Load facilities from a FindTreatment.gov locator JSON file (see programs.importers)."""

from django.core.management.base import BaseCommand, CommandError

from programs.importers.findtreatment import ImportFileError, import_rows, read_rows


class Command(BaseCommand):
    help = (
        "Import facilities from the national treatment locator's JSON (FindTreatment.gov). "
        "By default only facilities offering intensive outpatient treatment, each with an IOP "
        "program. Safe to run again: facilities are matched on the locator's id (frid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the locator JSON file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be created, updated and skipped; change nothing",
        )
        parser.add_argument(
            "--all-levels",
            action="store_true",
            help="also import partial hospitalization (PHP) and outpatient (OP) programs",
        )

    def handle(self, *args, path, dry_run, all_levels, **options):
        try:
            rows = read_rows(path)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        def progress(done, total):
            self.stderr.write(f"... {done} of {total} rows")

        report = import_rows(rows, all_levels=all_levels, dry_run=dry_run, progress=progress)

        out = self.stdout
        # Every row's outcome in a dry run (that is its point), or on request with -v 2.
        if dry_run or options["verbosity"] >= 2:
            words = (
                {"create": "would create", "update": "would update", "skip": "would skip"}
                if dry_run
                else {"create": "created", "update": "updated", "skip": "skipped"}
            )
            for number, action, what in report.actions:
                out.write(f"row {number}: {words.get(action, action)} {what}")
            for number, reason in report.skipped:
                out.write(f"row {number}: {words['skip']}: {reason}")
        for number, reason in report.failed:
            self.stderr.write(f"row {number}: FAILED: {reason}")

        out.write("")
        out.write("Dry run: nothing was written." if dry_run else "Import finished.")
        out.write(
            f"Facilities: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.skipped)} skipped, "
            f"{len(report.failed)} failed (of {len(rows)} rows)."
        )
        out.write(
            f"Programs: {report.programs_created} created, {report.programs_updated} updated."
        )
        if report.unknown_codes:
            out.write("Unknown codes (not imported; extend the importer's code list):")
            for code, count in sorted(report.unknown_codes.items()):
                out.write(f"  {code}: {count} rows")
        else:
            out.write("Unknown codes: none.")
        if report.unknown_values:
            out.write("Unknown values (not imported; extend the importer's code list):")
            for (code, value), count in sorted(report.unknown_values.items()):
                out.write(f"  {code}: {value}: {count} rows")
        if report.unmapped:
            out.write("Values with no place in our model (not imported):")
            for (code, value), count in sorted(report.unmapped.items()):
                out.write(f"  {code}: {value}: {count} rows")
        if report.failed:
            raise CommandError(f"{len(report.failed)} rows failed; the other rows were imported.")
