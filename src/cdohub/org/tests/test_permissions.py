"""The org routes for each kind of user. The unit directory and the pilot programs are read by every
signed-in user, so a unit out of reach is a 403 to change, not a 404."""

from cdohub.accounts.tests.factories import cast
from cdohub.core.testing import SIGNED_IN, Route, RoutePermissions, link, pk
from cdohub.org.models import PilotProgram, ScopeMember, Unit

PROGRAM = "guangdong-2021"
CITY = {"code": PROGRAM, "pk": pk("maoming")}
NEW_UNIT = {"name": "测试科", "kind": "department"}


class TestOrgRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_bureau"

    @classmethod
    def build_world(cls):
        cast()
        maoming = ScopeMember.objects.get(program__code=PROGRAM, unit__code="440900")
        return {
            "own_unit": Unit.objects.get(code="440902"),
            "other_unit": Unit.objects.get(code="440904"),
            "program": PilotProgram.objects.get(code=PROGRAM),
            "maoming": maoming,
            "nomination": maoming.nominations.first(),
        }

    routes = [
        Route("org:dashboard", expect=SIGNED_IN),
        Route("org:unit_list", expect=SIGNED_IN),
        Route("org:unit_tree", expect=SIGNED_IN),
        Route("org:unit_tree_children", expect=SIGNED_IN, label="org:unit_tree_children-top"),
        Route(
            "org:unit_tree_children",
            data={"parent": link("other_unit", "pk")},
            expect=SIGNED_IN,
            note="the directory is read by every signed-in user",
            label="org:unit_tree_children-node",
        ),
        Route("org:unit_tree_search", data={"q": "茂名"}, expect=SIGNED_IN, label="org:unit_tree_search-q"),
        Route(
            "org:unit_tree_search",
            data={"unit": link("other_unit", "pk")},
            expect=SIGNED_IN,
            label="org:unit_tree_search-unit",
        ),
        Route(
            "org:unit_import",
            expect={"outsider": 200, "department": 403},
            note="each bureau imports its own units",
        ),
        Route("org:unit_detail", kwargs={"pk": pk("other_unit")}, expect=SIGNED_IN),
        Route(
            "org:unit_edit",
            kwargs={"pk": pk("other_unit")},
            outsider="maonan_wj",
            department="maonan_rs",
            reader="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"outsider": 403, "department": 403},
            label="org:unit_edit-other",
        ),
        Route(
            "org:unit_edit",
            kwargs={"pk": pk("other_unit")},
            method="post",
            data={"name": "x"},
            outsider="maonan_wj",
            department="maonan_rs",
            reader="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"outsider": 403, "department": 403},
            label="org:unit_edit-other",
        ),
        Route("org:unit_edit", kwargs={"pk": pk("own_unit")}, expect={"outsider": 403, "department": 403}),
        Route(
            "org:unit_add",
            kwargs={"pk": pk("other_unit")},
            outsider="maonan_wj",
            reader="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route(
            "org:unit_add",
            kwargs={"pk": pk("other_unit")},
            method="post",
            data=NEW_UNIT,
            outsider="maonan_wj",
            reader="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route("org:program_list", expect=SIGNED_IN),
        Route("org:program_detail", kwargs={"code": PROGRAM}, expect=SIGNED_IN),
        Route(
            "org:nomination_import",
            kwargs={"code": PROGRAM},
            expect=SIGNED_IN,
            note="the upload form; the import checks who may nominate each row",
        ),
        Route("org:city_scope", kwargs=CITY, expect=SIGNED_IN),
        Route(
            "org:city_nominate",
            kwargs=CITY,
            method="post",
            data={"unit": link("other_unit", "pk")},
            reader="maonan_bureau",
            permitted="maoming_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route(
            "org:city_withdraw",
            kwargs={**CITY, "member_pk": pk("nomination")},
            method="post",
            reader="maonan_bureau",
            permitted="maoming_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route("region-list", expect=SIGNED_IN),
        Route("region-detail", kwargs={"code": "440904"}, expect=SIGNED_IN),
        Route("unit-list", expect=SIGNED_IN),
        Route("unit-detail", kwargs={"pk": pk("other_unit")}, expect=SIGNED_IN),
        Route(
            "unit-detail",
            kwargs={"pk": pk("other_unit")},
            method="patch",
            data={"name": "改名"},
            outsider="maonan_wj",
            reader="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route(
            "unit-list",
            method="post",
            data={
                "code": "X-1",
                "name": "x",
                "kind": "department",
                "region": "440904",
                "parent_code": "440904",
            },
            outsider="maonan_wj",
            reader="maonan_bureau",
            permitted="dianbai_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route("pilotprogram-list", expect=SIGNED_IN),
        Route("pilotprogram-detail", kwargs={"code": PROGRAM}, expect=SIGNED_IN),
        Route("pilotprogram-compliance", kwargs={"code": PROGRAM}, expect=SIGNED_IN),
        Route("scopemember-list", expect=SIGNED_IN),
        Route(
            "scopemember-list",
            method="post",
            data={"parent": pk("maoming"), "unit": "440983"},
            reader="maonan_bureau",
            permitted="maoming_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route(
            "scopemember-detail",
            kwargs={"pk": pk("nomination")},
            method="delete",
            reader="maonan_bureau",
            permitted="maoming_bureau",
            expect={"outsider": 403, "department": 403},
        ),
        Route("org:official_calendar", expect=SIGNED_IN, note="every deadline follows it: all may read it"),
        Route(
            "org:official_calendar",
            method="post",
            data={"year": 2030, "notice": "测试通知", "holidays": "2030-01-01", "workdays": ""},
            reader="maonan_bureau",
            permitted="gd_bureau",
            expect={"outsider": 403, "department": 403},
            note="only the provincial data bureau loads the State Council's schedule; a county's may not",
        ),
    ]
