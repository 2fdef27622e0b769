"""System checks for the audit log's anchor: its keys must be Ed25519 keys, and production should
keep them out of the data directory the database lives in."""

import base64
import binascii
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

KEYGEN = 'python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'


@register()
def audit_keys(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    keys = cast(list[str], settings.CDOHUB["AUDIT_KEYS"])
    for index, key in enumerate(keys):
        try:
            Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(key))
        except (ValueError, binascii.Error):
            errors.append(
                Error(
                    f"CDOHUB['AUDIT_KEYS'][{index}] is not an Ed25519 key "
                    "(32 url-safe base64-encoded bytes).",
                    hint=f"Generate one with: {KEYGEN}",
                    id="core.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def audit_keys_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.CDOHUB["AUDIT_KEYS"]:
        return []
    return [
        Warning(
            "No audit keys are set: the audit checkpoints are signed with a key kept in the data "
            "directory, where whoever can rewrite the database may read it.",
            hint="Set CDOHUB_AUDIT_KEYS (see docs/admin.md, 'Audit log').",
            id="core.W001",
        )
    ]
