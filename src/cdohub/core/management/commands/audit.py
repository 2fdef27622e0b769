from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.core.management.base import CommandParser

from cdohub.core.audit import verify_chain
from cdohub.core.checkpoints import (
    CheckpointFileError,
    export_checkpoints,
    verify_checkpoints,
    write_checkpoint,
)


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
        chain = verify_chain()
        if not chain.ok:
            raise CommandError(
                f"Audit chain broken at entry #{chain.entry_id}: {chain.reason} "
                f"({chain.checked} entries verified before it)."
            )
        try:
            anchor = verify_checkpoints(checkpoints)
        except CheckpointFileError as error:
            raise CommandError(str(error)) from None
        if not anchor.ok:
            raise CommandError(f"Audit log tampered at entry #{anchor.entry_id}: {anchor.reason}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {chain.checked} entries verified against {anchor.checkpoints} "
                f"signed checkpoints ({anchor.unanchored} entries newer than the last one)."
            )
        )
