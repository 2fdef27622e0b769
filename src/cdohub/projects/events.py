"""The projects app's audit events: IT projects, their reviews with the CDO's veto, and findings."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

DECISION = ("project", "stage", "round", "version", "reasons", "cited_checks", "reviewing_body")

PROJECT_CREATED = event("project.created", _("IT project registered"), "outputs", "uses")
PROJECT_OUTPUTS_CHANGED = event(
    "project.outputs_changed", _("Project's produced resources changed"), "before", "after"
)
PROJECT_USES_CHANGED = event("project.uses_changed", _("Project's used resources changed"), "before", "after")
PROJECT_SUBMITTED = event(
    "project.submitted",
    _("IT project submitted for review"),
    "project",
    "stage",
    "round",
    "reviewing_body",
    "project_version",
    "from_status",
    "failed_checks",
)
PROJECT_CHECKS_RERUN = event("project.checks_rerun", _("Project pre-checks run again"), "failed_checks")
PROJECT_OPINION_ADDED = event("project.opinion_added", _("Review opinion added"), "opinion", "recommendation")
PROJECT_APPROVED = event("project.approved", _("IT project approved"), *DECISION)
PROJECT_RETURNED = event("project.returned", _("IT project returned"), *DECISION)
PROJECT_VETOED = event("project.vetoed", _("IT project vetoed by the CDO"), *DECISION)
FINDING_OPENED = event(
    "finding.opened",
    _("Supervision finding opened"),
    "category",
    "severity",
    "order",
    "due_on",
    "issuer",
    "project",
)
FINDING_ANSWERED = event("finding.answered", _("Supervision finding answered"), "version", "comment")
FINDING_CLOSED = event("finding.closed", _("Supervision finding closed"), "version", "comment")
FINDING_ANSWER_REJECTED = event(
    "finding.answer_rejected", _("Answer to a supervision finding rejected"), "version", "comment"
)
FINDING_ESCALATED = event("finding.escalated", _("Supervision finding escalated"), "to", "due_on")
