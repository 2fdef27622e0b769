"""The quality routes for each kind of user. 茂名市公安局's checked resource (rules, a run, an open
issue) is out of 茂南's reach; 茂南区人社局's bound resource (a run queued) is in it, hidden from its
sibling 卫健局, and its bureau writes rules for it."""

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast
from cdohub.core.testing import IN_SCOPE, SIGNED_IN, Absent, Route, RoutePermissions, link, pk
from cdohub.quality import services
from cdohub.quality.tests import factories

THEIRS = {"outsider": "maonan_bureau", "reader": "maoming_staff", "permitted": "maoming_specialist"}
OTHER = {**THEIRS, "kwargs": {"pk": pk("q_other_resource")}}
RULE = {**THEIRS, "kwargs": {"pk": pk("q_other_rule")}}
RUN = {**THEIRS, "kwargs": {"pk": pk("q_other_run")}}
ISSUE = {**THEIRS, "kwargs": {"pk": pk("q_other_issue")}}
OTHER_BINDING = {**THEIRS, "kwargs": {"pk": link("q_other_resource", "quality_binding.pk")}}
OWN = {"kwargs": {"pk": pk("q_own_resource")}}
REGEX = {"kind": "regex", "columns": "XM", "params": '{"pattern": "("}', "weight": 1, "severity": "error"}


class TestQualityRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_rs"

    @classmethod
    def build_world(cls):
        cast()
        world = factories.world(User.objects.get(username="admin"))
        queued = services.start_run(User.objects.get(username="admin"), world["q_own_resource"])
        return {**world, "q_queued_run": queued}

    routes = [
        Route("quality:dashboard", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("quality:resource_quality", **OTHER, expect=IN_SCOPE),
        Route("quality:resource_quality", **OWN, permitted="maonan_bureau", expect=IN_SCOPE),
        Route("quality:resource_bind", **OTHER, method="post", data={"table": "1"}),
        Route("quality:rule_create", **OTHER),
        Route(
            "quality:rule_create",
            **OWN,
            permitted="maonan_bureau",
            note="a bureau over the unit writes rules",
        ),
        Route(
            "quality:rule_create",
            **OWN,
            method="post",
            data=REGEX,
            permitted="maonan_bureau",
            expect={"permitted": 200},
            note="the bureau passes the gate; the form refuses the pattern and nothing is saved",
        ),
        Route("quality:rule_edit", **RULE),
        Route("quality:rule_edit", kwargs={"pk": pk("q_own_rule")}, permitted="maonan_bureau"),
        Route("quality:rule_delete", **RULE, method="post"),
        Route("quality:run_start", **OTHER, method="post"),
        Route("quality:run_detail", **RUN, expect=IN_SCOPE),
        Route("quality:run_progress", **RUN, expect=IN_SCOPE),
        Route("quality:run_cancel", **RUN, method="post"),
        Route(
            "quality:issue_list",
            outsider=Absent("maonan_bureau", "q_other_issue", field="resource.name"),
            department=Absent("maonan_wj", "q_other_issue", field="resource.name"),
            permitted="maoming_specialist",
            expect=IN_SCOPE,
        ),
        Route("quality:issue_detail", **ISSUE, expect=IN_SCOPE),
        Route("quality:issue_answer", **ISSUE, method="post", data={"answer": "x"}),
        Route("quality-binding-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "quality-binding-list",
            method="post",
            data={"resource": link("q_other_resource", "code"), "source": 1, "table": "rk"},
            **THEIRS,
            expect={"permitted": 400},
            note="the specialist passes the gate; that source has no such table",
            label="quality-binding-list-other",
        ),
        Route(
            "quality-binding-list",
            method="post",
            data={
                "resource": link("q_other_resource", "code"),
                "source": link("q_other_resource", "quality_binding.source_id"),
                "table": "rk",
            },
            **THEIRS,
            note="bound again to its own source's table",
        ),
        Route(
            "quality-binding-detail",
            kwargs={"pk": pk("q_own_binding")},
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route("quality-binding-detail", **OTHER_BINDING, expect=IN_SCOPE),
        Route("quality-binding-detail", **OTHER_BINDING, method="delete"),
        Route("quality-rule-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "quality-rule-list",
            method="post",
            data={"resource": link("q_other_resource", "code"), "kind": "not_null", "columns": ["XM"]},
            **THEIRS,
            label="quality-rule-list-other",
        ),
        Route(
            "quality-rule-list",
            method="post",
            data={
                "resource": link("q_own_resource", "code"),
                "kind": "regex",
                "columns": ["XM"],
                "params": {"pattern": "("},
            },
            permitted="maonan_bureau",
            expect={"permitted": 400},
            note="the bureau passes the gate; the pattern is refused",
            label="quality-rule-list-invalid",
        ),
        Route("quality-rule-detail", **RULE, expect=IN_SCOPE),
        Route("quality-rule-detail", **RULE, method="patch", data={"weight": 2}),
        Route("quality-rule-detail", **RULE, method="delete"),
        Route("quality-run-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "quality-run-list", method="post", data={"resource": link("q_other_resource", "code")}, **THEIRS
        ),
        Route("quality-run-detail", **RUN, expect=IN_SCOPE),
        Route(
            "quality-run-cancel",
            kwargs={"pk": pk("q_queued_run")},
            method="post",
            label="quality-run-cancel-queued",
        ),
        Route(
            "quality:run_cancel",
            kwargs={"pk": pk("q_queued_run")},
            method="post",
            label="quality:run_cancel-queued",
        ),
        Route(
            "quality-run-cancel",
            **RUN,
            method="post",
            expect={"permitted": 400},
            note="the specialist passes the gate; a finished run is not cancelled (test_runs.py)",
        ),
        Route("quality-run-results", **RUN, expect=IN_SCOPE),
        Route("quality-issue-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("quality-issue-detail", **ISSUE, expect=IN_SCOPE),
        Route("quality-issue-answer", **ISSUE, method="post", data={"answer": "x"}),
        Route("quality-score-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "quality-score-list",
            data={"resource": link("q_other_resource", "code")},
            **THEIRS,
            expect=IN_SCOPE,
            label="quality-score-list-other",
        ),
    ]
