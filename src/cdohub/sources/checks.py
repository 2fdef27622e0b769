"""System checks for data sources: the credential keys must be Fernet keys, and production should
set its own rather than rely on the key derived from SECRET_KEY."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def credential_keys(app_configs, **kwargs):
    errors = []
    for index, key in enumerate(getattr(settings, "CDOHUB", {}).get("CREDENTIAL_KEYS") or []):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"CDOHUB['CREDENTIAL_KEYS'][{index}] is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint='Generate one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"',
                    id="sources.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def credential_keys_set(app_configs, **kwargs):
    if getattr(settings, "CDOHUB", {}).get("CREDENTIAL_KEYS"):
        return []
    return [
        Warning(
            "No credential keys are set: data source passwords are encrypted with a key derived from "
            "SECRET_KEY, and changing SECRET_KEY makes them unreadable.",
            hint="Set CDOHUB_CREDENTIAL_KEYS (see docs/sources.md).",
            id="sources.W001",
        )
    ]
