"""The audit log page: filters, scope, the verify button, the export and each object's history."""

import io
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cdohub.auditlog import services
from cdohub.auditlog.labels import FACTS
from cdohub.core import audit
from cdohub.core.checkpoints import write_checkpoint
from cdohub.core.models import AuditEntry
from cdohub.org.models import Unit

# Registered for the whole session: labelled in Chinese, as pages read by other tests show them.
SECRETIVE = audit.event("test.auditlog_secretive", "保密测试", "password", "note")
APPEND_ONLY = import_module("cdohub.core.migrations.0002_audit_append_only")
NO_DELETE = import_module("cdohub.core.migrations.0003_audit_refuses_delete")
LOG = reverse("auditlog:log")


def shown_ids(response) -> list[int]:
    return [d.entry.pk for d in response.context["entries"]]


def rename(user, unit, name):
    with audit.acting_as(user, "web"):
        unit.name = name
        unit.save()
    return AuditEntry.objects.filter(object_type="org.unit", object_id=str(unit.pk)).latest("id")


@pytest.mark.django_db
def test_every_fact_an_event_records_has_a_label():
    undeclared = {key for e in audit.events() for key in e.records if not e.name.startswith("test.")} - set(
        FACTS
    )
    assert not undeclared


@pytest.mark.django_db
def test_filters_select_exactly_the_matching_entries(client_for, users, units):
    maonan_rs, dianbai = units["440902-RS"], units["440904"]
    mine = rename(users["maonan_bureau"], maonan_rs, "茂南区人力资源和社会保障局（测试）")
    other = rename(users["admin"], dianbai, "电白区人民政府（测试）")
    client = client_for("gd_auditor")

    by_actor = client.get(LOG, {"actor": "茂南区数据局"})
    assert mine.pk in shown_ids(by_actor) and other.pk not in shown_ids(by_actor)
    assert {d.entry.actor_id for d in by_actor.context["entries"]} == {users["maonan_bureau"].pk}

    by_unit = client.get(LOG, {"unit": "440902"})  # the county and the units below it
    assert mine.pk in shown_ids(by_unit) and other.pk not in shown_ids(by_unit)
    paths = Unit.objects.filter(pk__in=[d.entry.unit_id for d in by_unit.context["entries"]]).values_list(
        "path", flat=True
    )
    assert all(p.startswith(units["440902"].path) for p in paths)

    by_object = client.get(LOG, {"object_type": "org.unit", "object_id": str(maonan_rs.pk)})
    assert set(shown_ids(by_object)) == set(
        AuditEntry.objects.filter(object_type="org.unit", object_id=str(maonan_rs.pk)).values_list(
            "id", flat=True
        )
    )
    by_text = client.get(LOG, {"text": "电白区人民政府（测试）"})
    assert shown_ids(by_text) == [other.pk]

    by_action = client.get(LOG, {"action": "project.vetoed"})
    assert by_action.context["entries"] and {d.entry.action for d in by_action.context["entries"]} == {
        "project.vetoed"
    }
    assert (
        "首席数据官否决信息化项目" in by_action.content.decode()
    )  # the select and the entries name it in Chinese
    changes = client.get(LOG, {"action": "update", "object_type": "org.unit"})
    assert {(d.entry.kind, d.entry.action) for d in changes.context["entries"]} == {("change", "update")}

    today = timezone.localdate()
    recent = client.get(
        LOG, {"since": today.isoformat(), "until": today.isoformat(), "object_type": "org.unit"}
    )
    assert mine.pk in shown_ids(recent)
    past = client.get(LOG, {"until": (today - timedelta(days=1)).isoformat(), "object_type": "org.unit"})
    assert mine.pk not in shown_ids(past)


@pytest.mark.django_db
def test_entries_say_what_changed_with_the_models_names(client_for, users, units):
    entry = rename(users["maonan_bureau"], units["440902-RS"], "茂南区人社局（改名）")
    page = client_for("maonan_bureau").get(LOG, {"object_type": "org.unit", "object_id": entry.object_id})
    [described] = [d for d in page.context["entries"] if d.entry.pk == entry.pk]
    [change] = described.changes
    assert change.label == str(Unit._meta.get_field("name").verbose_name)
    assert change.after == "茂南区人社局（改名）" and change.before
    html = page.content.decode()
    assert "茂南区人社局（改名）" in html and '"name"' not in html and "{&#x27;" not in html


