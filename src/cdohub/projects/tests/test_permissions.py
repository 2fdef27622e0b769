"""The projects routes for each kind of user. 茂名市卫健局's project under review and the finding
issued to it are out of 茂南's reach; 茂南区人社局's project under review is prepared by its data
specialist, decided by 茂南's CDO, and seen, not changed, by 茂南's bureau."""

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast
from cdohub.core.testing import IN_SCOPE, SIGNED_IN, Absent, Route, RoutePermissions, link, pk
from cdohub.org.models import Unit
from cdohub.projects import services
from cdohub.projects.tests import factories

THEIRS = {"outsider": "maonan_bureau", "reader": "maoming_bureau", "permitted": "wj_specialist"}
OTHER = {**THEIRS, "kwargs": {"pk": pk("other_project")}}
OTHER_REVIEW = {**THEIRS, "kwargs": {"pk": pk("other_review")}}
FINDING = {**THEIRS, "kwargs": {"pk": pk("other_finding")}}
MINE = {"kwargs": {"pk": pk("own_project")}, "reader": "maonan_bureau"}
MY_REVIEW = {"kwargs": {"pk": pk("own_review")}, "reader": "maonan_bureau"}
DECIDE = {"decision": "veto", "version": 1, "reasons": "x"}
NEW = {
    "unit": "440902-RS",
    "name": "x",
    "kind": "new",
    "budget": "1",
    "funding_source": "budget",
    "security_level": 2,
}
ORDER = {
    "category": "other",
    "severity": "low",
    "title": "x",
    "description": "x",
    "evidence": "x",
    "order_kind": "correct",
    "order_text": "x",
    "deadline_days": 5,
}

# The permitted user passes the gate and the state refuses: a project under review is not changed,
# a finding not yet answered is neither closed nor rejected (test_services.py walks the states).
UNDER_REVIEW = NOT_ANSWERED = {"permitted": 400}
# 茂名市卫健局's draft project, and a finding it answered, ready for the next step.
DRAFT = {**THEIRS, "kwargs": {"pk": pk("draft_project")}}
ANSWERED = {**THEIRS, "kwargs": {"pk": pk("answered_finding")}, "permitted": "maoming_cdo"}


def answered_finding():
    cdo, specialist = User.objects.get(username="maoming_cdo"), User.objects.get(username="wj_specialist")
    finding = services.open_finding(cdo, unit=Unit.objects.get(code="440900-WJ"), **ORDER)
    return services.answer_finding(specialist, finding, "已整改", seen_version=finding.version)


class TestProjectsRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_rs"

    @classmethod
    def build_world(cls):
        cast()
        world = factories.world(User.objects.get(username="admin"))
        specialist = User.objects.get(username="wj_specialist")
        draft = factories.new_project(specialist, name="茂名市隔离测试草稿项目")
        return {**world, "draft_project": draft, "answered_finding": answered_finding()}

    routes = [
        Route(
            "projects:project_list",
            outsider=Absent("dianbai_bureau", "own_project"),
            department=Absent("maonan_wj", "own_project"),
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "projects:project_create",
            reader="maonan_bureau",
            expect={"outsider": 403, "department": 200},
            note="a data specialist prepares its unit's projects, a bureau does not",
        ),
        Route("projects:dashboard", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("projects:project_detail", **OTHER, expect=IN_SCOPE),
        Route("projects:project_detail", **MINE, permitted="maonan_bureau", expect=IN_SCOPE),
        Route("projects:project_edit", **OTHER, method="post", data={"name": "x"}),
        Route("projects:project_edit", **MINE),
        Route("projects:project_submit", **OTHER, method="post", data={"stage": "initiation"}),
        Route("projects:project_submit", **MINE, method="post", data={"stage": "acceptance"}),
        Route(
            "projects:project_document",
            **OTHER | {"kwargs": {"pk": pk("other_project"), "name": "design"}},
            expect=IN_SCOPE,
        ),
        Route(
            "projects:project_document",
            **MINE | {"kwargs": {"pk": pk("own_project"), "name": "design"}},
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route("projects:review_detail", **OTHER_REVIEW, expect=IN_SCOPE),
        Route("projects:review_detail", **MY_REVIEW, permitted="maonan_bureau", expect=IN_SCOPE),
        Route(
            "projects:review_decide",
            **OTHER_REVIEW | {"permitted": "maoming_cdo"},
            method="post",
            data=DECIDE,
        ),
        Route(
            "projects:review_decide",
            **MY_REVIEW,
            method="post",
            data=DECIDE,
            permitted="maonan_cdo",
            note="only the CDO decides",
        ),
        Route(
            "projects:review_opinion",
            **OTHER_REVIEW | {"permitted": "maoming_bureau", "reader": "gd_auditor"},
            method="post",
            data={"version": 1, "text": "x"},
        ),
        Route("projects:review_rerun", **OTHER_REVIEW, method="post", data={"version": 1}),
        Route("projects:review_rerun", **MY_REVIEW, method="post", data={"version": 1}),
        Route("projects:finding_list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "projects:finding_create", permitted="maonan_bureau", expect={"outsider": 200, "department": 403}
        ),
        Route("projects:finding_detail", **FINDING, expect=IN_SCOPE),
        Route("projects:finding_answer", **FINDING, method="post", data={"version": 1, "answer": "x"}),
        Route(
            "projects:finding_verify",
            **FINDING | {"permitted": "maoming_cdo"},
            method="post",
            data={"version": 1},
        ),
        Route(
            "projects:finding_document",
            **FINDING | {"kwargs": {"pk": pk("other_finding"), "name": "evidence_file"}},
            expect={"reader": 404, "permitted": 404},
            note="the finding has no evidence file: a 404 to those who see it too",
        ),
        Route(
            "project-list",
            data={"page_size": 500},
            outsider=Absent("dianbai_bureau", "own_project"),
            department=Absent("maonan_wj", "own_project"),
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "project-list",
            method="post",
            data={**NEW, "unit": "440900-WJ"},
            **THEIRS,
            label="project-list-other",
        ),
        Route("project-list", method="post", data=NEW, reader="maonan_bureau", label="project-list-own"),
        Route("project-detail", **OTHER, expect=IN_SCOPE),
        Route("project-detail", **MINE, permitted="maonan_bureau", expect=IN_SCOPE),
        Route("project-detail", **OTHER, method="patch", data={"name": "改名"}, expect=UNDER_REVIEW),
        Route("project-detail", **MINE, method="patch", data={"name": "改名"}, expect=UNDER_REVIEW),
        Route(
            "project-document",
            **OTHER | {"kwargs": {"pk": pk("other_project"), "name": "design"}},
            expect=IN_SCOPE,
        ),
        Route(
            "project-document",
            **MINE | {"kwargs": {"pk": pk("own_project"), "name": "design"}},
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "project-document",
            **MINE | {"kwargs": {"pk": pk("own_project"), "name": "acceptance_report"}},
            permitted="maonan_bureau",
            expect={"reader": 404, "permitted": 404},
            note="no acceptance report yet: a 404 to those who see the project too",
            label="project-document-missing",
        ),
        Route(
            "project-submit",
            **OTHER,
            method="post",
            data={"stage": "initiation", "version": 1},
            expect={"permitted": 409},
            note="the preparer passes the gate; the project moved on since version 1",
        ),
        Route(
            "project-submit",
            **MINE,
            method="post",
            data={"stage": "acceptance", "version": 1},
            expect={"permitted": 409},
            note="the preparer passes the gate; the project moved on since version 1",
        ),
        Route("projectreview-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("projectreview-detail", **OTHER_REVIEW, expect=IN_SCOPE),
        Route("projectreview-detail", **MY_REVIEW, permitted="maonan_bureau", expect=IN_SCOPE),
        Route(
            "projectreview-decide", **OTHER_REVIEW | {"permitted": "maoming_cdo"}, method="post", data=DECIDE
        ),
        Route("projectreview-decide", **MY_REVIEW, method="post", data=DECIDE, permitted="maonan_cdo"),
        Route(
            "projectreview-opinions",
            **OTHER_REVIEW | {"permitted": "maoming_bureau", "reader": "gd_auditor"},
            method="post",
            data={"version": 1, "text": "x"},
        ),
        Route("projectreview-rerun-checks", **OTHER_REVIEW, method="post", data={"version": 1}),
        Route("projectreview-rerun-checks", **MY_REVIEW, method="post", data={"version": 1}),
        Route("finding-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "finding-list",
            method="post",
            data={**ORDER, "unit": "440900-WJ"},
            **THEIRS | {"permitted": "maoming_cdo", "reader": "gd_auditor"},
            label="finding-list-other",
        ),
        Route(
            "finding-list",
            method="post",
            data={**ORDER, "unit": "440902-RS", "deadline_days": 0},
            permitted="maonan_bureau",
            expect={"permitted": 400},
            note="the bureau passes the gate; a deadline of no days is refused",
            label="finding-list-invalid",
        ),
        Route("finding-detail", **FINDING, expect=IN_SCOPE),
        Route("finding-answer", **FINDING, method="post", data={"version": 1, "answer": "x"}),
        Route(
            "finding-close",
            **FINDING | {"permitted": "maoming_cdo"},
            method="post",
            data={"version": 1},
            expect=NOT_ANSWERED,
        ),
        Route(
            "finding-reject",
            **FINDING | {"permitted": "maoming_cdo"},
            method="post",
            data={"version": 1, "reason": "x"},
            expect=NOT_ANSWERED,
        ),
        Route("project-detail", **DRAFT, method="patch", data={"name": "改名"}, label="project-detail-draft"),
        Route(
            "project-submit",
            **DRAFT,
            method="post",
            data={"stage": "initiation", "version": link("draft_project", "version")},
            label="project-submit-draft",
        ),
        Route(
            "finding-close",
            **ANSWERED,
            method="post",
            data={"version": link("answered_finding", "version"), "comment": "核查属实"},
            label="finding-close-answered",
        ),
        Route(
            "finding-reject",
            **ANSWERED,
            method="post",
            data={"version": link("answered_finding", "version"), "reason": "未提供接口调用记录"},
            label="finding-reject-answered",
        ),
        Route("project-supervision-list", permitted="maonan_bureau", expect=SIGNED_IN),
    ]
