"""Signed checkpoints: the audit chain anchored outside the database.

A checkpoint says "the log held `count` entries, the newest #`entry_id` with hash `hash`", signed
with an Ed25519 key that is not in the database (CDOHUB["AUDIT_KEYS"], or a key generated once in
the data directory). Checkpoints are appended, one JSON line each, to a file beside the data
(CDOHUB["AUDIT_CHECKPOINTS"]) and can be exported for a third party to hold. Whoever can rewrite
the database still cannot sign: deleting the tail, deleting a row, or editing one and recomputing
every later hash each contradicts a checkpoint written before.
"""

import base64
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import AuditChainHead, AuditEntry


def _config(name: str) -> Any:
    return settings.CDOHUB[name]


def checkpoint_file() -> Path:
    return Path(_config("AUDIT_CHECKPOINTS"))


def checkpoint_every() -> int:
    return int(_config("AUDIT_CHECKPOINT_EVERY"))


# Keys ------------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _generated_seed() -> bytes:
    """The key of an installation that configures none: made once, kept in the data directory."""
    path = Path(_config("AUDIT_KEY_FILE"))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as key_file:
                key_file.write(_b64(os.urandom(32)) + "\n")
    return base64.urlsafe_b64decode(path.read_text().strip())


def signing_keys() -> list[Ed25519PrivateKey]:
    """The configured keys, the first of which signs; all of them verify (rotation)."""
    seeds = [base64.urlsafe_b64decode(key) for key in _config("AUDIT_KEYS")] or [_generated_seed()]
    return [Ed25519PrivateKey.from_private_bytes(seed) for seed in seeds]


def public_key_text(key: Ed25519PrivateKey) -> str:
    return _b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


# Checkpoints -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    entry_id: int
    hash: str
    count: int
    at: str
    key: str  # the public key that signed, url-safe base64
    signature: str = ""

    def signed_part(self) -> bytes:
        body = {"entry_id": self.entry_id, "hash": self.hash, "count": self.count, "at": self.at}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def is_signed_by(self, trusted: set[str]) -> bool:
        if self.key not in trusted:
            return False
        public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(self.key))
        try:
            public.verify(base64.urlsafe_b64decode(self.signature), self.signed_part())
        except (InvalidSignature, ValueError):
            return False
        return True


class CheckpointFileError(Exception):
    pass


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint of the file (the local one by default); none if it does not exist."""
    path = path or checkpoint_file()
    if not path.exists():
        return []
    checkpoints = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        try:
            checkpoints.append(Checkpoint(**json.loads(line)))
        except (ValueError, TypeError):
            raise CheckpointFileError(f"{path}, line {number}: not a checkpoint") from None
    return checkpoints


def _last_line(path: Path) -> str:
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 4096))
        lines = f.read().splitlines()
    return lines[-1].decode() if lines else ""


def write_checkpoint() -> Checkpoint | None:
    """Sign the chain's current head and append it; nothing if no entry came since the last one."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.last_entry_id is None:
        return None
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # concurrent writers append whole lines, in turn
        last = _last_line(path)
        if last and json.loads(last)["entry_id"] == head.last_entry_id:
            return None
        checkpoint = _signed(head.last_entry_id, head.last_hash)
        f.write(json.dumps(asdict(checkpoint), sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return checkpoint


def _signed(entry_id: int, entry_hash: str) -> Checkpoint:
    key = signing_keys()[0]
    unsigned = Checkpoint(
        entry_id=entry_id,
        hash=entry_hash,
        count=AuditEntry.objects.filter(id__lte=entry_id).count(),
        at=timezone.now().isoformat(),
        key=public_key_text(key),
    )
    return Checkpoint(**{**asdict(unsigned), "signature": _b64(key.sign(unsigned.signed_part()))})


def export_checkpoints(target: Path) -> int:
    """Copy the checkpoints to `target` for a third party to keep; the number copied."""
    checkpoints = read_checkpoints()
    if checkpoints:
        shutil.copyfile(checkpoint_file(), target)
    else:
        target.write_text("")
    return len(checkpoints)


# Verification ----------------------------------------------------------------------------------


CONTRADICTS = gettext_noop("the signed checkpoint contradicts the log")


@dataclass
class AnchorReport:
    checkpoints: int
    ok: bool
    unanchored: int = 0  # entries newer than the last checkpoint
    entry_id: int | None = None
    reason: str = ""


def _entries() -> Iterator[tuple[int, str]]:
    return AuditEntry.objects.order_by("id").values_list("id", "hash").iterator(chunk_size=5000)


def verify_checkpoints(path: Path | None = None) -> AnchorReport:
    """Check every checkpoint's signature, and that the log still holds what each one signed."""
    checkpoints = sorted(read_checkpoints(path), key=lambda c: c.entry_id)
    trusted = {public_key_text(key) for key in signing_keys()}
    for checkpoint in checkpoints:
        if not checkpoint.is_signed_by(trusted):
            return AnchorReport(
                len(checkpoints),
                False,
                0,
                checkpoint.entry_id,
                gettext_noop("its checkpoint's signature is not valid"),
            )
    pending = iter(checkpoints)
    due = next(pending, None)
    count = 0
    for entry_id, entry_hash in _entries():
        if due is not None and due.entry_id < entry_id:  # the checkpointed entry is gone
            return _contradicted(len(checkpoints), due, gettext_noop("entries removed, this one among them"))
        count += 1
        while due is not None and due.entry_id == entry_id:
            if entry_hash != due.hash:
                return _contradicted(
                    len(checkpoints), due, gettext_noop("entries rewritten: its hash differs")
                )
            if count != due.count:
                return _contradicted(
                    len(checkpoints), due, f"it counted {due.count} entries up to it, the log has {count}"
                )
            due = next(pending, None)
    if due is not None:
        return _contradicted(len(checkpoints), due, gettext_noop("entries removed from the end of the log"))
    anchored = checkpoints[-1].count if checkpoints else 0
    return AnchorReport(len(checkpoints), True, count - anchored)


def _contradicted(checked: int, checkpoint: Checkpoint, reason: str) -> AnchorReport:
    return AnchorReport(checked, False, 0, checkpoint.entry_id, f"{CONTRADICTS}: {reason}")
