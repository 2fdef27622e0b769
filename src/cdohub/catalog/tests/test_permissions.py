"""The catalog routes for each kind of user. 茂南区人社局's draft resource is seen within 茂南 (not by
its sibling 卫健局), registered by its data specialist, never by the bureau; 茂名市公安局's draft and
茂名's census are out of 茂南's reach; the province's published resources are read by everyone."""

import datetime

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast, person
from cdohub.catalog import services
from cdohub.catalog.models import CensusCampaign, Classification, Participation, Resource, Synonym
from cdohub.core.testing import IN_SCOPE, SIGNED_IN, Absent, Route, RoutePermissions, link, pk, row
from cdohub.org.models import Unit
from cdohub.sources.tests.factories import make_source

# 茂南区人社局's draft: 茂南's bureau sees it and does not register.
MINE = {"kwargs": {"pk": pk("own_resource")}, "reader": "maonan_bureau"}
# 茂名市公安局's draft: out of 茂南's reach; 公安局's staff reads it and changes nothing.
THEIRS = {"kwargs": {"pk": pk("other_resource")}, "outsider": "maonan_bureau", "reader": "maoming_staff"}
THEIRS_PERMITTED = "maoming_specialist"
# The province's published resource: everyone reads it; the province's bureau decides on it.
PUBLIC = {"kwargs": {"pk": pk("published_resource")}, "reader": "maonan_bureau"}
SEEN_BY_ALL = {"outsider": 403, "department": 403}
CENSUS = {"kwargs": {"pk": pk("other_campaign")}, "outsider": "maonan_bureau", "reader": "maoming_cdeo"}
PART = {"kwargs": {"pk": pk("other_part")}, "outsider": "maonan_bureau", "reader": "maoming_staff"}
NEW = {"classification": "101001", "name": "x"}
COMPLETE = {
    "name": "茂名市公安局隔离测试资源",
    "summary": "隔离测试",
    "format": "database",
    "share_type": "unconditional",
    "share_method": "api",
    "open_type": "none",
    "open_conditions": "含个人信息",
    "update_cycle": "daily",
    "released_on": datetime.date(2021, 6, 1),
    "source_system": "人口库",
    "items": [{"name": "姓名", "column_name": "XM", "data_type": "C", "length": 50}],
}
# The province's reviewer passes the gate; a published resource is neither changed nor returned
# (test_resources.py walks the states).
PUBLISHED_STAYS = {**SEEN_BY_ALL, "permitted": 400}
# 茂名市公安局's resource submitted for review: 茂名's bureau publishes or returns it.
SUBMITTED = {**THEIRS, "kwargs": {"pk": pk("submitted_resource")}, "permitted": "maoming_bureau"}


# The search dictionary serves the province: its provincial data bureau alone keeps it.
KEEPER = {
    "reader": "maonan_bureau",
    "permitted": "gd_bureau",
    "expect": {"outsider": 403, "department": 403},
    "note": "only the provincial data bureau keeps the search dictionary",
}


def submitted_resource():
    specialist = User.objects.get(username="maoming_specialist")
    resource = services.create_resource(
        specialist,
        unit=Unit.objects.get(code="440900-GA"),
        classification=Classification.objects.get(code="101001"),
        **{**COMPLETE, "name": "茂名市公安局待审资源"},
    )
    return services.submit_resource(specialist, resource, resource.version)


class TestCatalogRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_rs"

    @classmethod
    def build_world(cls):
        cast()
        admin = User.objects.get(username="admin")
        person("maonan_specialist", "data_specialist", "440902")
        person("shaoguan_specialist", "data_specialist", "440200")
        person("gd_ga_specialist", "data_specialist", "440000-GA")
        own = services.create_resource(
            admin,
            unit=Unit.objects.get(code="440902-RS"),
            classification=Classification.objects.get(code="203001"),
            name="茂南区社保参保信息",
        )
        census = CensusCampaign.objects.get(organiser__code="440900-SJJ")
        other_source = make_source(Unit.objects.get(code="440200"), admin)
        own_source = make_source(Unit.objects.get(code="440902"), admin, name="茂南库")
        return {
            "own_resource": own,
            "other_resource": services.create_resource(
                admin,
                unit=Unit.objects.get(code="440900-GA"),
                classification=Classification.objects.get(code="101001"),
                **COMPLETE,
            ),
            "submitted_resource": submitted_resource(),
            "published_resource": Resource.objects.filter(unit__code="440000-GA", status="published").first(),
            "other_campaign": census,
            "other_part": Participation.objects.get(campaign=census, unit__code="440900-GA"),
            "other_tables": [t.pk for t in other_source.runs.get().tables.all()],
            "own_tables": [t.pk for t in own_source.runs.get().tables.all()],
            "synonym": Synonym.objects.get(term="社保"),
        }

    routes = [
        Route("catalog:search", data={"q": "人口"}, permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "catalog:resource_list",
            data={"status": "draft"},
            outsider=Absent("dianbai_bureau", "own_resource"),
            department=Absent("maonan_wj", "own_resource"),
            reader="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "catalog:resource_create",
            reader="maonan_bureau",
            expect={"outsider": 403, "department": 200},
            note="a data specialist registers for its own unit, a bureau does not",
        ),
        Route("catalog:resource_detail", **THEIRS, permitted=THEIRS_PERMITTED, expect=IN_SCOPE),
        Route("catalog:resource_detail", **PUBLIC, expect=SIGNED_IN),
        Route("catalog:resource_detail", **MINE, permitted="maonan_bureau", expect={"reader": 200}),
        Route("catalog:resource_edit", **THEIRS, permitted=THEIRS_PERMITTED),
        Route("catalog:resource_edit", **MINE, method="post", data={"name": "x"}),
        Route("catalog:resource_submit", **THEIRS, method="post", permitted=THEIRS_PERMITTED),
        Route("catalog:resource_submit", **MINE, method="post"),
        Route(
            "catalog:resource_decide",
            **THEIRS,
            method="post",
            data={"decision": "publish", "version": 1},
            permitted="maoming_bureau",
        ),
        Route(
            "catalog:resource_decide",
            **PUBLIC,
            method="post",
            data={"decision": "return", "version": 1},
            permitted="gd_bureau",
            expect=SEEN_BY_ALL,
        ),
        Route("catalog:resource_delete", **THEIRS, method="post", permitted=THEIRS_PERMITTED),
        Route("catalog:resource_delete", **MINE, method="post"),
        Route(
            "catalog:resources_from_tables",
            method="post",
            data={"tables": row("other_tables")},
            outsider="maonan_bureau",
            reader="gd_auditor",
            permitted="shaoguan_specialist",
            expect={"outsider": 302, "department": 302},
            note="tables out of sight are not offered: nothing is created",
            label="catalog:resources_from_tables-other",
        ),
        Route(
            "catalog:resources_from_tables",
            method="post",
            data={"tables": row("own_tables")},
            reader="maonan_bureau",
            permitted="maonan_specialist",
            expect={"department": 302, "outsider": 302},
            note="a bureau does not register; tables out of sight are not offered",
        ),
        Route("catalog:import", reader="maonan_bureau", expect={"outsider": 403, "department": 200}),
        Route(
            "catalog:classification_nodes", data={"parent": "1"}, permitted="maonan_bureau", expect=SIGNED_IN
        ),
        Route(
            "catalog:synonym_list",
            data={"q": "社保"},
            permitted="maonan_bureau",
            expect=SIGNED_IN,
            note="the search dictionary explains everyone's results: all may read it",
        ),
        Route(
            "catalog:synonym_list",
            method="post",
            data={"term": "个体户", "alternatives": "个体工商户"},
            **KEEPER,
            label="catalog:synonym_list-add",
        ),
        Route("catalog:synonym_import", **KEEPER),
        Route("catalog:synonym_edit", kwargs={"pk": pk("synonym")}, **KEEPER),
        Route(
            "catalog:synonym_edit",
            kwargs={"pk": pk("synonym")},
            method="post",
            data={"term": "社保", "alternatives": "社会保险", "two_way": "on"},
            **KEEPER,
            label="catalog:synonym_edit-post",
        ),
        Route("catalog:synonym_delete", kwargs={"pk": pk("synonym")}, method="post", **KEEPER),
        Route("catalog:campaign_list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "catalog:campaign_create",
            permitted="maonan_bureau",
            expect={"outsider": 200, "department": 403},
            note="a bureau launches a census among its own units",
        ),
        Route("catalog:campaign_detail", **CENSUS, permitted="maoming_bureau", expect=IN_SCOPE),
        Route("catalog:campaign_close", **CENSUS, method="post", permitted="maoming_bureau"),
        Route("catalog:participation_detail", **PART, permitted="maoming_specialist", expect=IN_SCOPE),
        Route("catalog:participation_submit", **PART, method="post", permitted="maoming_specialist"),
        Route(
            "resource-list",
            data={"status": "draft", "page_size": 500},
            outsider=Absent("dianbai_bureau", "own_resource"),
            department=Absent("maonan_wj", "own_resource"),
            reader="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "resource-list",
            method="post",
            data={"unit": "440900-GA", **NEW},
            outsider="maonan_bureau",
            reader="maoming_staff",
            permitted=THEIRS_PERMITTED,
            label="resource-list-other",
        ),
        Route(
            "resource-list",
            method="post",
            data={"unit": "440902-RS", **NEW},
            reader="maonan_bureau",
            label="resource-list-own",
        ),
        Route("resource-detail", **THEIRS, permitted=THEIRS_PERMITTED, expect=IN_SCOPE),
        Route("resource-detail", **PUBLIC, expect=SIGNED_IN),
        Route("resource-detail", **THEIRS, method="patch", data={"name": "改名"}, permitted=THEIRS_PERMITTED),
        Route(
            "resource-detail",
            **PUBLIC,
            method="patch",
            data={"name": "改名"},
            permitted="gd_ga_specialist",
            expect=PUBLISHED_STAYS,
        ),
        Route("resource-detail", **THEIRS, method="delete", permitted=THEIRS_PERMITTED),
        Route("resource-submit", **THEIRS, method="post", data={"version": 1}, permitted=THEIRS_PERMITTED),
        Route(
            "resource-publish",
            **THEIRS,
            method="post",
            data={"version": 1},
            permitted="maoming_bureau",
            expect={"permitted": 400},
            note="a reviewer passes the gate; a draft is not published (test_resources.py walks states)",
        ),
        Route(
            "resource-return",
            **PUBLIC,
            method="post",
            data={"version": link("published_resource", "version"), "reason": "x"},
            permitted="gd_bureau",
            expect=PUBLISHED_STAYS,
        ),
        Route(
            "catalog:resource_decide",
            **SUBMITTED,
            method="post",
            data={"decision": "publish", "version": link("submitted_resource", "version")},
            label="catalog:resource_decide-submitted",
        ),
        Route(
            "resource-publish",
            **SUBMITTED,
            method="post",
            data={"version": link("submitted_resource", "version")},
            label="resource-publish-submitted",
        ),
        Route(
            "resource-return",
            **SUBMITTED,
            method="post",
            data={"version": link("submitted_resource", "version"), "reason": "请补充数据项"},
            label="resource-return-submitted",
        ),
        Route("censuscampaign-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "censuscampaign-list",
            method="post",
            data={"name": "x", "organiser": "440900-SJJ", "deadline": "2099-01-01", "units": ["440900-GA"]},
            outsider="maonan_bureau",
            reader="maoming_cdeo",
            permitted="maoming_bureau",
        ),
        Route("censuscampaign-detail", **CENSUS, permitted="maoming_bureau", expect=IN_SCOPE),
        Route("censuscampaign-close", **CENSUS, method="post", permitted="maoming_bureau"),
        Route("censuscampaign-figures", **CENSUS, permitted="maoming_bureau", expect=IN_SCOPE),
        Route("participation-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("participation-detail", **PART, permitted="maoming_specialist", expect=IN_SCOPE),
        Route(
            "participation-submit",
            **PART,
            method="post",
            data={"version": link("other_part", "version")},
            permitted="maoming_specialist",
        ),
        Route("classification-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "classification-detail", kwargs={"code": "101001"}, permitted="maonan_bureau", expect=SIGNED_IN
        ),
        Route("catalog-search-list", data={"q": "社保"}, permitted="maonan_bureau", expect=SIGNED_IN),
    ]
