"""Notifications: read and unread, mark one or all, opening marks read, settled by a later decision,
the unread count in one query, and the daily e-mail digest."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cdohub.core import clock, digest, notifications
from cdohub.core.models import AuditEntry, Notification, NotificationPreference
from cdohub.core.services import notify_on_commit, settle_notices

pytestmark = pytest.mark.django_db


def notice(user, title="Filing to review", url="/cdo/1/", **fields):
    return Notification.objects.create(recipient=user, title=title, url=url, **fields)


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client_for, users):
    n = notice(users["maoming_bureau"])
    before = notifications.unread_count(users["maoming_bureau"])
    response = client_for("maoming_bureau").get(reverse("core:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/cdo/1/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert notifications.unread_count(users["maoming_bureau"]) == before - 1


def test_a_notification_pointing_off_site_is_not_followed(client_for, users):
    n = notice(users["maoming_bureau"], url="https://evil.example/")
    response = client_for("maoming_bureau").get(reverse("core:notification_open", args=[n.pk]))
    assert response["Location"] == reverse("core:notifications")


def test_someone_elses_notification_is_not_found(client_for, users):
    n = notice(users["maoming_bureau"])
    client = client_for("maonan_bureau")
    assert client.get(reverse("core:notification_open", args=[n.pk])).status_code == 404
    assert client.post(reverse("core:notification_read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_one_and_mark_all_read(client_for, users):
    user = users["maoming_cdo"]
    first, second, third = (notice(user, f"n{i}") for i in range(3))
    client = client_for("maoming_cdo")
    assert client.get(reverse("core:notification_read", args=[first.pk])).status_code == 405  # POST only
    client.post(reverse("core:notification_read", args=[first.pk]))
    assert not Notification.objects.get(pk=first.pk).is_unread
    assert Notification.objects.get(pk=second.pk).is_unread
    page = client.get(reverse("core:notifications") + "?show=unread").content.decode()
    assert "n1" in page and "n0" not in page
    client.post(reverse("core:notifications_read_all"))
    assert notifications.unread_count(user) == 0
    assert "n2" not in client.get(reverse("core:notifications") + "?show=unread").content.decode()


def test_the_unread_count_is_one_query_and_leaves_settled_notices_out(users):
    user = users["maoming_cdo"]
    Notification.objects.filter(recipient=user).update(read_at=clock.now())
    notice(user)
    notice(user, settled_at=clock.now(), settled_by="Filed")
    with CaptureQueriesContext(connection) as ctx:
        assert notifications.unread_count(user) == 1
    assert len(ctx.captured_queries) == 1


def test_a_decision_settles_the_earlier_notices_about_its_subject(
    users, units, django_capture_on_commit_callbacks
):
    """A notice names its subject; the next step taken on it marks the older ones settled."""
    subject = units["440900-GA"]
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit([users["maoming_bureau"]], "To review", url="/x/", subject=subject)
    older = Notification.objects.get(recipient=users["maoming_bureau"], title="To review")
    assert older.subject_id == str(subject.pk) and older.is_unread
    with transaction.atomic():
        assert settle_notices(subject, "Filed by 茂名市数据局管理员") == 1
    older.refresh_from_db()
    assert older.settled_at is not None and not older.is_unread and "Filed" in older.settled_by


def test_the_workflow_settles_review_notices_once_a_filing_is_decided(
    users, django_capture_on_commit_callbacks
):
    """The real filing workflow: submitting tells the filing body; filing it settles that notice."""
    from cdohub.appointments import services
    from cdohub.appointments.choices import FilingStatus
    from cdohub.appointments.models import Appointment, ImplementationPlan
    from cdohub.appointments.services import FILING

    decider = users["gd_bureau"]
    filing = next(
        f
        for model in (Appointment, ImplementationPlan)
        for f in model.objects.filter(status=FilingStatus.SUBMITTED)
        if FILING[model].allows(f, "file", decider)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit([decider], "Filing to review", url=filing.get_absolute_url(), subject=filing)
    about = Notification.objects.unread().filter(
        recipient=decider, subject_type="appointments." + filing._meta.model_name, subject_id=str(filing.pk)
    )
    open_about = about.count()  # the demo's own "to review" notice about it, and this one
    assert open_about >= 1
    before = notifications.unread_count(decider)
    with django_capture_on_commit_callbacks(execute=True):
        services.file(decider, filing, filing.version)
    assert notifications.unread_count(decider) == before - open_about and not about.exists()
    settled = Notification.objects.get(recipient=decider, title="Filing to review")
    assert settled.settled_at is not None and decider.display_name in settled.settled_by


def test_the_digest_preference_is_set_on_the_profile_page_and_audited(client_for, users):
    client = client_for("maoming_cdo")
    assert 'id="id_email_digest"' in client.get(reverse("accounts:profile")).content.decode()
    before = AuditEntry.objects.count()
    client.post(reverse("core:notification_digest"), {"email_digest": "on"})
    assert NotificationPreference.objects.get(user=users["maoming_cdo"]).email_digest
    assert AuditEntry.objects.count() > before
    client.post(reverse("core:notification_digest"), {})
    assert not notifications.wants_digest(users["maoming_cdo"])


def test_the_daily_digest_mails_unread_notices_once_a_day(users, django_capture_on_commit_callbacks):
    cdo, staff = users["maoming_cdo"], users["maoming_staff"]
    notifications.set_digest(cdo, True)
    Notification.objects.filter(recipient=cdo).update(read_at=clock.now())
    notice(cdo, "逾期：茂名市公安局的质量问题")
    notice(cdo, "Already read", read_at=clock.now())
    notice(staff, "Not subscribed")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_digests() == 1
    (sent,) = mail.outbox
    assert (
        sent.to == [cdo.email]
        and "逾期：茂名市公安局的质量问题" in sent.body
        and "Already read" not in sent.body
    )
    assert AuditEntry.objects.filter(action="core.digest_sent").latest("pk").data["recipient"] == cdo.pk
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_digests() == 0  # once a day
    notice(cdo, "Tomorrow's")
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_digests(clock.now() + timedelta(days=1)) == 1
    assert "Tomorrow's" in mail.outbox[-1].body and "逾期" not in mail.outbox[-1].body  # each notice once


def test_the_digest_runs_on_the_background_schedule():
    from django.conf import settings

    assert ["digest"] in [command for _seconds, command in settings.CDOHUB["PERIODIC"]]
