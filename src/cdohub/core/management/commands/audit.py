from typing import Any

from django.core.management import BaseCommand, CommandError
from django.core.management.base import CommandParser

from cdohub.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` recomputes the hash chain and names the first tampered entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at entry #{report.entry_id}: {report.reason} "
                f"({report.checked} entries verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries verified."))
