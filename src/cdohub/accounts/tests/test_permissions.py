"""The accounts routes for each kind of user: members, role assignments and tokens are seen only
within the unit they belong to."""

import pytest

from cdohub.accounts import services
from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast
from cdohub.core.testing import IN_SCOPE, SIGNED_IN, Absent, Route, RoutePermissions, pk
from cdohub.org.models import Unit

EVERYONE = {**SIGNED_IN, "anonymous": 200, "permitted": 200}
SIGNED_OUT = {kind: 302 for kind in ("anonymous", "outsider", "department", "reader", "permitted")}

# 电白区 (440904): out of 茂南's reach; its staff sees its members and grants nothing.
DIANBAI = {"outsider": "maonan_bureau", "reader": "dianbai_staff", "permitted": "dianbai_bureau"}
OTHER_UNIT = {**DIANBAI, "kwargs": {"pk": pk("other_unit")}}
OTHER_GRANT = {**DIANBAI, "kwargs": {"pk": pk("other_grant")}}


class TestAccountsRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_bureau"

    @classmethod
    def build_world(cls):
        people = cast()
        admin = User.objects.get(username="admin")
        dianbai = people["dianbai_bureau"]
        maonan = User.objects.get(username="maonan_bureau")
        other_grant = services.grant_role(
            admin, people["maonan_staff"], "staff", Unit.objects.get(code="440902-RS")
        )
        return {
            "own_unit": Unit.objects.get(code="440902"),
            "other_unit": Unit.objects.get(code="440904"),
            "other_admin": dianbai,
            "own_admin": maonan,
            "other_token": services.create_token(admin, dianbai, "other")[0],
            "own_token": services.create_token(admin, maonan, "own")[0],
            "grant": other_grant,
            "other_grant": people["dianbai_staff"].role_assignments.get(),
        }

    routes = [
        Route("accounts:login", expect=EVERYONE, note="the sign-in page is public"),
        Route("accounts:logout", method="post", expect=SIGNED_OUT, note="signs anyone out"),
        Route("accounts:profile", expect=SIGNED_IN),
        Route("accounts:password_change", expect=SIGNED_IN, note="everyone changes their own password"),
        Route(
            "accounts:password_reset",
            kwargs={"uidb64": "MQ", "token": "not-a-token"},
            expect=EVERYONE,
            note="a reset link's page is public: the token in it is the permission",
        ),
        Route(
            "accounts:send_password_reset",
            kwargs={"pk": pk("own_admin")},
            method="post",
            note="administrators in scope send a member a reset link",
        ),
        Route(
            "accounts:revoke_token",
            kwargs={"pk": pk("own_token")},
            method="post",
            expect={"reader": 404},
            note="a token is its owner's alone: to anyone else it is a 404",
        ),
        Route(
            "accounts:revoke_token",
            kwargs={"pk": pk("other_token")},
            method="post",
            outsider="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"reader": 404},
            note="a token is its owner's alone: to anyone else it is a 404",
            label="accounts:revoke_token-other",
        ),
        Route("accounts:unit_members", kwargs={"pk": pk("own_unit")}, expect=IN_SCOPE),
        Route("accounts:unit_members", **OTHER_UNIT, expect=IN_SCOPE),
        Route(
            "accounts:unit_members",
            **OTHER_UNIT,
            method="post",
            data={"username": "maonan_bureau", "role": "staff"},
        ),
        Route("accounts:revoke", **OTHER_GRANT, method="post"),
        Route(
            "accounts:unit_members",
            kwargs={"pk": pk("own_unit")},
            method="post",
            data={"username": "maonan_staff", "role": "staff"},
        ),
        Route("accounts:revoke", kwargs={"pk": pk("grant")}, method="post", reader="maonan_rs"),
        Route(
            "roleassignment-list",
            outsider=Absent("dianbai_bureau", "grant", field="user.username"),
            department=Absent("maonan_wj", "grant", field="user.username"),
            expect=IN_SCOPE,
        ),
        Route(
            "roleassignment-list",
            method="post",
            data={"user": "maonan_staff", "role": "staff", "unit": "440902-WJ"},
            expect={"department": 403},
            note="the department's own unit is in its sight, but it grants no roles",
        ),
        Route(
            "roleassignment-list",
            method="post",
            data={"user": "maonan_bureau", "role": "staff", "unit": "440904"},
            **DIANBAI,
            label="roleassignment-list-other",
        ),
        Route("roleassignment-detail", kwargs={"pk": pk("grant")}, reader="maonan_rs", expect=IN_SCOPE),
        Route("roleassignment-detail", **OTHER_GRANT, expect=IN_SCOPE),
        Route("roleassignment-detail", **OTHER_GRANT, method="delete"),
        Route("roleassignment-detail", kwargs={"pk": pk("grant")}, method="delete", reader="maonan_rs"),
        Route(
            "user-list",
            outsider=Absent("maonan_bureau", "other_admin", field="username"),
            department=Absent("maonan_wj", "other_admin", field="username"),
            permitted="dianbai_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "user-detail",
            kwargs={"pk": pk("other_admin")},
            outsider="maonan_bureau",
            reader="maonan_staff",
            permitted="dianbai_bureau",
            expect={"reader": 404},
            note="no one else works in 电白区: every other user is out of its reach",
        ),
    ]


@pytest.mark.django_db
def test_lists_hold_only_what_is_in_scope(client_for, units):
    client = client_for("maonan_bureau")
    grants = client.get("/api/role-assignments/?page_size=500").json()["results"]
    assert grants and {g["unit"] for g in grants} <= {"440902", "440902-SJJ", "440902-RS", "440902-WJ"}
    people = {u["username"] for u in client.get("/api/users/?page_size=500").json()["results"]}
    assert "maonan_bureau" in people and "dianbai_bureau" not in people and "maoming_bureau" not in people
    mine = client.get("/api/units/?mine=true&page_size=500").json()
    assert mine["count"] == 4 and all(u["code"].startswith("440902") for u in mine["results"])
    page = client.get(f"/accounts/units/{units['440902'].pk}/members/").content.decode()
    assert "maonan_bureau" in page


@pytest.mark.django_db
def test_anonymous_users_see_nothing(client):
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/units/").status_code == 302
    assert client.get("/api/units/").status_code in (401, 403)
    assert client.get("/healthz").status_code == 200
