"""Replace the database's contents with a backup (see programs.backups and the README)."""

from django.core.management.base import BaseCommand, CommandError

from programs.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup at PATH, made by the backup "
        "command. Asks first unless --noinput is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a backup file made by the backup command")
        parser.add_argument("--database", default="default", help="the database alias")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="do not ask for confirmation",
        )  # fmt: skip

    def handle(self, *args, path, database, interactive, **options):
        if interactive:
            answer = input(
                f"This replaces every listing, user and setting in the database with {path}.\n"
                "Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            restore(path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the database from {path}.")
