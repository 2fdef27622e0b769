from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.core.management.base import CommandParser

from cdohub.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database, the uploaded files and the audit checkpoints with those of a backup "
        "archive, after checking every file against the archive's checksums. Stop the service first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="an archive written by `cdohub backup`")
        parser.add_argument("--no-input", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, archive: Path, no_input: bool, **options: Any) -> None:
        if not no_input and input(f"Replace all data with {archive}? Type 'yes' to go on: ") != "yes":
            raise CommandError("Restore cancelled.")
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created']}."))
