"""`cdohub backup` and `cdohub restore`: a round trip brings every row, file and checkpoint back, and a
damaged archive is refused before anything changes."""

import gzip
import io
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from cdohub.accounts.models import RoleAssignment
from cdohub.core import audit, backup
from cdohub.core.models import AuditEntry
from cdohub.org.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installation(settings, tmp_path, committed_demo):
    """The demo with two uploaded files and a signed checkpoint, in this test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CDOHUB = {
        **settings.CDOHUB,
        "AUDIT_KEY_FILE": tmp_path / "signing.key",
        "AUDIT_CHECKPOINTS": tmp_path / "checkpoints.jsonl",
    }
    (tmp_path / "media" / "letters").mkdir(parents=True)
    (tmp_path / "media" / "letters" / "任命书.pdf").write_bytes(b"%PDF-1.4 letter")
    (tmp_path / "media" / "plan.pdf").write_bytes(b"%PDF-1.4 plan")
    call_command("audit", "checkpoint")
    return tmp_path


def _state(media: Path):
    """What a restore must bring back: every table's rows, the audit log, the files, the checkpoints."""
    rows = {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True)) for model in apps.get_models()
    }
    log = list(AuditEntry.objects.order_by("id").values_list("id", "hash"))
    files = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    return rows, log, files, backup.checkpoint_file().read_text()


def _change_everything(media: Path):
    unit = Unit.objects.get(code="440902")
    with audit.acting_as(None, "test"):
        unit.short_name = "改过"
        unit.save()
        RoleAssignment.objects.filter(unit__code="440900-GA").first().delete()
    (media / "plan.pdf").unlink()
    (media / "new.pdf").write_bytes(b"%PDF-1.4 new")
    call_command("audit", "checkpoint")


def test_a_round_trip_brings_everything_back_and_the_audit_log_verifies(installation):
    media = installation / "media"
    archive = installation / "backups" / "cdohub.tar.gz"
    call_command("backup", str(archive))
    before = _state(media)

    _change_everything(media)
    assert _state(media) != before

    replaced = backup.checkpoint_file().read_text()
    call_command("restore", str(archive), "--no-input")
    assert _state(media) == before
    kept = list(installation.glob("checkpoints.jsonl.before-restore-*"))
    assert [p.read_text() for p in kept] == [replaced]  # the newer checkpoints are not destroyed
    assert Unit.objects.get(code="440902").short_name != "改过"
    call_command("audit", "verify")


def _rewritten(archive: Path, target: Path, name: str, content: bytes) -> Path:
    """The archive with one member's content replaced, its manifest left as it was."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == name:
                data, member.size = content, len(content)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_damaged_archive_is_refused_before_anything_changes(installation):
    media = installation / "media"
    archive = installation / "cdohub.tar.gz"
    call_command("backup", str(archive))
    _change_everything(media)
    changed = _state(media)

    truncated = installation / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    flipped = bytearray(gzip.decompress(archive.read_bytes()))
    flipped[len(flipped) // 2] ^= 0xFF  # one byte of the database changed
    corrupted = installation / "corrupted.tar.gz"
    corrupted.write_bytes(gzip.compress(bytes(flipped)))
    forged = _rewritten(archive, installation / "forged.tar.gz", "media/plan.pdf", b"%PDF-1.4 forged")

    for damaged, reason in [(truncated, "not a readable"), (corrupted, "damaged"), (forged, "plan.pdf")]:
        with pytest.raises(CommandError, match=reason):
            call_command("restore", str(damaged), "--no-input")
    assert _state(media) == changed


@pytest.mark.django_db(transaction=False)
def test_a_missing_postgres_tool_is_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda tool: None)
    with pytest.raises(backup.BackupError, match="pg_dump is not installed.*postgresql-client"):
        backup._run_postgres_tool("pg_dump")
