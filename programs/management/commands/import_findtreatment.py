"""Load facilities from the national treatment locator: a JSON file, or the live API.

The work is in ``programs.importers.findtreatment`` (rows) and ``programs.importers.
locator_api`` (pages, retries, checkpoint); this command parses arguments and prints the report.
Every value from the source is printed through ``visible()``, so a name carrying a terminal
escape sequence shows as ``\\x1b[...`` instead of acting on the operator's terminal.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from programs.importers.findtreatment import (
    MAX_FILE_MB,
    ImportFileError,
    import_rows,
    new_run,
    read_rows,
    visible,
)
from programs.importers.locator_api import (
    STATE_IDS,
    Checkpoint,
    Fetcher,
    SyncError,
    not_seen,
    sync,
)
from programs.importers.locator_api import changed_since as sync_changes

CHANGES_LISTED = 50


def _year(value: str) -> int:
    year = int(value)
    if not 1990 <= year <= 2100:
        raise ValueError(value)
    return year


class Command(BaseCommand):
    help = (
        "Import facilities from the national treatment locator (FindTreatment.gov): a JSON "
        "file, or with --api the live locator, a state at a time. By default only facilities "
        "offering intensive outpatient treatment, each with an IOP program. Safe to run again: "
        "facilities are matched on the locator's id (frid)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the locator JSON file (not with --api)")
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
        parser.add_argument(
            "--source-year",
            type=_year,
            metavar="YEAR",
            help="the year the locator published the file's facts, when known (the sample: "
            "2019); pages say so. A sync with --api records the current year.",
        )
        parser.add_argument(
            "--max-mb",
            type=int,
            default=MAX_FILE_MB,
            help=f"refuse a file larger than this many megabytes (default {MAX_FILE_MB}); "
            "the file is read into memory whole",
        )
        parser.add_argument(
            "--api", action="store_true", help="sync from the live locator (FINDTREATMENT_API_URL)"
        )
        parser.add_argument(
            "--state",
            action="append",
            default=[],
            metavar="XX",
            help="with --api: a state to sync (repeat for more; default every state)",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="with --api: go on from where an interrupted sync stopped",
        )
        parser.add_argument(
            "--checkpoint",
            default=None,
            help="with --api: the checkpoint file (default FINDTREATMENT_CHECKPOINT)",
        )

    def handle(self, *args, path, dry_run, all_levels, api, **options):
        if api == bool(path):
            raise CommandError("Give either a locator JSON file or --api, not both or neither.")
        if not api and (options["state"] or options["resume"] or options["checkpoint"]):
            raise CommandError("--state, --resume and --checkpoint go with --api.")
        if api:
            self.sync(dry_run=dry_run, all_levels=all_levels, **options)
            return
        try:
            rows = read_rows(path, max_mb=options["max_mb"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        def progress(done, total):
            self.stderr.write(f"... {done} of {total} rows")

        report = import_rows(
            rows,
            all_levels=all_levels,
            dry_run=dry_run,
            source_year=options["source_year"],
            progress=progress,
        )
        self.summary(report, rows=len(rows), verbosity=options["verbosity"])
        self.changes(report.changes)
        self.changes(report.kept, kept=True)
        self.fail_if_rows_failed(report)

    def sync(self, *, dry_run, all_levels, state, resume, checkpoint, verbosity, **options):
        states = [code.strip().upper() for code in state] or sorted(STATE_IDS)
        unknown = [code for code in states if code not in STATE_IDS]
        if unknown:
            raise CommandError(f"Unknown state {visible(', '.join(unknown))}.")
        now = timezone.now()
        run = new_run(
            all_levels=all_levels,
            dry_run=dry_run,
            now=now,
            # Live data is as the locator publishes it today.
            source_year=options["source_year"] or timezone.localdate(now).year,
        )
        fetcher = Fetcher.from_settings(log=self.stderr.write)
        checkpoint = Checkpoint(checkpoint or settings.FINDTREATMENT_CHECKPOINT)
        try:
            result = sync(
                run,
                list(dict.fromkeys(states)),
                fetcher=fetcher,
                checkpoint=checkpoint,
                resume=resume,
                log=self.stderr.write,
            )
        except SyncError as exc:
            report = run.finish()
            self.summary(report, rows=run.rows_done, verbosity=verbosity)
            again = "" if dry_run else " Run the same command with --resume to go on from there."
            raise CommandError(
                f"Sync stopped: {visible(str(exc))}. The pages before were imported.{again}"
            ) from exc
        report = run.finish()
        self.summary(report, rows=run.rows_done, verbosity=verbosity)
        self.stdout.write(
            f"Synced {', '.join(result.states)}: {result.pages} pages"
            + (" (resumed)." if result.resumed else ".")
        )
        self.changes(report.kept, kept=True)
        if dry_run:
            self.changes(report.changes)
        else:
            created, changes = sync_changes(result.started_at)
            changes = list(changes)
            self.stdout.write(
                f"Since the last sync: {created} new listings, "
                f"{len({c.facility_id for c in changes})} listings with changed facts "
                f"({len(changes)} changes, listed for curators to review)."
            )
            self.changes(
                [(c.facility.name, c.program, c.field, c.old_value, c.new_value) for c in changes]
            )
        gone = not_seen(result.states, run.seen)
        if gone:
            self.stdout.write(
                f"Not in this sync, left as they are (check whether they closed): {len(gone)} "
                "listings from the locator in these states:"
            )
            for facility in gone[:CHANGES_LISTED]:
                self.write(self.stdout, f"  {facility.name} ({facility.city}, {facility.state})")
        self.fail_if_rows_failed(report)

    def write(self, stream, line: str = "") -> None:
        stream.write(visible(line))

    def summary(self, report, *, rows: int, verbosity: int) -> None:
        out, dry_run = self.stdout, report.dry_run
        # Every row's outcome in a dry run (that is its point), or on request with -v 2.
        if dry_run or verbosity >= 2:
            words = (
                {"create": "would create", "update": "would update", "skip": "would skip"}
                if dry_run
                else {"create": "created", "update": "updated", "skip": "skipped"}
            )
            for number, action, what in report.actions:
                self.write(out, f"row {number}: {words.get(action, action)} {what}")
            for number, reason in report.skipped:
                self.write(out, f"row {number}: {words['skip']}: {reason}")
        for number, reason in report.failed:
            self.write(self.stderr, f"row {number}: FAILED: {reason}")

        out.write("")
        out.write("Dry run: nothing was written." if dry_run else "Import finished.")
        out.write(
            f"Facilities: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.skipped)} skipped, "
            f"{len(report.failed)} failed (of {rows} rows)."
        )
        out.write(
            f"Programs: {report.programs_created} created, {report.programs_updated} updated."
        )
        if report.unknown_codes:
            out.write("Unknown codes (not imported; extend the importer's code list):")
            for code, count in sorted(report.unknown_codes.items()):
                self.write(out, f"  {code}: {count} rows")
        else:
            out.write("Unknown codes: none.")
        if report.unknown_values:
            out.write("Unknown values (not imported; extend the importer's code list):")
            for (code, value), count in sorted(report.unknown_values.items()):
                self.write(out, f"  {code}: {value}: {count} rows")
        if report.unmapped:
            out.write("Values with no place in our model (not imported):")
            for (code, value), count in sorted(report.unmapped.items()):
                self.write(out, f"  {code}: {value}: {count} rows")

    def changes(self, changes: list, kept: bool = False) -> None:
        """The facts a re-import changed on existing listings, one line each.

        With ``kept``: the facts a curator had changed, which the import left as the curator
        set them (curator's value -> the source's), listed in the work queue.
        """
        if not changes:
            return
        self.stdout.write(
            "Kept a curator's value, for review in the work queue (curator's -> locator's):"
            if kept
            else "Changed facts (old -> new):"
        )
        for name, program, field, old, new in changes[:CHANGES_LISTED]:
            where = f"{name}, {program.name}" if program else name
            self.write(self.stdout, f"  {where}: {field}: {old or '(none)'} -> {new or '(none)'}")
        if len(changes) > CHANGES_LISTED:
            self.stdout.write(f"  ... and {len(changes) - CHANGES_LISTED} more.")

    def fail_if_rows_failed(self, report) -> None:
        if report.failed:
            raise CommandError(f"{len(report.failed)} rows failed; the other rows were imported.")
