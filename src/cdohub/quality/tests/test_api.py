"""The quality API: bind, write rules (refused with the engine's reason), start and cancel runs,
read results and scores, answer issues (a stale version is a 409)."""

import pytest

from cdohub.quality.models import Issue, Run

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client_for):
    return client_for("maoming_specialist", lang="en")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_bind_rules_run_results_and_scores(api, population, specialist, django_capture_on_commit_callbacks):
    res = factories.resource(specialist)
    source, _ = population
    bound = post(api, "/api/quality-bindings/", {"resource": res.code, "source": source.pk, "table": "rk"})
    assert bound.status_code == 201, bound.json()
    assert bound.json()["schema"] == "main" and bound.json()["resource"] == res.code
    refused = post(
        api,
        "/api/quality-rules/",
        {"resource": res.code, "kind": "regex", "columns": ["XM"], "params": {"pattern": "("}},
    )
    assert refused.status_code == 400 and "regular expression is invalid" in str(refused.json())
    writes = post(
        api,
        "/api/quality-rules/",
        {"resource": res.code, "kind": "custom_sql", "params": {"sql": "DELETE FROM rk"}},
    )
    assert writes.status_code == 400
    made = post(
        api,
        "/api/quality-rules/",
        {
            "resource": res.code,
            "kind": "validator",
            "columns": ["GMSFHM"],
            "params": {"validator": "resident_id"},
            "weight": 3,
        },
    )
    assert made.status_code == 201 and made.json()["origin"] == "manual"
    rule_id = made.json()["id"]
    patched = api.patch(
        f"/api/quality-rules/{rule_id}/", {"severity": "critical"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["severity"] == "critical"
    assert [r["id"] for r in api.get(f"/api/quality-rules/?resource={res.code}").json()["results"]] == [
        rule_id
    ]

    with django_capture_on_commit_callbacks(execute=True):
        started = post(api, "/api/quality-runs/", {"resource": res.code})
    assert started.status_code == 201
    run = api.get(f"/api/quality-runs/{started.json()['id']}/").json()
    assert run["status"] == "succeeded" and run["percent"] == 100 and run["rules_failed"] == 1
    results = api.get(f"/api/quality-runs/{run['id']}/results/").json()
    assert results[0]["failed"] == 3 and results[0]["checked"] == 7
    assert all("********" in row["gmsfhm"] for row in results[0]["samples"])
    cancel = post(api, f"/api/quality-runs/{run['id']}/cancel/", {})
    assert cancel.status_code == 400  # it has finished

    scores = api.get("/api/quality-scores/", {"resource": res.code}).json()
    assert scores["score"] == run["score"] and len(scores["trend"]) == 1
    city = api.get("/api/quality-scores/", {"unit": "440900-GA"}).json()
    assert city["unit"] == "440900-GA" and city["units"][0]["open"] >= 1
    assert api.get("/api/quality-scores/", {"unit": "440902"}).status_code == 404


def test_answer_an_issue_and_a_stale_version_conflicts(
    api, bound, specialist, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(api, "/api/quality-runs/", {"resource": bound.code})
    issue = Issue.objects.filter(resource=bound, rule__kind="validator").get()
    listed = api.get("/api/quality-issues/", {"resource": bound.code, "status": "open"}).json()
    assert issue.pk in [i["id"] for i in listed["results"]]
    answered = post(
        api, f"/api/quality-issues/{issue.pk}/answer/", {"answer": "已更正", "version": issue.version}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    stale = post(api, f"/api/quality-issues/{issue.pk}/answer/", {"answer": "再答", "version": issue.version})
    assert stale.status_code == 409
    staff = client_for("maoming_staff")
    assert post(staff, f"/api/quality-issues/{issue.pk}/answer/", {"answer": "x"}).status_code == 403
    assert post(staff, "/api/quality-runs/", {"resource": bound.code}).status_code == 403
    assert Run.objects.filter(resource=bound).count() == 1


def test_delete_rule_and_unbind(api, bound):
    rule = bound.quality_rules.first()
    assert api.delete(f"/api/quality-rules/{rule.pk}/").status_code == 204
    assert api.delete(f"/api/quality-bindings/{bound.quality_binding.pk}/").status_code == 204
    assert not type(bound).objects.get(pk=bound.pk).quality_rules.filter(pk=rule.pk).exists()
