"""core.workflow: one call takes a declared step, on a filing of the demo (any model with `status`
and `version` would do) whose decisions are FilingDecision records."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.exceptions import APIException

from cdohub.appointments.models import Appointment, FilingDecision
from cdohub.core import audit
from cdohub.core.api import exception_handler
from cdohub.core.models import AuditEntry, Notification
from cdohub.core.services import Notice
from cdohub.core.workflow import Conflict, Step, Workflow, lock


def staff_only(actor, filing) -> None:
    if not actor.is_staff:
        raise PermissionDenied("staff only")


def tell_submitter(filing, actor, comment) -> list[Notice]:
    return [Notice([filing.submitted_by], f"filed: {comment}", email=True)]


# Registered for the whole session: labelled in Chinese, as pages read by other tests show them.
FILED = audit.event("test.filed", "已备案（测试）", "version", "comment", "due_on")
RETURNED = audit.event("test.returned", "已退回（测试）", "version", "comment")
FILING = Workflow(
    Step(
        "file",
        ("submitted",),
        "filed",
        FILED,
        guard=staff_only,
        not_by=("created_by", "submitted_by"),
        not_by_reason="never whoever prepared it",
        notify=tell_submitter,
    ),
    Step("return", ("submitted",), "returned", RETURNED, guard=staff_only, needs_comment=True),
    record=FilingDecision,
    describe=lambda filing: f"it is {filing.status} now",
)


@pytest.fixture
def filing(units):
    return Appointment.objects.get(unit=units["440604"], status="submitted")  # pending in the demo


@pytest.fixture
def decider(users):
    user = users["gd_bureau"]
    user.is_staff = True
    return user


def unchanged(filing) -> bool:
    fresh = Appointment.objects.get(pk=filing.pk)
    return (fresh.status, fresh.version, fresh.decisions.count()) == (
        filing.status,
        filing.version,
        filing.decisions.count(),
    )


def test_the_guard_says_who_may_take_a_step(filing, users, english):
    with pytest.raises(PermissionDenied, match="staff only"):
        FILING.take(filing, "file", users["maoming_staff"], filing.version)
    assert unchanged(filing)


def test_whoever_submitted_may_not_decide(filing, english):
    submitter = filing.submitted_by
    submitter.is_staff = True
    with pytest.raises(PermissionDenied, match="never whoever prepared it"):
        FILING.take(filing, "file", submitter, filing.version)
    assert unchanged(filing)


def test_a_step_that_needs_a_comment_refuses_a_blank_one(filing, decider, english):
    with pytest.raises(ValidationError, match="Give a reason"):
        FILING.take(filing, "return", decider, filing.version, "   ")
    assert unchanged(filing)


def test_a_stale_version_is_a_conflict_that_names_what_happened_and_maps_to_409(filing, decider, english):
    with pytest.raises(Conflict, match="Someone else acted first: it is submitted now") as refused:
        FILING.take(filing, "file", decider, filing.version - 1)
    assert unchanged(filing)
    response = exception_handler(refused.value, {})
    assert response.status_code == 409 and "acted first" in str(response.data["detail"])
    assert not isinstance(refused.value, APIException)  # services raise Django errors, the API maps them


def test_a_step_the_status_does_not_allow_is_refused(filing, decider, english):
    filed = FILING.take(filing, "file", decider, filing.version)
    with pytest.raises(ValidationError, match="status is Filed"):
        FILING.take(filed, "return", decider, filed.version, "too late")


def test_taking_a_step_writes_one_record_one_event_and_notifies_on_commit(
    filing, decider, django_capture_on_commit_callbacks
):
    seen, records, last_entry = (
        filing.version,
        FilingDecision.objects.count(),
        AuditEntry.objects.latest("pk").pk,
    )
    on = datetime.date(2026, 3, 1)
    with django_capture_on_commit_callbacks() as queued:
        filed = FILING.take(filing, "file", decider, seen, " ok ", changes={"decided_by": decider}, due_on=on)
        assert not Notification.objects.filter(recipient=filing.submitted_by, title="filed: ok").exists()
    assert (filed.status, filed.version, filed.decided_by) == ("filed", seen + 1, decider)
    assert Appointment.objects.get(pk=filing.pk).status == "filed"

    assert FilingDecision.objects.count() == records + 1
    record = FilingDecision.objects.latest("pk")
    assert (record.appointment, record.action, record.from_status, record.to_status) == (
        filed,
        "file",
        "submitted",
        "filed",
    )
    assert (record.version, record.actor, record.comment, record.facts) == (
        seen,
        decider,
        "ok",
        {"due_on": "2026-03-01"},
    )

    [event] = AuditEntry.objects.filter(kind="event", pk__gt=last_entry)
    assert (event.action, event.object_id) == ("test.filed", str(filing.pk))
    assert event.data == {"version": seen, "comment": "ok", "due_on": "2026-03-01"}

    assert len(queued) == 1
    queued[0]()
    assert Notification.objects.filter(recipient=filing.submitted_by, title="filed: ok").exists()
    assert filing.submitted_by.email and [m.subject for m in mail.outbox] == ["filed: ok"]


def test_changes_see_the_locked_row_and_may_still_refuse(filing, decider):
    def refuse(fresh, now):
        assert (fresh.status, fresh.version) == ("submitted", filing.version)
        raise ValidationError("not now")

    with pytest.raises(ValidationError, match="not now"):
        FILING.take(filing, "file", decider, filing.version, changes=refuse)
    assert unchanged(filing)


def test_lock_checks_the_version_seen_outside_a_step(filing, english):
    with pytest.raises(Conflict, match="changed this meanwhile"):
        lock(filing, filing.version + 1)
    with pytest.raises(Conflict, match="stale"):
        lock(filing, filing.version + 1, "stale")
    assert lock(filing, None).pk == lock(filing, filing.version).pk == filing.pk


def test_a_step_that_names_who_may_not_take_it_says_why():
    with pytest.raises(ValueError, match="but not why"):
        Step("file", ("submitted",), "filed", FILED, not_by=("submitted_by",))
