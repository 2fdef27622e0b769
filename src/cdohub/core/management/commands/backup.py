from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.core.management.base import CommandParser
from django.utils import timezone

from cdohub.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files and the audit checkpoints into one .tar.gz archive "
        "with a manifest of checksums (docs/admin.md, 'Backup and restore')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archive",
            nargs="?",
            type=Path,
            help="the file to write (default: DATA_DIR/backups/cdohub-<time>.tar.gz)",
        )

    def handle(self, *args: Any, archive: Path | None, **options: Any) -> None:
        target = (
            archive or Path(settings.DATA_DIR) / "backups" / f"cdohub-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            manifest = create_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = len(manifest["files"]) - 1  # besides the database
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: the {manifest['database']} database and {files} files."
            )
        )
