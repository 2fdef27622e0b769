"""The sources routes for each kind of user. 韶关's sources (one discovered, one queued for discovery)
are out of 茂南's reach; 茂南区's own source
is managed by its bureau, read by its staff and hidden from its departments. Both point at a local
port nothing listens on, so a permitted check fails at once."""

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast, person
from cdohub.core.testing import IN_SCOPE, SIGNED_IN, Absent, Route, RoutePermissions, link, pk
from cdohub.org.models import Unit
from cdohub.sources import services
from cdohub.sources.tests.factories import make_source

NOWHERE = {"host": "127.0.0.1", "port": 9}
THEIRS = {"kwargs": {"pk": pk("other_source")}, "outsider": "maonan_bureau", "reader": "gd_auditor"}
THEIRS_RUN = {**THEIRS, "kwargs": {"pk": link("other_source", "runs.get.pk")}}
THEIRS_TABLE = {**THEIRS, "kwargs": {"pk": link("other_source", "runs.get.tables.get.pk")}}
MINE = {"kwargs": {"pk": pk("own_source")}}
FOREIGN = {"unit": "440200", "name": "越界", "kind": "files", "path": "x"}


class TestSourcesRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_bureau"

    @classmethod
    def build_world(cls):
        cast()
        person("shaoguan_specialist", "data_specialist", "440200")
        admin = User.objects.get(username="admin")
        shaoguan = Unit.objects.get(code="440200")
        queued = make_source(shaoguan, admin, name="排队库", **NOWHERE)
        return {
            "queued_run": services.start_discovery(User.objects.get(username="shaoguan_specialist"), queued),
            "other_source": make_source(shaoguan, admin, **NOWHERE),
            "own_source": make_source(Unit.objects.get(code="440902"), admin, name="茂南库", **NOWHERE),
        }

    routes = [
        Route(
            "sources:source_list",
            outsider=Absent("dianbai_bureau", "own_source"),
            department=Absent("maonan_wj", "own_source"),
            expect=IN_SCOPE,
        ),
        Route("sources:source_create", expect={"outsider": 200, "department": 200}, reader="maonan_staff"),
        Route(
            "sources:source_create",
            method="post",
            data=FOREIGN,
            outsider="maonan_bureau",
            reader="gd_auditor",
            permitted="shaoguan_specialist",
            expect={"outsider": 200, "department": 200},
            note="the form does not offer a unit out of reach: nothing is saved",
        ),
        Route("sources:source_detail", **THEIRS, permitted="shaoguan_specialist", expect=IN_SCOPE),
        Route("sources:source_detail", **MINE, expect=IN_SCOPE),
        Route("sources:source_edit", **THEIRS, permitted="shaoguan_specialist"),
        Route(
            "sources:source_edit",
            **THEIRS,
            method="post",
            data={"name": "改名"},
            permitted="shaoguan_specialist",
        ),
        Route("sources:source_edit", **MINE),
        Route("sources:source_check", **THEIRS, method="post", permitted="shaoguan_specialist"),
        Route("sources:source_discover", **THEIRS, method="post", permitted="shaoguan_specialist"),
        Route("sources:run_detail", **THEIRS_RUN, permitted="shaoguan_specialist", expect=IN_SCOPE),
        Route("sources:run_progress", **THEIRS_RUN, permitted="shaoguan_specialist", expect=IN_SCOPE),
        Route("sources:run_cancel", **THEIRS_RUN, method="post", permitted="shaoguan_specialist"),
        Route(
            "datasource-list",
            outsider=Absent("dianbai_bureau", "own_source"),
            department=Absent("maonan_wj", "own_source"),
            expect=IN_SCOPE,
        ),
        Route(
            "datasource-list",
            method="post",
            data=FOREIGN,
            outsider="maonan_bureau",
            reader="gd_auditor",
            permitted="shaoguan_specialist",
            expect={"permitted": 400},
            note="the registrar passes the gate; the folder is not there, so nothing is saved",
        ),
        Route("datasource-detail", **THEIRS, permitted="shaoguan_specialist", expect=IN_SCOPE),
        Route(
            "datasource-detail",
            **THEIRS,
            method="patch",
            data={"name": "改名"},
            permitted="shaoguan_specialist",
        ),
        Route("datasource-check", **THEIRS, method="post", permitted="shaoguan_specialist"),
        Route("datasource-discover", **THEIRS, method="post", permitted="shaoguan_specialist"),
        Route("discoveryrun-list", expect=SIGNED_IN),
        Route(
            "discoveryrun-cancel",
            **THEIRS | {"kwargs": {"pk": pk("queued_run")}},
            method="post",
            permitted="shaoguan_specialist",
            label="discoveryrun-cancel-queued",
        ),
        Route("discoveryrun-detail", **THEIRS_RUN, permitted="shaoguan_specialist", expect=IN_SCOPE),
        Route(
            "discoveryrun-cancel",
            **THEIRS_RUN,
            method="post",
            permitted="shaoguan_specialist",
            expect={"permitted": 400},
            note="the registrar passes the gate; a finished run is not cancelled (test_discovery.py)",
        ),
        Route(
            "discoveryrun-diff",
            **THEIRS_RUN,
            permitted="shaoguan_specialist",
            expect={"reader": 204},
            note="the only run has nothing before it to compare with",
        ),
        Route("discoveredtable-list", expect=SIGNED_IN),
        Route("discoveredtable-detail", **THEIRS_TABLE, permitted="shaoguan_specialist", expect=IN_SCOPE),
    ]
