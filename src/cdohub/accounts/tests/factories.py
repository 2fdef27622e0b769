"""People for tests: accounts with one role on one unit, and the cast of the permission tests."""

from cdohub.accounts.models import RoleAssignment, User
from cdohub.org.models import Unit

# username: (role, unit) — the 茂南区 (440902) cast the generated permission tests act with, beside the
# demo's own accounts (maonan_bureau, maoming_*, gd_*).
CAST = {
    "dianbai_bureau": ("bureau_admin", "440904"),  # another county: the outsider
    "dianbai_staff": ("staff", "440904"),
    "maonan_staff": ("staff", "440902"),  # in scope, without rights
    "maonan_cdo": ("cdo", "440902"),
    "maonan_rs": ("data_specialist", "440902-RS"),  # department-scoped
    "maonan_wj": ("data_specialist", "440902-WJ"),  # department-scoped, a sibling of 440902-RS
}


def person(username, role, unit_code, display="") -> User:
    """An account with one role on one unit (created once per test database)."""
    unit = Unit.objects.get(code=unit_code)
    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": display or username})
    RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    return User.objects.get(pk=user.pk)  # roles are cached per user object


def cast() -> dict[str, User]:
    """The cast, each working in the unit of its role."""
    people = {username: person(username, role, unit) for username, (role, unit) in CAST.items()}
    for username, (_, unit) in CAST.items():
        User.objects.filter(username=username, home_unit=None).update(home_unit=Unit.objects.get(code=unit))
    return people