@pytest.mark.django_db
def test_keyset_pages_walk_the_whole_selection_once(client_for):
    client = client_for("gd_auditor")
    first = client.get(LOG, {"object_type": "org.unit"})
    second = client.get(LOG, {"object_type": "org.unit", "before": first.context["page"].older})
    back = client.get(LOG, {"object_type": "org.unit", "after": second.context["page"].newer})
    assert len(shown_ids(first)) == services.PAGE_SIZE and max(shown_ids(second)) < min(shown_ids(first))
    assert shown_ids(back) == shown_ids(first)
    assert first.context["page"].newer is None and back.context["page"].newer is None


@pytest.mark.django_db
def test_each_reader_sees_only_the_units_their_role_covers(client_for, users, units):
    from cdohub.accounts.tests.factories import cast

    cast()
    maonan = rename(users["maonan_bureau"], units["440902-RS"], "茂南区人社局（范围）")
    elsewhere = rename(users["admin"], units["440904"], "电白区人民政府（范围）")

    county = client_for("dianbai_bureau").get(LOG, {"object_type": "org.unit"})
    assert elsewhere.pk in shown_ids(county) and maonan.pk not in shown_ids(county)
    assert (
        "茂南区人社局（范围）" not in client_for("dianbai_bureau").get(LOG, {"text": "范围"}).content.decode()
    )

    auditor = client_for("gd_auditor").get(LOG, {"text": "范围"})
    assert {maonan.pk, elsewhere.pk} <= set(shown_ids(auditor))
    assert client_for("maoming_specialist").get(LOG).status_code == 403
    assert client_for("maoming_specialist").post(reverse("auditlog:verify")).status_code == 403
    assert client_for("maoming_staff").get(reverse("auditlog:export")).status_code == 403


@contextmanager
def around_the_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute(APPEND_ONLY.SQLITE_DROP)
            cursor.execute(NO_DELETE.DROP)
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            cursor.execute(APPEND_ONLY.SQLITE)
            cursor.execute(NO_DELETE.SQLITE)


@pytest.fixture
def own_checkpoints(settings, tmp_path):
    """A checkpoint file of this test's own: the session's file also holds checkpoints that earlier
    tests signed inside transactions they then rolled back (their entries are gone)."""
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_CHECKPOINTS": tmp_path / "audit-checkpoints.jsonl"}
    write_checkpoint()


@pytest.mark.django_db
def test_verify_reports_an_intact_log_and_is_recorded(client_for, users, own_checkpoints):
    client = client_for("gd_auditor")
    response = client.post(reverse("auditlog:verify"), follow=True)
    text = response.content.decode()
    assert "审计日志完整" in text and 'id="verification"' in text
    result = response.context["verification"]
    assert result["ok"] and result["checked"] == AuditEntry.objects.count() - 1  # the check, then its record
    event = AuditEntry.objects.latest("id")
    assert event.action == "audit.verified" and event.actor_id == users["gd_auditor"].pk
    assert event.data["ok"] is True and event.data["checked"] == result["checked"]
    assert 'id="verification"' not in client.get(LOG).content.decode()  # shown once


@pytest.mark.django_db
def test_verify_names_the_tampered_entry(client_for):
    target = AuditEntry.objects.filter(kind="event").order_by("id")[10]
    with around_the_triggers() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["篡改", target.pk])
    response = client_for("gd_auditor").post(reverse("auditlog:verify"), follow=True)
    result = response.context["verification"]
    assert not result["ok"] and result["entry_id"] == target.pk
    text = response.content.decode()
    assert "审计日志已被篡改" in text and f"#{target.pk}" in text
    assert result["message"] and "altered" not in result["message"]  # in Chinese
    assert AuditEntry.objects.latest("id").data["entry"] == target.pk


