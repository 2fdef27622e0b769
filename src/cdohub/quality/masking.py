"""Masking of personal identifiers shown in samples of failing rows.

- ``resident_id``: the first 6 (region) and last 4 characters kept, the rest ``*``
  (``110105********002X``); values shorter than 11 characters are masked whole but for the last 2.
- ``phone``: the middle 4 characters hidden (``138****5678``, ``0755****56789``); values shorter
  than 8 characters keep only the last 2.
- ``email``: the first character of the local part kept (``z***@example.cn``).
- ``full``: everything replaced.
Masking keeps the length, so a sample still shows a too-short or too-long value as such.
"""

KINDS = ("resident_id", "phone", "email", "full")


def mask(value, kind: str):
    if value is None:
        return None
    text = str(value)
    if not text:
        return text
    if kind == "resident_id":
        if len(text) >= 11:
            return text[:6] + "*" * (len(text) - 10) + text[-4:]
        return _keep_last(text, 2)
    if kind == "phone":
        if len(text) == 11 and text.isdigit():
            return text[:3] + "****" + text[7:]
        if len(text) >= 8:
            middle = (len(text) - 4) // 2
            return text[:middle] + "****" + text[middle + 4 :]
        return _keep_last(text, 2)
    if kind == "email":
        local, at, domain = text.partition("@")
        if not at:
            return _keep_last(text, 2)
        return local[:1] + "*" * max(len(local) - 1, 1) + "@" + domain
    if kind == "full":
        return "*" * len(text)
    raise ValueError(f"unknown mask kind {kind!r}")


def _keep_last(text: str, n: int) -> str:
    return "*" * max(len(text) - n, 0) + text[-n:] if len(text) > n else "*" * len(text)
