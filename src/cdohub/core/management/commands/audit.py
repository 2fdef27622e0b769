from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.core.management.base import CommandParser

from cdohub.core.audit import verify_log
from cdohub.core.checkpoints import export_checkpoints, write_checkpoint


class Command(BaseCommand):
    help = (
        "Audit log tools. `audit verify` recomputes the hash chain, checks it against the signed "
        "checkpoints and names the first tampered entry; `audit checkpoint` signs the chain's head; "
        "`audit checkpoints --export FILE` copies the checkpoints for a third party to keep."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "checkpoints"])
        parser.add_argument(
            "--checkpoints", type=Path, help="verify against this checkpoint file (e.g. a third party's copy)"
        )
        parser.add_argument("--export", type=Path, metavar="FILE", help="write the checkpoints to FILE")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "checkpoint":
            checkpoint = write_checkpoint()
            if checkpoint:
                self.stdout.write(
                    f"Checkpoint signed: entry #{checkpoint.entry_id}, {checkpoint.count} entries."
                )
            return
        if action == "checkpoints":
            if not options["export"]:
                raise CommandError("Name the file to write: audit checkpoints --export FILE")
            count = export_checkpoints(options["export"])
            self.stdout.write(f"{count} checkpoints written to {options['export']}.")
            return
        self._verify(options["checkpoints"])

    def _verify(self, checkpoints: Path | None) -> None:
        report = verify_log(checkpoints)
        if report.stage == "file":
            raise CommandError(report.reason)
        if not report.ok and report.stage == "chain":
            raise CommandError(
                f"Audit chain broken at entry #{report.entry_id}: {report.reason} "
                f"({report.checked} entries verified before it)."
            )
        if not report.ok:
            raise CommandError(f"Audit log tampered at entry #{report.entry_id}: {report.reason}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} entries verified against {report.checkpoints} "
                f"signed checkpoints ({report.unanchored} entries newer than the last one)."
            )
        )
