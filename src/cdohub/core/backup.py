"""Backup and restore of an installation as one archive: the database, the uploaded files and the
audit checkpoints, with a manifest of each file's SHA-256.

SQLite is copied with its online backup API (consistent while the site runs); PostgreSQL with
`pg_dump` in its custom format and put back with `pg_restore`. A restore checks the whole archive
before it changes anything, so a damaged archive is refused, not half restored. The audit signing
key is not in the archive: it is kept apart, like the secret key.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .checkpoints import checkpoint_file

FORMAT = 1
MANIFEST = "manifest.json"
CHECKPOINTS = "audit-checkpoints.jsonl"
MEDIA = "media"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    pass


# Backup ----------------------------------------------------------------------------------------


def create_backup(target: Path) -> dict[str, Any]:
    """Write the archive to `target` (complete or not at all); its manifest."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="cdohub-backup-") as staging:
        database = Path(staging) / _database_member()
        _dump_database(database)
        checksums: dict[str, str] = {}
        with tarfile.open(partial, "w:gz") as archive:
            for name, path in [(database.name, database), *_data_files()]:
                checksums[name] = _add_file(archive, name, path)
            manifest = {
                "format": FORMAT,
                "created": timezone.now().isoformat(),
                "database": connection.vendor,
                "files": checksums,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    partial.replace(target)
    return manifest


def _database_member() -> str:
    if connection.vendor not in DATABASE:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return DATABASE[connection.vendor]


def _data_files() -> Iterator[tuple[str, Path]]:
    if checkpoint_file().exists():
        yield CHECKPOINTS, checkpoint_file()
    media = Path(settings.MEDIA_ROOT)
    for path in sorted(media.rglob("*")):
        if path.is_file():
            yield f"{MEDIA}/{path.relative_to(media).as_posix()}", path


class _Hashing(io.RawIOBase):
    """Reads through to a file while hashing what was read."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha256 = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.sha256.update(chunk)
        return chunk


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> str:
    info = archive.gettarinfo(path, arcname=name)
    with path.open("rb") as f:
        hashing = _Hashing(f)
        archive.addfile(info, hashing)
    return hashing.sha256.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(content), int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def _dump_database(target: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _run_postgres_tool("pg_dump", "--format=custom", "--no-owner", f"--file={target}")


# Restore ---------------------------------------------------------------------------------------


def restore_backup(archive: Path) -> dict[str, Any]:
    """Put the installation back as the archive holds it; its manifest. Nothing changes unless
    every file of the archive matches its checksum."""
    with tempfile.TemporaryDirectory(prefix="cdohub-restore-") as staging:
        manifest = _unpack_checked(archive, Path(staging))
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"The archive holds a {manifest['database']} database; "
                f"this installation runs {connection.vendor}."
            )
        _load_database(Path(staging) / DATABASE[connection.vendor])
        _replace_tree(Path(staging) / MEDIA, Path(settings.MEDIA_ROOT))
        _replace_checkpoints(Path(staging) / CHECKPOINTS)
    return manifest


def _unpack_checked(archive: Path, staging: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text())
    except (OSError, EOFError, tarfile.TarError, zlib.error, ValueError) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
    if manifest.get("format") != FORMAT or manifest.get("database") not in DATABASE:
        raise BackupError(f"{archive} is not a backup this version of CDO Hub can restore.")
    found = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()} - {MANIFEST}
    expected = set(manifest["files"])
    if found != expected:
        raise BackupError(f"{archive} is damaged: files missing or added ({sorted(found ^ expected)[:5]}).")
    for name, checksum in manifest["files"].items():
        if _sha256(staging / name) != checksum:
            raise BackupError(f"{archive} is damaged: {name} does not match its checksum.")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore drops the tables: hold no lock on them
        _run_postgres_tool(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        )


def _replace_tree(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    if source.exists():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True)


def _replace_checkpoints(source: Path) -> None:
    """The archive's checkpoints in place; the current file is kept beside them, never destroyed."""
    target = checkpoint_file()
    if target.exists():
        target.rename(target.with_name(f"{target.name}.before-restore-{timezone.now():%Y%m%d-%H%M%S}"))
    if source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _run_postgres_tool(tool: str, *args: str) -> None:
    """Run pg_dump or pg_restore against this installation's database."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} is not installed: install the PostgreSQL client tools of the server's version "
            "(Debian: postgresql-client)."
        )
    db = connection.settings_dict
    given = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
    }
    env = {**os.environ, **{name: str(value) for name, value in given.items() if value}}
    result = subprocess.run(
        [executable, f"--dbname={db['NAME']}", *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")
