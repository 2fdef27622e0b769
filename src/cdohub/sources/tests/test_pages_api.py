"""Pages and API: scope (404 outside, 403 without the role), registering, discovering with
progress and cancelling, the run page's diff and table list, and what the catalog reads."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from cdohub.core.jobs import RunStatus
from cdohub.datakit.connectors import ColumnInfo, TableInfo
from cdohub.sources import services
from cdohub.sources.choices import Health
from cdohub.sources.models import DataSource, DiscoveryRun

from .factories import make_source


@pytest.fixture
def source(units, users):
    return make_source(units["440900-GA"], users["maoming_specialist"])


def routes(source):
    run = source.runs.get()
    table = run.tables.get()
    return [
        ("get", reverse("sources:source_detail", args=[source.pk]), "view"),
        ("get", reverse("sources:source_edit", args=[source.pk]), "act"),
        ("post", reverse("sources:source_edit", args=[source.pk]), "act"),
        ("post", reverse("sources:source_check", args=[source.pk]), "act"),
        ("post", reverse("sources:source_discover", args=[source.pk]), "act"),
        ("get", reverse("sources:run_detail", args=[run.pk]), "view"),
        ("get", reverse("sources:run_progress", args=[run.pk]), "view"),
        ("post", reverse("sources:run_cancel", args=[run.pk]), "act"),
        ("get", f"/api/sources/{source.pk}/", "view"),
        ("patch", f"/api/sources/{source.pk}/", "act"),
        ("post", f"/api/sources/{source.pk}/check/", "act"),
        ("post", f"/api/sources/{source.pk}/discover/", "act"),
        ("get", f"/api/discovery-runs/{run.pk}/", "view"),
        ("get", f"/api/discovery-runs/{run.pk}/diff/", "diff"),  # 204: a first run has no diff
        ("post", f"/api/discovery-runs/{run.pk}/cancel/", "act"),
        ("get", f"/api/discovered-tables/{table.pk}/", "view"),
    ]


def call(client, method, url):
    if method == "patch" or (method == "post" and url.startswith("/api/")):
        return getattr(client, method)(url, {"name": "改名"}, content_type="application/json")
    return getattr(client, method)(url, {"name": "改名"} if method == "post" else None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username, seen, acted",
    [
        ("maonan_bureau", 404, 404),  # another county: out of scope
        ("maoming_staff", 200, 403),  # the unit's staff: sees, may not act
    ],
)
def test_scope_and_roles(source, client_for, username, seen, acted):
    client = client_for(username)
    failures = []
    for method, url, what in routes(source):
        status = call(client, method, url).status_code
        expected = {"view": seen, "act": acted, "diff": 204 if seen == 200 else seen}[what]
        if status != expected:
            failures.append(f"{method} {url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)
    source.refresh_from_db()
    assert source.name == "参保数据库" and source.runs.count() == 1 and source.health == Health.HEALTHY
    listed = client.get("/api/sources/").json()["results"]
    assert bool(listed) == (seen == 200)
    assert (source.name in client.get(reverse("sources:source_list")).content.decode()) == (seen == 200)


@pytest.mark.django_db
def test_services_refuse_out_of_scope_and_without_role(users, units, source_root):
    fields = {"name": "x", "kind": "files", "path": str(source_root)}
    with pytest.raises(Http404):
        services.register_source(users["maonan_bureau"], units["440900-GA"], **fields)
    with pytest.raises(PermissionDenied):
        services.register_source(users["maoming_staff"], units["440900-GA"], **fields)
    assert not DataSource.objects.filter(name="x").exists()


@pytest.mark.django_db
def test_bureau_above_and_specialist_act(source, client_for, users):
    for username in ("maoming_bureau", "gd_bureau", "maoming_specialist"):
        response = client_for(username).get(reverse("sources:source_edit", args=[source.pk]))
        assert response.status_code == 200, username
    assert client_for("maonan_bureau").get(reverse("sources:source_create")).status_code == 200
    assert client_for("maoming_staff").get(reverse("sources:source_create")).status_code == 403


@pytest.mark.django_db
def test_register_discover_and_propose_through_the_pages(
    source_root, client_for, django_capture_on_commit_callbacks
):
    (source_root / "人员.csv").write_text("身份证号,姓名\n44090219900101123X,张三\n", encoding="utf-8")
    client = client_for("maoming_specialist", lang="en")
    form = client.get(reverse("sources:source_create"))
    assert form.status_code == 200 and 'value="440900-GA"' in form.content.decode()  # the home unit
    response = client.post(
        reverse("sources:source_create"),
        {"unit": "440900-GA", "name": "人员文件", "kind": "files", "path": str(source_root)},
    )
    source = DataSource.objects.get(name="人员文件")
    assert response.url == source.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert 'id="discover"' in page and "Healthy" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sources:source_discover", args=[source.pk]))
    run = source.runs.get()
    assert response.url == run.get_absolute_url() and run.status == RunStatus.SUCCEEDED
    page = client.get(response.url).content.decode()
    assert f'action="{reverse("catalog:resources_from_tables")}"' in page
    table = run.tables.get()
    assert f'name="tables" value="{table.pk}"' in page and "Create draft resources" in page
    assert "first discovery" in page
    assert services.tables_for_proposal(source.created_by, [table.pk, "x"]) == [table]

    (source_root / "人员.csv").write_text("身份证号,姓名,电话\n44090219900101123X,张三,1\n", encoding="utf-8")
    (source_root / "单位.csv").write_text("单位\n甲\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sources:source_discover", args=[source.pk]))
    second = source.runs.first()
    page = client.get(second.get_absolute_url()).content.decode()
    assert 'class="text-success new-table"' in page and "单位.csv" in page
    assert 'class="text-success new-column"' in page and "new-column-row" in page


@pytest.mark.django_db
def test_form_errors_save_nothing(source_root, client_for):
    client = client_for("maoming_specialist", lang="en")
    url = reverse("sources:source_create")
    outside = client.post(url, {"unit": "440900-GA", "name": "越界", "kind": "sqlite", "path": "/etc/passwd"})
    assert outside.status_code == 200 and "outside the folders" in outside.content.decode()
    other_unit = client.post(
        url, {"unit": "440902", "name": "别处", "kind": "files", "path": str(source_root)}
    )
    assert "You do not register data sources for this unit." in other_unit.content.decode()
    missing = client.post(url, {"unit": "440900-GA", "name": "空", "kind": "files", "path": "nope"})
    assert "There is no folder" in missing.content.decode()
    assert not DataSource.objects.filter(name__in=["越界", "别处", "空"]).exists()


@pytest.mark.django_db
def test_progress_polls_while_active_and_reloads_when_done(source, client_for, users):
    client = client_for("maoming_specialist")
    run = DiscoveryRun.objects.create(source=source, requested_by=users["maoming_specialist"])
    DiscoveryRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, tables_total=40, tables_done=10)
    url = reverse("sources:run_progress", args=[run.pk])
    partial = client.get(url + "?poll=1", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in partial.content.decode() and "25%" in partial.content.decode()
    assert "HX-Refresh" not in partial
    api = client.get(f"/api/discovery-runs/{run.pk}/").json()
    assert (api["status"], api["tables_done"], api["tables_total"], api["percent"]) == ("running", 10, 40, 25)
    assert 'id="cancel"' in client.get(run.get_absolute_url()).content.decode()
    assert client.post(reverse("sources:run_cancel", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    done = client.get(url + "?poll=1", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and "hx-trigger" not in done.content.decode()


class FakeConnector:
    """Reports progress table by table; `during(done)` runs between tables."""

    def __init__(self, during=None, fail=None):
        self.during, self.fail = during, fail

    def __call__(self, config, limits=None):
        return self

    def discover(self, progress=None):
        tables = []
        for done in range(1, 4):
            if self.during:
                self.during(done)
            if self.fail and done == 2:
                raise self.fail
            tables.append(TableInfo("s", f"t{done}", columns=[ColumnInfo("c", "string")]))
            progress(done, 3)
        return tables


@pytest.fixture
def queued(source, users):
    return DiscoveryRun.objects.create(source=source, requested_by=users["maoming_specialist"])


@pytest.mark.django_db
def test_a_run_cancelled_while_reading_keeps_nothing(queued, source, monkeypatch):
    def cancel(done):
        if done == 2:
            DiscoveryRun.objects.filter(pk=queued.pk).update(status=RunStatus.CANCELLED)

    monkeypatch.setattr(services, "connector_for", FakeConnector(during=cancel))
    assert services.run_discovery(queued.pk) == RunStatus.CANCELLED
    queued.refresh_from_db()
    assert queued.status == RunStatus.CANCELLED and queued.tables.count() == 0
    assert source.last_successful_run().tables.get().name == "参保人员"


@pytest.mark.django_db
def test_a_cancelled_queued_run_never_starts(queued, users, monkeypatch, english):
    services.cancel_run(users["maoming_specialist"], queued)
    monkeypatch.setattr(services, "connector_for", FakeConnector(fail=AssertionError("must not run")))
    assert services.run_discovery(queued.pk) == RunStatus.CANCELLED
    with pytest.raises(ValidationError, match="Only a queued or running discovery"):
        services.cancel_run(users["maoming_specialist"], queued)


@pytest.mark.django_db
def test_unexpected_errors_and_the_overall_limit_fail_the_run(
    queued, source, users, monkeypatch, limits, english
):
    monkeypatch.setattr(services, "connector_for", FakeConnector(fail=RuntimeError("boom")))
    assert services.run_discovery(queued.pk) == RunStatus.FAILED
    queued.refresh_from_db()
    assert "unexpected error" in queued.error and "boom" not in queued.error
    limits(discovery=0)
    again = DiscoveryRun.objects.create(source=source, requested_by=users["maoming_specialist"])
    monkeypatch.setattr(services, "connector_for", FakeConnector())
    assert services.run_discovery(again.pk) == RunStatus.FAILED
    again.refresh_from_db()
    assert "took longer than 0 seconds" in again.error
    source.refresh_from_db()
    assert source.health == Health.UNHEALTHY


@pytest.mark.django_db
def test_one_discovery_at_a_time_and_stale_runs_given_up(queued, source, users, english):
    specialist = users["maoming_specialist"]
    with pytest.raises(ValidationError, match="already queued or running"):
        services.start_discovery(specialist, source)
    DiscoveryRun.objects.filter(pk=queued.pk).update(updated_at=queued.updated_at.replace(year=2020))
    run = services.start_discovery(specialist, source)
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED and "stopped without finishing" in queued.error
    assert run.status == RunStatus.QUEUED


@pytest.mark.django_db
def test_tables_for_proposal_only_from_visible_successful_runs(source, queued, users, units):
    table = source.runs.get(status=RunStatus.SUCCEEDED).tables.get()
    other = make_source(units["440200"], users["admin"], name="韶关库")
    theirs = other.runs.get().tables.get()
    DiscoveryRun.objects.filter(pk=queued.pk).update(status=RunStatus.FAILED)
    queued.tables.create(schema="s", name="half", columns=[])
    half = queued.tables.get()
    ids = [table.pk, theirs.pk, half.pk, "junk", None]
    found = services.tables_for_proposal(users["maoming_staff"], ids)
    assert found == [table] and found[0].run.source.unit.code == "440900-GA"
    assert {t.pk for t in services.tables_for_proposal(users["admin"], ids)} == {table.pk, theirs.pk}
    assert services.tables_for_proposal(users["maonan_bureau"], ids) == []


@pytest.mark.django_db
def test_api_register_discover_and_diff(source_root, client_for, django_capture_on_commit_callbacks):
    (source_root / "a.csv").write_text("x,y\n1,2\n")
    client = client_for("maoming_specialist", lang="en")
    body = {"unit": "440900-GA", "name": "接口文件", "kind": "files", "path": str(source_root)}
    created = client.post("/api/sources/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    source = created.json()
    assert source["health"] == "healthy" and source["unit"]["code"] == "440900-GA"
    refused = client.post(
        "/api/sources/", {**body, "name": "越界", "path": "/etc"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "outside the folders" in refused.json()["path"][0]
    unknown = client.post(
        "/api/sources/", {**body, "name": "多余", "secret": "x"}, content_type="application/json"
    )
    assert unknown.status_code == 400

    def discover():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/sources/{source['id']}/discover/")
        assert response.status_code == 202
        return response.json()["id"]

    first = discover()
    run = client.get(f"/api/discovery-runs/{first}/").json()
    assert (run["status"], run["percent"], run["tables_total"]) == ("succeeded", 100, 1)
    assert client.get(f"/api/discovery-runs/{first}/diff/").status_code == 204
    tables = client.get(f"/api/discovered-tables/?run={first}").json()["results"]
    assert [t["name"] for t in tables] == ["a.csv"]
    assert [c["name"] for c in tables[0]["columns"]] == ["x", "y"]
    (source_root / "a.csv").write_text("x,z\n1,2\n")
    second = discover()
    diff = client.get(f"/api/discovery-runs/{second}/diff/").json()
    assert diff["previous_run"] == first
    change = diff["changed_tables"][0]
    assert [c["name"] for c in change["new_columns"]] == ["z"]
    assert [c["name"] for c in change["dropped_columns"]] == ["y"]
    checked = client.post(f"/api/sources/{source['id']}/check/").json()
    assert checked["health"] == "healthy"
    listed = client.get(f"/api/discovery-runs/?source={source['id']}").json()
    assert listed["count"] == 2
