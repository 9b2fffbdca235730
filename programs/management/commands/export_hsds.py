"""Write every published listing as HSDS 3.0 tables (see programs.hsds.export)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs.hsds.export import export, write_zip


class Command(BaseCommand):
    help = (
        "Write the published listings as HSDS 3.0 CSV tables with a datapackage.json into DIR "
        "(created if needed; files of the same names are replaced)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address, e.g. https://iopfinder.example, to fill each service's "
            "url (left empty without it)",
        )
        parser.add_argument(
            "--zip",
            type=Path,
            metavar="FILE",
            help="also pack the tables into this zip file (what /hsds/export.zip serves when "
            "HSDS_EXPORT_ZIP names it)",
        )

    def handle(self, *args, directory: Path, base_url: str, zip: Path | None, **options):
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a directory.")
        if base_url and not base_url.startswith(("https://", "http://")):
            raise CommandError("--base-url must start with https:// or http://.")
        report = export(directory, base_url=base_url.rstrip("/"))
        if zip is not None:
            write_zip(directory, zip)
        tables = ", ".join(f"{name} {count}" for name, count in report.rows.items())
        self.stdout.write(
            f"Wrote {report.rows['service']} services of {report.rows['organization']} "
            f"organizations to {directory} in {report.seconds:.1f} s ({tables})."
        )
