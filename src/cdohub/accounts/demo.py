"""The demo's accounts: the printed sign-ins, and one account per acting body made on demand."""

from django.contrib.auth.hashers import make_password

from cdohub.core.management.commands.demo import DEMO_PASSWORD
from cdohub.org.choices import Role
from cdohub.org.models import Unit

from .models import RoleAssignment, User

DEMO_MAIL_DOMAIN = "demo.gdzwfw.gov.cn"
DEMO_USERS = [
    # username, display name, role, unit the role is granted on, home unit
    ("gd_bureau", "省数据局管理员", Role.BUREAU_ADMIN, "440000", "440000-SJJ"),
    ("gd_lgo", "省领导小组办公室", Role.LEADING_GROUP_OFFICE, "440000", "440000-LDXZ"),
    ("gd_auditor", "省审计员", Role.AUDITOR, "440000", "440000-SJJ"),
    ("maoming_bureau", "茂名市数据局管理员", Role.BUREAU_ADMIN, "440900", "440900-SJJ"),
    ("maoming_lgo", "茂名市领导小组办公室", Role.LEADING_GROUP_OFFICE, "440900", "440900-LDXZ"),
    ("maoming_cdo", "茂名市首席数据官", Role.CDO, "440900", "440900"),
    ("maoming_cdeo", "茂名市首席数据执行官", Role.CDEO, "440900", "440900-SJJ"),
    ("maoming_specialist", "茂名市公安局数据专员", Role.DATA_SPECIALIST, "440900-GA", "440900-GA"),
    ("maoming_staff", "茂名市公安局工作人员", Role.STAFF, "440900-GA", "440900-GA"),
    ("maonan_bureau", "茂南区数据局管理员", Role.BUREAU_ADMIN, "440902", "440902-SJJ"),
]


def create_users(admin) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in={c for row in DEMO_USERS for c in row[3:]})}
    for username, display, role, unit_code, home_code in DEMO_USERS:
        user = User(
            username=username,
            display_name=display,
            home_unit=units[home_code],
            email=f"{username}@{DEMO_MAIL_DOMAIN}",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, role=role, unit=units[unit_code], granted_by=admin)


class DemoAccounts:
    """One account per acting body, made on demand (demo accounts beyond the printed ones).

    The printed demo accounts act for their own bodies, so what they see matches what they did.
    """

    KNOWN = {
        "lgo_440900": "maoming_lgo",
        "bureau_440900": "maoming_bureau",
        "bureau_440000": "gd_bureau",
        "bureau_440902": "maonan_bureau",
        "ds_440900-GA": "maoming_specialist",
    }

    def __init__(self, admin):
        self.admin = admin
        self.password = make_password(DEMO_PASSWORD)
        self.cache = {u.username: u for u in User.objects.filter(username__in=self.KNOWN.values())}
        self.cache.update(
            {alias: self.cache[name] for alias, name in self.KNOWN.items() if name in self.cache}
        )

    def get(self, username, display, role, unit: Unit) -> User:
        if username not in self.cache:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username,
                    display_name=display,
                    home_unit=unit,
                    password=self.password,
                    email=f"{username}@{DEMO_MAIL_DOMAIN}",
                )
                RoleAssignment.objects.create(user=user, role=role, unit=unit, granted_by=self.admin)
            self.cache[username] = user
        return self.cache[username]

    def specialist(self, unit: Unit) -> User:
        return self.get(f"ds_{unit.code}", f"{unit.name}数据专员", Role.DATA_SPECIALIST, unit)

    def bureau(self, government: Unit) -> User:
        return self.get(
            f"bureau_{government.code}", f"{government.name}数据局管理员", Role.BUREAU_ADMIN, government
        )


def logins() -> list[tuple[str, str, str]]:
    """(user name, role, unit the role is granted on) for every demo account."""
    rows = RoleAssignment.objects.filter(user__username__in=["admin"] + [r[0] for r in DEMO_USERS])
    return [
        (a.user.username, a.get_role_display(), a.unit.name)
        for a in rows.select_related("user", "unit").order_by("user_id")
    ]


def load(admin) -> None:
    """The administrator's home and role at the province's root, then the printed accounts."""
    admin.home_unit = Unit.objects.get(code="440000-SJJ")
    admin.save()
    RoleAssignment.objects.get_or_create(user=admin, role=Role.SYSADMIN, unit=Unit.objects.get(code="440000"))
    create_users(admin)
