"""Test settings: the database comes from CDOHUB_DATABASE_URL (SQLite file by default)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATA_DIR, database_from_env

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_env(f"sqlite:///{DATA_DIR / 'test.sqlite3'}")}
# Argon2 is checked by its own test; the rest of the suite hashes cheaply.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
MEDIA_ROOT = tempfile.mkdtemp(prefix="cdohub-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns when it is missing)
# Each test session signs audit checkpoints with its own key, into its own file.
_AUDIT_DIR = Path(tempfile.mkdtemp(prefix="cdohub-audit-"))
CDOHUB["AUDIT_KEY_FILE"] = _AUDIT_DIR / "audit-signing.key"  # noqa: F405
CDOHUB["AUDIT_CHECKPOINTS"] = _AUDIT_DIR / "audit-checkpoints.jsonl"  # noqa: F405
