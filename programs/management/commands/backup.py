"""Back up the whole database to one file (see programs.backups and the README, "Backups")."""

from django.core.management.base import BaseCommand, CommandError

from programs.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database to PATH: pg_dump's custom format on PostgreSQL, "
        "an SQLite database file on SQLite. Restore it with the restore command."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write (replaced if it exists)")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, path, database, **options):
        try:
            written = backup(path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = written.stat().st_size
        self.stdout.write(f"Backed up the database to {written} ({size / 1024:.0f} KB).")
