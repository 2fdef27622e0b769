"""The embedded default that `cdohub demo` and `cdohub serve` run: debug off and the production
defaults, but plain HTTP on this machine (no HTTPS redirect, HSTS or secure-only cookies) and a
secret key of its own, made once and kept in the data folder unless CDOHUB_SECRET_KEY is set."""

import os
import secrets

from .base import *  # noqa: F403
from .base import DATA_DIR, SECRET_KEY


def secret_key_file() -> str:
    """The key in DATA_DIR/secret_key, made on first use (readable by its owner only)."""
    path = DATA_DIR / "secret_key"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = False
SECRET_KEY = SECRET_KEY or secret_key_file()
SECURE_CONTENT_TYPE_NOSNIFF = True

# Mail goes to an outbox folder the operator can read (one .log file per sending, plain text), not to
# the console as raw MIME; CDOHUB_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend sends it.
EMAIL_BACKEND = os.environ.get("CDOHUB_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "outbox"
