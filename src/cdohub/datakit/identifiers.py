"""Check characters of the national identifiers (GB 32100 credit codes, GB 11714 organisation codes).

Reference implementations: the quality engine compiles the same arithmetic to SQL, and tests hold
both to the standards' published vectors.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body: str) -> str:
    """The ninth character of a GB 11714 organisation code for its eight-character `body`."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_uscc(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in USCC_CHARS for ch in code):
        return False
    return uscc_check(code[:17]) == code[17]


def validate_uscc(value: str) -> None:
    if value and not is_uscc(value):
        raise ValidationError(
            _("%(code)s is not a valid unified social credit code (GB 32100).") % {"code": value},
            code="invalid_uscc",
        )


def make_uscc(kind: str, region_code: str, org_body: str) -> str:
    """A well-formed credit code: registration kind (e.g. "11" for a state organ), the six-digit
    region, an eight-character organisation body; both check characters are computed."""
    first17 = f"{kind}{region_code}{org_body}{org_code_check(org_body)}"
    return first17 + uscc_check(first17)
