"""The standards routes for each kind of user. The province's published standards are read by all
and changed by the province alone; 茂名's drafts are out of 茂南's sight; an item of the published
catalog is seen by all, one of a 茂名 draft only within 茂名."""

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast, person
from cdohub.core.testing import IN_SCOPE, SIGNED_IN, Absent, Route, RoutePermissions, link, pk
from cdohub.standards.tests import factories

SEEN_BY_ALL = {"outsider": 403, "department": 403}
PUBLIC = {"kwargs": {"pk": pk("public_element")}, "reader": "maonan_bureau", "permitted": "gd_bureau"}
PUBLIC_SET = {**PUBLIC, "kwargs": {"pk": pk("public_code_set")}}
THEIRS = {"kwargs": {"pk": pk("other_element")}, "outsider": "maonan_bureau", "reader": "maoming_cdeo"}
THEIRS_SET = {**THEIRS, "kwargs": {"pk": pk("other_code_set")}}
ITEM = {"kwargs": {"item_id": pk("public_item")}, "reader": "maonan_bureau", "permitted": "gd_ga_specialist"}
HIDDEN = {"kwargs": {"item_id": pk("other_item")}, "outsider": "maonan_bureau", "reader": "maoming_staff"}
NEW = {"identifier": "X-1", "name": "x", "data_type": "C"}
NEW_SET = {"identifier": "X-CS", "name": "x", "values": [{"code": "1", "name": "x"}]}
# Each bureau keeps its own standards; a department keeps none.
FOR_BUREAUS = {"outsider": 200, "department": 403}
# The province passes the gate to publish its published standards again, and the state refuses.
PUBLISHED_STAYS = {**SEEN_BY_ALL, "permitted": 400}


class TestStandardsRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maoming_bureau"

    @classmethod
    def build_world(cls):
        cast()
        person("gd_ga_specialist", "data_specialist", "440000-GA")
        return factories.world(User.objects.get(username="admin"))

    routes = [
        Route("standards:element_list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "standards:element_list",
            data={"status": "draft"},
            outsider=Absent("maonan_bureau", "other_element", field="identifier"),
            department=Absent("maonan_wj", "other_element", field="identifier"),
            reader="maoming_cdeo",
            expect=IN_SCOPE,
            label="standards:element_list-drafts",
        ),
        Route("standards:element_create", permitted="maonan_bureau", expect=FOR_BUREAUS),
        Route("standards:element_detail", **PUBLIC, expect=SIGNED_IN),
        Route("standards:element_detail", **THEIRS, expect=IN_SCOPE),
        Route("standards:element_edit", **PUBLIC, expect=SEEN_BY_ALL),
        Route("standards:element_edit", **THEIRS, method="post", data={"name": "x"}),
        Route(
            "standards:element_publish",
            **PUBLIC,
            method="post",
            data={"version": link("public_element", "version")},
            expect=SEEN_BY_ALL,
        ),
        Route(
            "standards:element_publish",
            **THEIRS,
            method="post",
            data={"version": link("other_element", "version")},
        ),
        Route("standards:codeset_list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("standards:codeset_create", permitted="maonan_bureau", expect=FOR_BUREAUS),
        Route("standards:codeset_detail", **PUBLIC_SET, expect=SIGNED_IN),
        Route("standards:codeset_detail", **THEIRS_SET, expect=IN_SCOPE),
        Route("standards:codeset_edit", **PUBLIC_SET, method="post", data={"name": "x"}, expect=SEEN_BY_ALL),
        Route("standards:codeset_edit", **THEIRS_SET),
        Route("standards:codeset_publish", **PUBLIC_SET, method="post", expect=SEEN_BY_ALL),
        Route("standards:codeset_publish", **THEIRS_SET, method="post"),
        Route("standards:import", permitted="maonan_bureau", expect=FOR_BUREAUS),
        Route(
            "standards:item_link",
            **ITEM,
            expect={**SIGNED_IN, "permitted": 200},
            note="the published catalog",
        ),
        Route(
            "standards:item_link",
            **ITEM,
            method="post",
            data={"element": link("public_element", "pk")},
            expect=SEEN_BY_ALL,
        ),
        Route("standards:item_link", **HIDDEN, permitted="maoming_specialist", expect=IN_SCOPE),
        Route(
            "standards:item_link",
            **HIDDEN,
            method="post",
            data={"element": link("public_element", "pk")},
            permitted="maoming_specialist",
        ),
        Route("standards:item_unlink", **ITEM, method="post", expect=SEEN_BY_ALL),
        Route("standards:item_unlink", **HIDDEN, method="post", permitted="maoming_specialist"),
        Route("dataelement-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "dataelement-list",
            method="post",
            data={**NEW, "owner": "440900-SJJ"},
            outsider="maonan_bureau",
            reader="maoming_cdeo",
        ),
        Route("dataelement-detail", **PUBLIC, expect=SIGNED_IN),
        Route("dataelement-detail", **THEIRS, expect=IN_SCOPE),
        Route("dataelement-detail", **PUBLIC, method="patch", data={"name": "改名"}, expect=SEEN_BY_ALL),
        Route("dataelement-detail", **THEIRS, method="patch", data={"name": "改名"}),
        Route("dataelement-publish", **PUBLIC, method="post", data={}, expect=PUBLISHED_STAYS),
        Route("dataelement-publish", **THEIRS, method="post", data={}),
        Route("codeset-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "codeset-list",
            method="post",
            data={**NEW_SET, "owner": "440900-SJJ"},
            outsider="maonan_bureau",
            reader="maoming_cdeo",
        ),
        Route("codeset-detail", **PUBLIC_SET, expect=SIGNED_IN),
        Route("codeset-detail", **THEIRS_SET, expect=IN_SCOPE),
        Route("codeset-detail", **PUBLIC_SET, method="patch", data={"name": "改名"}, expect=SEEN_BY_ALL),
        Route("codeset-detail", **THEIRS_SET, method="patch", data={"name": "改名"}),
        Route("codeset-publish", **PUBLIC_SET, method="post", data={}, expect=PUBLISHED_STAYS),
        Route("codeset-publish", **THEIRS_SET, method="post", data={}),
        Route("elementlink-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "elementlink-list",
            method="post",
            data={"item": link("other_item", "pk"), "element": "DE00001"},
            outsider="maonan_bureau",
            reader="maoming_staff",
            permitted="maoming_specialist",
            label="elementlink-list-hidden",
        ),
        Route(
            "elementlink-list",
            method="post",
            data={"item": link("public_item", "pk"), "element": "DE00002"},
            reader="maonan_bureau",
            permitted="gd_ga_specialist",
            expect=SEEN_BY_ALL,
        ),
        Route(
            "elementlink-detail",
            kwargs={"pk": pk("public_link")},
            reader="maonan_bureau",
            permitted="gd_ga_specialist",
            expect=SIGNED_IN,
        ),
        Route(
            "elementlink-detail",
            kwargs={"pk": pk("public_link")},
            method="delete",
            reader="maonan_bureau",
            permitted="gd_ga_specialist",
            expect=SEEN_BY_ALL,
        ),
    ]
