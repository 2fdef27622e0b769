"""Credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from `CDOHUB["CREDENTIAL_KEYS"]`: the first encrypts, every one decrypts, so a new key
is put first and the old ones stay until `cdohub rotate_source_credentials` has re-encrypted every
secret. A key derived from SECRET_KEY (HKDF) always decrypts too, and encrypts when no key is set.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from cdohub.datakit.connectors import SourceError


def _derived_key() -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cdohub.sources", info=b"credential-key")
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


def _fernet() -> MultiFernet:
    configured = getattr(settings, "CDOHUB", {}).get("CREDENTIAL_KEYS") or []
    keys = [k.encode() if isinstance(k, str) else k for k in configured]
    return MultiFernet([Fernet(key) for key in [*keys, _derived_key()]])


def encrypt(plaintext: str) -> str:
    """The secret as a Fernet token (text); the empty string stays empty."""
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SourceError(
            _("The stored password cannot be decrypted with the configured keys; enter it again."), "secret"
        ) from None


def rotate(token: str) -> str:
    """The token re-encrypted with the first key."""
    return _fernet().rotate(token.encode()).decode() if token else ""