@pytest.mark.django_db
def test_export_neutralises_formulas_and_is_recorded(client_for, users, units):
    payload = '=HYPERLINK("http://evil.example/","点此")'
    rename(users["maonan_bureau"], units["440902-RS"], payload)
    response = client_for("maonan_bureau").get(reverse("auditlog:export"), {"text": "HYPERLINK"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert any(payload in value for value in values)
    assert not [v for v in values if v.startswith(("=", "+", "-", "@"))]
    assert [v for v in values if v == "'" + payload]
    assert [c.value for c in sheet[1]][:3] == ["序号", "时间", "操作"]
    event = AuditEntry.objects.latest("id")
    assert event.action == "audit.exported" and event.data == {
        "filters": {"text": "HYPERLINK"},
        "rows": sheet.max_row - 1,
    }


@pytest.mark.django_db
def test_export_refuses_more_than_the_limit(client_for, settings):
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_EXPORT_MAX_ROWS": 5}
    client = client_for("gd_auditor")
    before = AuditEntry.objects.count()
    response = client.get(reverse("auditlog:export"), {"object_type": "org.unit"}, follow=True)
    assert response.redirect_chain and "最多" in response.content.decode()
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_secret_facts_and_fields_are_never_shown(client_for, units):
    with audit.acting_as(None, "command"):
        entry = audit.record_event(SECRETIVE, units["440902-RS"], password="口令-不可见", note="x")
    [described] = services.describe([entry])
    secret = [c for c in described.changes if c.secret]
    assert len(secret) == 1 and "口令-不可见" not in str(described.changes)
    page = client_for("gd_auditor").get(
        LOG, {"object_type": "org.unit", "object_id": str(units["440902-RS"].pk)}
    )
    assert "口令-不可见" not in page.content.decode()


@pytest.mark.django_db
def test_an_object_page_shows_its_own_history_only(client_for, users, units):
    from cdohub.catalog.models import Resource

    resource = Resource.objects.filter(unit__code="440900-GA").order_by("pk").first()
    other = Resource.objects.exclude(pk=resource.pk).order_by("pk").first()
    own = set(
        AuditEntry.objects.filter(object_type="catalog.resource", object_id=str(resource.pk)).values_list(
            "id", flat=True
        )
    )
    html = client_for("maoming_specialist").get(resource.get_absolute_url()).content.decode()
    assert 'id="history"' in html and "历史记录" in html
    shown = {int(part.split('"')[0]) for part in html.split('id="entry-')[1:]}
    assert shown == own and own
    assert not shown & set(
        AuditEntry.objects.filter(object_type="catalog.resource", object_id=str(other.pk)).values_list(
            "id", flat=True
        )
    )
    assert "在审计日志中打开" not in html  # a specialist reads no audit log: no link to it
    assert "在审计日志中打开" in client_for("gd_auditor").get(resource.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_history_is_shown_to_those_who_may_view_the_object_only(rf, users):
    from django.template import Context, Template

    from cdohub.catalog.models import Resource

    resource = Resource.objects.filter(unit__code="440900-GA").order_by("pk").first()
    template = Template('{% include "auditlog/_history.html" with subject=resource %}')
    request = rf.get("/")
    for username, shown in (("maoming_staff", True), ("maonan_bureau", False)):
        request.user = users[username]
        html = template.render(Context({"request": request, "resource": resource}))
        assert ('id="history"' in html) is shown, username


@pytest.mark.django_db
def test_event_facts_are_told_in_words_not_codes():
    launched = services.describe(AuditEntry.objects.filter(action="census.launched"))
    told = {c.label: c.value for d in launched for c in d.changes}
    assert "发布日期" in told["必填项"] and "released_on" not in told["必填项"]
    assert "茂名市公安局" in str([c.value for d in launched for c in d.changes])
    vetoes = services.describe(AuditEntry.objects.filter(action="project.vetoed"))
    cited = [c.value for d in vetoes for c in d.changes if c.label == "引用的预审项"]
    assert cited and not [value for value in cited if value.isascii()]
    submitted = services.describe(AuditEntry.objects.filter(action="project.submitted"))
    states = {c.value for d in submitted for c in d.changes if c.label == "原状态"}
    assert "草稿" in states and not [state for state in states if state.isascii() and state != "—"]
