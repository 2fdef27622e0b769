"""The life of a tracked run: queued, claimed by one worker, reporting progress, cancelled, retried
after a delay, given up when its worker died, finished.

A run is a row of a `JobRun` model (see core.models); its work is a django-tasks task taking
`(run_id, language)`, named on the model by dotted path (`JobRun.task`) so an app's services
queue it through `enqueue_on_commit` without importing the app's jobs module, which imports them.

These helpers move the run between states; each app's services keep the permission checks, the
audit events and what a finished run stores.
"""

import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from .models import JobRun

logger = logging.getLogger(__name__)
Run = TypeVar("Run", bound="JobRun")


class RunStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Running")
    SUCCEEDED = "succeeded", gettext_lazy("Succeeded")
    FAILED = "failed", gettext_lazy("Failed")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


ACTIVE_RUN = (RunStatus.QUEUED, RunStatus.RUNNING)
FINISHED_RUN = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Cancelled(Exception):  # noqa: N818  (a signal, not an error)
    """Raised by a progress report once the run no longer runs (cancelled or given up)."""


# Starting and queueing ---------------------------------------------------------------------------


def start(runs: "models.Manager[Run]", busy: str, **fields: Any) -> Run:
    """Create a queued run in `runs` (a parent's related manager, e.g. `source.runs`; the caller
    holds a lock that serialises starts), refused with `busy` while another is queued or running;
    stale runs are given up first. Queue its job with `enqueue_on_commit`."""
    give_up_stale(runs)
    if runs.filter(status__in=ACTIVE_RUN).exists():
        raise ValidationError(busy, code="active")
    return runs.create(**fields)


def give_up_stale(runs: "models.Manager[Run]") -> int:
    """Fail the runs whose worker died: they never finish by themselves and would block the next."""
    model = runs.model
    given_up: int = runs.filter(
        status__in=model.stale_statuses, updated_at__lt=timezone.now() - model.stale_after()
    ).update(
        status=RunStatus.FAILED,
        finished_at=model.now(),
        error=_("The job stopped without finishing (was the worker restarted?)."),
    )
    return given_up


def enqueue_on_commit(run: "JobRun", run_after: datetime | None = None) -> None:
    """Queue the run's job once the transaction commits, in the language of whoever asked."""
    language = translation.get_language()
    transaction.on_commit(lambda: enqueue(type(run), run.pk, language, run_after))


def enqueue(
    model: "type[JobRun]", run_id: int, language: str | None = None, run_after: datetime | None = None
) -> None:
    """Queue the job of run `run_id` (not before `run_after`); a run that cannot be queued fails."""
    try:
        task = import_string(model.task)
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # picked up by `enqueue_due` once its time has come
            task = task.using(run_after=run_after)
        task.enqueue(run_id, language or settings.LANGUAGE_CODE)
    except Exception:
        logger.exception("Could not queue %s %s", model._meta.verbose_name, run_id)
        model._default_manager.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED, finished_at=model.now(), error=_("The job could not be queued.")
        )


def enqueue_due(model: "type[Run]") -> list[Run]:
    """Queue the runs waiting to retry whose delay has passed (for a backend that cannot defer)."""
    due = list(model._default_manager.filter(status=RunStatus.QUEUED, not_before__lte=timezone.now()))
    for run in due:
        enqueue(model, run.pk)
    return due


# Running ---------------------------------------------------------------------------------------


def claim(model: "type[JobRun]", run_id: int) -> bool:
    """Take the queued run for this worker; false if another took it or it was cancelled first."""
    return bool(
        model._default_manager.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=model.now(), updated_at=timezone.now(), not_before=None
        )
    )


class Progress:
    """Writes a run's progress at most twice a second, each write its own short transaction (the
    update is atomic), and raises `Cancelled` once the run no longer runs. Subclasses name `model`."""

    model: ClassVar["type[JobRun]"]
    interval = 0.5

    def __init__(self, run_id: int) -> None:
        self.runs = self.model._default_manager.filter(pk=run_id, status=RunStatus.RUNNING)
        self.done = self.total = 0
        self.written_at = 0.0

    def report(self, done: int, total: int) -> None:
        """`done` of `total` steps; the first and the last are always written."""
        if self._due(done, total):
            self._write(done, total)

    def step(self) -> None:
        """One more step (the total stays ahead); between writes, still look for a cancellation."""
        self.done += 1
        self.total = max(self.total, self.done + 1)
        if self._due(self.done, self.total):
            self._write(self.done, self.total)
        elif not self.runs.exists():
            raise Cancelled

    def _due(self, done: int, total: int) -> bool:
        return not 0 < done < total or time.monotonic() - self.written_at >= self.interval

    def _write(self, done: int, total: int) -> None:
        self.written_at = time.monotonic()
        done_field, total_field = self.model.progress_fields
        progress = {done_field: min(done, total), total_field: total}
        if not self.runs.update(**progress, updated_at=timezone.now()):
            raise Cancelled


# Stopping --------------------------------------------------------------------------------------


def cancel(run: Run, refused: str) -> Run:
    """Cancel the queued or running `run` (inside the caller's transaction); otherwise refuse with
    `refused`, which may name the run's `%(status)s`. Returns the run, fresh. A running job notices
    at its next progress report."""
    run = type(run)._default_manager.select_for_update().get(pk=run.pk)
    if run.status not in ACTIVE_RUN:
        raise ValidationError(refused % {"status": run.get_status_display()}, code="wrong_state")
    run.status, run.finished_at = RunStatus.CANCELLED, run.now()
    run.save()
    return run


def retry(run: Run, error: str, delay: float) -> Run:
    """Queue the running `run` again in `delay` seconds, the failed attempt logged (inside the
    caller's transaction; its job is queued on commit). Returns the run, fresh: queued again, or as
    it was if it no longer runs."""
    run = type(run)._default_manager.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.RUNNING:
        return run
    failed = {"attempt": run.attempt, "error": error, "at": run.now().isoformat()}
    run.attempts_log = [*run.attempts_log, failed]
    run.attempt += 1
    run.status, run.error = RunStatus.QUEUED, error
    run.not_before = timezone.now() + timedelta(seconds=delay)
    run.save()
    enqueue_on_commit(run, run_after=run.not_before if delay > 0 else None)
    return run
