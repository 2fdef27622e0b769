"""Every change to IT projects, their review rounds and supervision findings.

A project goes draft → initiation review → (approved | returned | vetoed); a returned or vetoed
initiation may be revised and submitted as a new round; after an approved initiation the same holds
for acceptance. A decided round never changes again: a veto is final for that round, whoever asks.
"""

from dataclasses import replace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.accounts.models import User
from cdohub.catalog.choices import ShareType
from cdohub.catalog.models import Resource
from cdohub.core import audit, clock
from cdohub.core.calendar import add_working_days
from cdohub.core.files import validate_pdf
from cdohub.core.forms import field_label
from cdohub.core.permissions import require, restrict
from cdohub.core.services import Notice, notify_on_commit, service
from cdohub.core.workflow import Conflict, Step, Workflow, lock
from cdohub.org.models import Unit
from cdohub.projects import events

from . import checks
from .choices import (
    CheckResult,
    Decision,
    FindingAction,
    FindingStatus,
    ProjectStatus,
    Recommendation,
    ReviewStatus,
    Stage,
)
from .models import Check, Finding, FindingStep, Opinion, Output, Project, Review
from .policies import (
    REGISTRARS,
    body_cdos,
    bureau_above,
    bureau_admins,
    is_cdo_of,
    may_give_opinion,
    may_rerun_checks,
    may_verify,
    reviewing_body,
    same_level_bureau,
    supervising_grant,
)
from .rules import (
    ACCEPTANCE_FIELDS,
    ACCEPTANCE_PHASE,
    DEADLINE_DAYS,
    DETAILS,
    DOCUMENTS,
    EDITABLE,
    FINDING_DOCUMENTS,
    FINDING_FIELDS,
    LISTS,
    ORDER_TEXTS,
    PROJECT_FIELDS,
    REQUIRED_DOCUMENTS,
    SUBMITTABLE,
    clean_lines,
)

UNDER_REVIEW: dict[str, str] = {
    Stage.INITIATION: ProjectStatus.INITIATION_REVIEW,
    Stage.ACCEPTANCE: ProjectStatus.ACCEPTANCE_REVIEW,
}
OUTCOME = {
    (Stage.INITIATION, ReviewStatus.APPROVED): ProjectStatus.INITIATED,
    (Stage.INITIATION, ReviewStatus.RETURNED): ProjectStatus.INITIATION_RETURNED,
    (Stage.INITIATION, ReviewStatus.VETOED): ProjectStatus.INITIATION_VETOED,
    (Stage.ACCEPTANCE, ReviewStatus.APPROVED): ProjectStatus.ACCEPTED,
    (Stage.ACCEPTANCE, ReviewStatus.RETURNED): ProjectStatus.ACCEPTANCE_RETURNED,
    (Stage.ACCEPTANCE, ReviewStatus.VETOED): ProjectStatus.ACCEPTANCE_VETOED,
}


