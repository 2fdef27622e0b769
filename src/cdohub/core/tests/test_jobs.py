"""The tracked-run lifecycle of core.jobs, on a discovery run (any JobRun would do) whose task only
notes that it ran."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from cdohub.core import jobs
from cdohub.core.jobs import Cancelled, RunStatus
from cdohub.sources.models import DiscoveryRun
from cdohub.sources.tests.factories import make_source

ran = []


@task()
def note_run(run_id: int, language: str) -> None:
    ran.append(run_id)


class Progress(jobs.Progress):
    model = DiscoveryRun


@pytest.fixture
def source(units, users):
    return make_source(units["440900-GA"], users["admin"], name="生命周期库")


@pytest.fixture
def run(source, users, monkeypatch):
    monkeypatch.setattr(DiscoveryRun, "task", f"{__name__}.note_run")
    ran.clear()
    return jobs.start(source.runs, "busy", requested_by=users["admin"])


def test_one_run_at_a_time_and_one_worker_claims_it(run, source, users):
    assert run.status == RunStatus.QUEUED
    with pytest.raises(ValidationError, match="busy"):
        jobs.start(source.runs, "busy", requested_by=users["admin"])
    assert jobs.claim(DiscoveryRun, run.pk) is True
    assert jobs.claim(DiscoveryRun, run.pk) is False  # the second worker finds it taken
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.started_at is not None


def test_cancel_stops_the_job_at_its_next_report(run, english):
    jobs.claim(DiscoveryRun, run.pk)
    progress = Progress(run.pk)
    progress.report(1, 4)
    assert DiscoveryRun.objects.get(pk=run.pk).tables_done == 1
    cancelled = jobs.cancel(run, "cannot: %(status)s")
    assert cancelled.status == RunStatus.CANCELLED and cancelled.finished_at is not None
    with pytest.raises(Cancelled):
        progress.report(4, 4)
    with pytest.raises(ValidationError, match="cannot: Cancelled"):
        jobs.cancel(run, "cannot: %(status)s")
    assert jobs.claim(DiscoveryRun, run.pk) is False  # a cancelled run never starts


def test_a_retry_waits_until_its_not_before(run, django_capture_on_commit_callbacks):
    jobs.claim(DiscoveryRun, run.pk)
    with django_capture_on_commit_callbacks(execute=True):
        retried = jobs.retry(run, "refused", delay=600)
    assert (retried.status, retried.attempt, retried.error) == (RunStatus.QUEUED, 2, "refused")
    assert retried.attempts_log[0]["attempt"] == 1 and retried.not_before > timezone.now()
    assert ran == []  # the immediate backend cannot defer: the run waits for enqueue_due
    assert jobs.enqueue_due(DiscoveryRun) == []
    DiscoveryRun.objects.filter(pk=run.pk).update(not_before=timezone.now())
    assert jobs.enqueue_due(DiscoveryRun) == [retried] and ran == [run.pk]
    assert jobs.claim(DiscoveryRun, run.pk)
    cancelled = jobs.cancel(run, "")
    assert jobs.retry(cancelled, "late", delay=0).status == RunStatus.CANCELLED  # only a running run


def test_a_run_without_word_for_too_long_is_given_up(run, source, users, english):
    assert jobs.give_up_stale(source.runs) == 0
    DiscoveryRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - DiscoveryRun.stale_after() * 2)
    fresh = jobs.start(source.runs, "busy", requested_by=users["admin"])
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped without finishing" in run.error
    assert fresh.status == RunStatus.QUEUED


def test_a_run_whose_job_cannot_be_queued_fails(run, monkeypatch):
    monkeypatch.setattr(DiscoveryRun, "task", "cdohub.core.tests.test_jobs.no_such_task")
    jobs.enqueue(DiscoveryRun, run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error