def registrars(unit: Unit):
    """Active accounts that prepare `unit`'s projects (roles granted on it or above it)."""
    paths = [unit.path[:i] for i in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    return User.objects.filter(
        is_active=True, role_assignments__role__in=REGISTRARS, role_assignments__unit__path__in=paths
    ).distinct()


# --- projects ---------------------------------------------------------------------------------


def _clean_outputs(outputs) -> list[dict]:
    cleaned = []
    for row in outputs or []:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        share = row.get("share_type") or ""
        if share and share not in ShareType.values:
            raise ValidationError({"outputs": _("%(s)s is not a sharing type.") % {"s": share}})
        cleaned.append({"name": name[:200], "share_type": share, "resource": row.get("resource")})
    names = [o["name"] for o in cleaned]
    if len(names) != len(set(names)):
        raise ValidationError({"outputs": _("Each data resource it produces is declared once.")})
    return cleaned


def _check_resources(actor, project: Project, outputs: list[dict], uses) -> None:
    for output in outputs:
        resource = output["resource"]
        if resource is not None and resource.unit_id != project.unit_id:
            raise ValidationError(
                {
                    "outputs": _("%(r)s is registered by another unit; link the project's own resource.")
                    % {"r": resource}
                }
            )
    visible = restrict(actor, "view", Resource.objects.all())
    for resource in list(uses or []) + [o["resource"] for o in outputs if o["resource"] is not None]:
        if not visible.filter(pk=resource.pk).exists():
            raise ValidationError({"uses": _("Resource %(id)s is not visible to you.") % {"id": resource.pk}})


def _check_pdf(field: str, upload) -> None:
    if upload and not getattr(upload, "_committed", False):
        try:
            validate_pdf(upload)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc


def _lock_project(project: Project, seen_version) -> Project:
    return lock(
        project, seen_version, _("Someone else changed this project meanwhile. Reload and try again.")
    )


def _apply(project: Project, fields: dict) -> None:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name in DOCUMENTS:
        _check_pdf(name, fields.get(name))
    for name in LISTS:
        if name in fields:
            fields[name] = clean_lines(fields[name], name)
    for name, value in fields.items():
        setattr(project, name, value)
    if not (project.name or "").strip():
        raise ValidationError({"name": _("Give the project's name.")})
    if project.budget is not None and project.budget < 0:
        raise ValidationError({"budget": _("The budget cannot be negative.")})
    _full_clean(project, exclude=["unit", "created_by", *DOCUMENTS])


def _full_clean(instance, exclude) -> None:
    """The model's own validation, its errors keyed by field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _store_outputs(project: Project, outputs: list[dict]) -> None:
    project.outputs.all().delete()
    Output.objects.bulk_create(
        Output(
            project=project, position=i, name=o["name"], share_type=o["share_type"], resource=o["resource"]
        )
        for i, o in enumerate(outputs)
    )


def outputs_of(project: Project) -> list[dict]:
    return [
        {"name": o.name, "share_type": o.share_type, "resource": o.resource_id}
        for o in project.outputs.order_by("position")
    ]


@service
def create_project(actor, *, unit: Unit, outputs=(), uses=(), **fields) -> Project:
    project = Project(unit=unit, created_by=actor)
    require(actor, "change", project)
    outputs = _clean_outputs(outputs)
    _apply(project, fields)
    _check_resources(actor, project, outputs, uses)
    project.save()
    _store_outputs(project, outputs)
    project.uses.set(uses or [])
    audit.record_event(
        events.PROJECT_CREATED, project, outputs=outputs_of(project), uses=[r.pk for r in uses or []]
    )
    return project


def _require_editable(project: Project) -> None:
    if project.status not in EDITABLE:
        raise ValidationError(
            _("A project cannot be changed while it is %(status)s.")
            % {"status": project.get_status_display()},
            code="locked",
        )


def _keep_what_initiation_approved(project: Project, fields: dict, outputs: list[dict] | None) -> None:
    """After an approved initiation, acceptance may only add its report and link the declared outputs."""
    touched = {k for k, v in fields.items() if getattr(project, k) != v}
    if touched - set(ACCEPTANCE_FIELDS):
        raise ValidationError(
            _("After an approved initiation only the acceptance report and the catalog links may change.")
        )
    declared = [(o["name"], o["share_type"]) for o in outputs_of(project)]
    if outputs is not None and [(o["name"], o["share_type"]) for o in outputs] != declared:
        raise ValidationError(
            {
                "outputs": _(
                    "The data resources and their sharing were approved at initiation; link them only."
                )
            }
        )


def _replace_outputs(project: Project, outputs: list[dict]) -> None:
    before = outputs_of(project)
    _store_outputs(project, outputs)
    if before != outputs_of(project):
        audit.record_event(events.PROJECT_OUTPUTS_CHANGED, project, before=before, after=outputs_of(project))


def _replace_uses(project: Project, uses) -> None:
    before = sorted(project.uses.values_list("pk", flat=True))
    project.uses.set(uses)
    after = sorted(r.pk for r in uses)
    if before != after:
        audit.record_event(events.PROJECT_USES_CHANGED, project, before=before, after=after)


@service
def update_project(
    actor, project: Project, *, seen_version=None, outputs=None, uses=None, **fields
) -> Project:
    require(actor, "change", project)
    project = _lock_project(project, seen_version)
    _require_editable(project)
    cleaned = None if outputs is None else _clean_outputs(outputs)
    if project.status in ACCEPTANCE_PHASE:
        _keep_what_initiation_approved(project, fields, cleaned)
    _apply(project, fields)
    _check_resources(actor, project, cleaned or [], uses)
    project.version += 1
    project.save()
    if cleaned is not None:
        _replace_outputs(project, cleaned)
    if uses is not None:
        _replace_uses(project, uses)
    return project


def snapshot(project: Project) -> dict:
    return {
        **{name: getattr(project, name) for name in DETAILS},
        "budget": str(project.budget),
        "documents": {name: getattr(project, name).name for name in DOCUMENTS if getattr(project, name)},
        "outputs": outputs_of(project),
        "uses": sorted(project.uses.values_list("pk", flat=True)),
        "version": project.version,
    }


def _store_checks(review: Review, actor) -> list[Check]:
    now = clock.now()
    review.checks.all().delete()
    rows = [
        Check(
            review=review,
            position=i,
            code=definition.code,
            title=str(definition.title)[:200],
            result=outcome.result,
            summary=outcome.summary,
            evidence=audit.jsonable(outcome.evidence),
            computed_at=now,
        )
        for i, (definition, outcome) in enumerate(checks.run(review.project, review.stage, actor))
    ]
    return Check.objects.bulk_create(rows)


def _require_submittable(project: Project, stage: str) -> None:
    """The project's state allows the `stage` review and the documents it needs are there."""
    if project.status not in SUBMITTABLE[stage]:
        if stage == Stage.ACCEPTANCE and project.status in SUBMITTABLE[Stage.INITIATION]:
            raise ValidationError(
                _("Acceptance can be reviewed only after the initiation was approved."), code="not_initiated"
            )
        raise ValidationError(
            _("The project cannot be submitted for %(stage)s while it is %(status)s.")
            % {"stage": Stage(stage).label, "status": project.get_status_display()},
            code="wrong_state",
        )
    missing = [field_label(Project, n) for n in REQUIRED_DOCUMENTS[stage] if not getattr(project, n)]
    if missing:
        raise ValidationError(_("Before submitting, add: %(fields)s.") % {"fields": _(", ").join(missing)})


def _deciders(body: Unit) -> list[User]:
    """The CDO accounts of the reviewing body; a round nobody could decide is refused."""
    deciders = list(body_cdos(body))
    if not deciders:
        raise ValidationError(
            _(
                "No account holds the chief data officer role of %(body)s, who decides this review; ask the "
                "administrator to grant it first."
            )
            % {"body": body}
        )
    return deciders


def _new_round(actor, project: Project, stage: str, body: Unit) -> Review:
    try:
        with transaction.atomic():
            return Review.objects.create(
                project=project,
                stage=stage,
                round=project.reviews.filter(stage=stage).count() + 1,
                reviewing_body=body,
                snapshot=audit.jsonable(snapshot(project)),
                submitted_by=actor,
                submitted_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(
            _("This project was submitted meanwhile. Reload to see the current state."), code="conflict"
        ) from None


def _failed(results: list[Check]) -> list[str]:
    return [c.code for c in results if c.result == CheckResult.FAILED]


@service
def submit(actor, project: Project, stage: str, seen_version=None) -> Review:
    """Put the project to its CDO for the `stage` review, as a new round; runs the pre-checks."""
    require(actor, "submit", project)
    if stage not in Stage.values:
        raise ValidationError(_("Unknown review stage."))
    project = _lock_project(project, seen_version)
    _require_submittable(project, stage)
    body = reviewing_body(project.unit)
    deciders = _deciders(body)
    review = _new_round(actor, project, stage, body)
    results = _store_checks(review, actor)
    previous = project.status
    project.status = UNDER_REVIEW[stage]
    project.version += 1
    project.save()
    audit.record_event(
        events.PROJECT_SUBMITTED,
        review,
        project=project.pk,
        stage=stage,
        round=review.round,
        reviewing_body=body.pk,
        project_version=project.version - 1,
        from_status=previous,
        failed_checks=_failed(results),
    )
    _announce_submission(review, deciders)
    return review


def _announce_submission(review: Review, deciders) -> None:
    """The deciding CDO and the same-level bureau (invited to the joint review) hear of a new round."""
    project = review.project
    notify_on_commit(
        deciders,
        _("Project to review: %(what)s (%(stage)s, round %(n)d)")
        % {"what": project, "stage": review.get_stage_display(), "n": review.round},
        url=review.get_absolute_url(),
    )
    notify_on_commit(
        bureau_admins(same_level_bureau(project.unit)),
        _("Joint review invited: %(what)s") % {"what": project},
        url=review.get_absolute_url(),
    )


def last_decision_text(review: Review) -> str:
    who = review.decided_by
    if who is None:
        return review.get_status_display()
    return _("%(status)s by %(who)s at %(at)s") % {
        "status": review.get_status_display(),
        "who": who.display_name or who.username,
        "at": date_format(timezone.localtime(review.decided_at), "Y-m-d H:i"),
    }


def _decider(actor, review: Review) -> None:
    require(actor, "view", review)
    if not is_cdo_of(actor, review.reviewing_body):
        raise PermissionDenied(
            _("Only the chief data officer of %(body)s decides this review.")
            % {"body": review.reviewing_body}
        )


def _announce_decision(review: Review, actor, reasons: str) -> list[Notice]:
    """The unit's registrars and the submitter hear the outcome (not the one who decided)."""
    project = review.project
    recipients = set(registrars(project.unit)) | {review.submitted_by}
    recipients.discard(actor)
    title = _("%(stage)s of %(what)s: %(decision)s") % {
        "stage": review.get_stage_display(),
        "what": project,
        "decision": review.get_status_display(),
    }
    return [Notice(recipients, title, reasons, review.get_absolute_url())]


APPROVE = Step(
    "approve",
    (ReviewStatus.SUBMITTED,),
    ReviewStatus.APPROVED,
    events.PROJECT_APPROVED,
    guard=_decider,
    not_by=("submitted_by", "project__created_by"),
    not_by_reason=gettext_lazy("You prepared or submitted this project; its chief data officer must decide."),
    notify=_announce_decision,
)
# A round records its decision itself (decided_by, decided_at, decided_version), final once taken.
REVIEW = Workflow(
    APPROVE,
    replace(
        APPROVE,
        name="return",
        target=ReviewStatus.RETURNED,
        event=events.PROJECT_RETURNED,
        needs_comment=True,
    ),
    replace(
        APPROVE, name="veto", target=ReviewStatus.VETOED, event=events.PROJECT_VETOED, needs_comment=True
    ),
    describe=last_decision_text,
    comment_field="reasons",
    comment_required=gettext_lazy("Give the reasons for this decision."),
    wrong_state=gettext_lazy(
        "This review round was decided (%(what)s) and is final; a new round must be submitted."
    ),
)


def _open_review(actor, review: Review, seen_version) -> Review:
    """Lock the round; refuse a stale version (409) and a decided round."""
    require(actor, "view", review)
    fresh = REVIEW.lock(review, seen_version)
    if fresh.status != ReviewStatus.SUBMITTED:
        raise REVIEW.refuse_state(fresh)
    return fresh


@service
def rerun_checks(actor, review: Review, seen_version=None) -> Review:
    """Compute the pre-checks again on today's data, while the round is open (the CDO or the unit)."""
    require(actor, "view", review)
    if not may_rerun_checks(actor, review):
        raise PermissionDenied(_("Only the unit or its chief data officer may run the checks again."))
    fresh = _open_review(actor, review, seen_version)
    results = _store_checks(fresh, actor)
    fresh.version += 1
    fresh.save()
    audit.record_event(
        events.PROJECT_CHECKS_RERUN,
        fresh,
        failed_checks=_failed(results),
    )
    return fresh


@service
def add_opinion(actor, review: Review, text: str, recommendation: str = "", seen_version=None) -> Opinion:
    """The same-level data bureau's joint-review opinion, before the decision."""
    require(actor, "view", review)
    if not may_give_opinion(actor, review):
        raise PermissionDenied(_("Only the data bureau of the same level gives a joint-review opinion."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the opinion.")})
    if recommendation and recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": _("Unknown recommendation.")})
    fresh = _open_review(actor, review, seen_version)
    bureau = same_level_bureau(fresh.project.unit)
    assert bureau is not None  # may_give_opinion found it
    opinion = Opinion.objects.create(
        review=fresh,
        bureau=bureau,
        author=actor,
        at=clock.now(),
        recommendation=recommendation,
        text=text.strip(),
    )
    fresh.version += 1  # the CDO decides on what they saw, opinions included
    fresh.save()
    audit.record_event(events.PROJECT_OPINION_ADDED, fresh, opinion=opinion.pk, recommendation=recommendation)
    notify_on_commit(
        body_cdos(fresh.reviewing_body),
        _("Joint-review opinion on %(what)s") % {"what": fresh.project},
        url=fresh.get_absolute_url(),
    )
    return opinion


def _citable(review: Review, decision: str, cited) -> list[str]:
    """The checks a decision cites, each once: only failed checks of the round, only to return or veto."""
    cited = list(dict.fromkeys(cited or []))
    if not cited:
        return cited
    if decision == Decision.APPROVE:
        raise ValidationError({"cited_checks": _("Failed checks are cited only to return or veto.")})
    failed = checks.failed_codes(review)
    wrong = [c for c in cited if c not in failed]
    if wrong:
        raise ValidationError(
            {
                "cited_checks": _("Only failed checks of this round can be cited; not: %(c)s.")
                % {"c": ", ".join(wrong)}
            }
        )
    return cited


@service
def decide(actor, review: Review, decision: str, seen_version=None, reasons: str = "", cited=()) -> Review:
    """The CDO's decision: approve, return for revision (reasons) or veto (reasons, may cite failed
    pre-checks). Final for the round."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    cited = _citable(review, decision, cited)
    reasons = (reasons or "").strip()

    def stamp(fresh: Review, now) -> dict:
        return {
            "decision": decision,
            "decided_by": actor,
            "decided_at": now,
            "decided_version": fresh.version,
            "reasons": reasons,
            "cited_checks": cited,
        }

    fresh = REVIEW.take(
        review,
        decision,
        actor,
        seen_version,
        reasons,
        changes=stamp,
        project=review.project_id,
        stage=review.stage,
        round=review.round,
        cited_checks=cited,
        reviewing_body=review.reviewing_body_id,
    )
    project = Project.objects.select_for_update().get(pk=fresh.project_id)
    project.status = OUTCOME[(fresh.stage, fresh.status)]
    project.version += 1
    project.save()
    return fresh


# --- supervision findings ---------------------------------------------------------------------


def _finding_step(finding, action, before, actor, comment="", version=None) -> None:
    FindingStep.objects.create(
        finding=finding,
        action=action,
        from_status=before,
        to_status=finding.status,
        version=finding.version - 1 if version is None else version,
        actor=actor,
        at=clock.now(),
        comment=comment,
    )


def _issuing(actor, unit: Unit, fields: dict) -> Finding:
    """The finding `actor` would record on `unit`, issued by the actor's nearest supervising grant."""
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    finding = Finding(unit=unit, opened_by=actor)
    require(actor, "open", finding)
    grant = supervising_grant(actor, unit)
    if grant is None:
        raise PermissionDenied(
            _("Only a chief data officer or a data bureau over %(unit)s records findings there.")
            % {"unit": unit}
        )
    finding.issuer_role, finding.issuer = grant
    project = fields.get("project")
    if project is not None and project.unit_id != unit.pk:
        raise ValidationError({"project": _("The project belongs to another unit.")})
    _check_pdf("evidence_file", fields.get("evidence_file"))
    for name, value in fields.items():
        setattr(finding, name, value)
    return finding


def _validate_order(finding: Finding) -> None:
    for name in ORDER_TEXTS:
        if not (getattr(finding, name) or "").strip():
            raise ValidationError({name: _("This field is required.")})
    days = finding.deadline_days
    if not isinstance(days, int) or days not in DEADLINE_DAYS:
        raise ValidationError({"deadline_days": _("Give a deadline of 1 to 120 working days.")})


def _announce_order(finding: Finding) -> None:
    audit.record_event(
        events.FINDING_OPENED,
        finding,
        category=finding.category,
        severity=finding.severity,
        order=finding.order_kind,
        due_on=finding.due_on,
        issuer=finding.issuer_id,
        project=finding.project_id,
    )
    notify_on_commit(
        registrars(finding.unit),
        _("%(order)s: %(title)s — answer by %(due)s")
        % {
            "order": finding.get_order_kind_display(),
            "title": finding.title,
            "due": date_format(finding.due_on),
        },
        body=finding.order_text,
        url=finding.get_absolute_url(),
    )


@service
def open_finding(actor, *, unit: Unit, **fields) -> Finding:
    """A CDO or a bureau records a violation or risk in its scope and issues its order."""
    finding = _issuing(actor, unit, fields)
    _validate_order(finding)
    finding.opened_at = clock.now()
    finding.due_on = add_working_days(timezone.localdate(finding.opened_at), finding.deadline_days)
    _full_clean(finding, exclude=[*FINDING_DOCUMENTS, "due_on", "opened_by", "issuer", "unit", "project"])
    finding.save()
    _finding_step(finding, FindingAction.OPEN, "", actor, finding.order_text, version=1)
    _announce_order(finding)
    return finding


def _verifier(actor, finding: Finding) -> None:
    require(actor, "view", finding)
    if not may_verify(actor, finding):
        raise PermissionDenied(
            _("Only %(body)s, which issued the order, verifies it.") % {"body": finding.issuer}
        )


def _tell_issuer(finding: Finding, actor, answer: str) -> list[Notice]:
    title = _("Rectification reported: %(title)s") % {"title": finding.title}
    return [Notice([finding.opened_by], title, url=finding.get_absolute_url())]


def _tell_closed(finding: Finding, actor, comment: str) -> list[Notice]:
    title = _("Finding closed: %(title)s") % {"title": finding.title}
    return [Notice(registrars(finding.unit), title, url=finding.get_absolute_url())]


def _tell_rejected(finding: Finding, actor, reason: str) -> list[Notice]:
    title = _("Rectification not accepted: %(title)s") % {"title": finding.title}
    return [Notice(registrars(finding.unit), title, reason, finding.get_absolute_url())]


CLOSE = Step(
    "close",
    (FindingStatus.ANSWERED,),
    FindingStatus.CLOSED,
    events.FINDING_CLOSED,
    guard=_verifier,
    not_by=("answered_by",),
    not_by_reason=gettext_lazy("You reported this rectification; the issuer verifies it."),
    notify=_tell_closed,
)
FINDING = Workflow(
    Step(
        "answer",
        (FindingStatus.OPEN,),
        FindingStatus.ANSWERED,
        events.FINDING_ANSWERED,
        guard="answer",
        not_by=("opened_by",),
        not_by_reason=gettext_lazy("You recorded this finding; the unit concerned answers it."),
        needs_comment=True,
        notify=_tell_issuer,
    ),
    CLOSE,
    replace(
        CLOSE,
        name="reject",
        target=FindingStatus.OPEN,
        event=events.FINDING_ANSWER_REJECTED,
        needs_comment=True,
        notify=_tell_rejected,
    ),
    record=FindingStep,
    describe=lambda finding: finding.get_status_display(),
)


@service
def answer_finding(actor, finding: Finding, answer: str, answer_file=None, seen_version=None) -> Finding:
    """The unit reports its rectification, with evidence."""
    _check_pdf("answer_file", answer_file)
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Describe the rectification.")})

    def stamp(fresh: Finding, now) -> dict:
        changes = {"answer": answer.strip(), "answered_by": actor, "answered_at": now}
        return {**changes, "answer_file": answer_file} if answer_file else changes

    return FINDING.take(finding, "answer", actor, seen_version, answer, changes=stamp)


@service
def close_finding(actor, finding: Finding, comment: str = "", seen_version=None) -> Finding:
    """The issuer verifies the rectification and closes the finding."""

    def stamp(fresh: Finding, now) -> dict:
        return {"closed_by": actor, "closed_at": now}

    return FINDING.take(finding, "close", actor, seen_version, comment, changes=stamp)


@service
def reject_answer(actor, finding: Finding, reason: str, seen_version=None) -> Finding:
    """The rectification is not enough: the order stands, with the same deadline."""
    return FINDING.take(finding, "reject", actor, seen_version, reason)


def escalate_overdue(today=None) -> int:
    """Escalate each open order past its deadline, once, to the data bureau of the level above.

    Run by the `escalate_findings` command, which `cdohub periodic` schedules; writes its audit
    events with the source the caller set. The bureau hears of it in the app and by email.
    """
    today = today or clock.today()
    with translation.override(settings.LANGUAGE_CODE):  # a job has no request to take a language from
        return _escalate(today)


def _escalate(today) -> int:
    due = Finding.objects.filter(status=FindingStatus.OPEN, due_on__lt=today, escalated_at__isnull=True)
    return sum(_escalate_one(pk) for pk in due.values_list("pk", flat=True))


def _escalate_one(pk) -> bool:
    """Escalate one overdue order in its own transaction; False when it moved on meanwhile or there is
    no bureau above."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("issuer", "unit").get(pk=pk)
        if finding.status != FindingStatus.OPEN or finding.escalated_at is not None:
            return False
        target = bureau_above(finding.issuer)
        if target is None:
            return False
        finding.escalated_to, finding.escalated_at = target, clock.now()
        finding.version += 1
        finding.save()
        _finding_step(finding, FindingAction.ESCALATE, finding.status, None, str(target))
        audit.record_event(events.FINDING_ESCALATED, finding, to=target.pk, due_on=finding.due_on)
        recipients = list(bureau_admins(target))
        title = _("Overdue order escalated: %(title)s (%(unit)s, due %(due)s)") % {
            "title": finding.title,
            "unit": finding.unit,
            "due": date_format(finding.due_on),
        }
        notify_on_commit(recipients, title, finding.order_text, finding.get_absolute_url(), email=True)
        return True


def check_title(code: str) -> str:
    """A pre-check's name, for other apps' pages (the audit log names the checks a decision cited)."""
    return checks.title_of(code)
