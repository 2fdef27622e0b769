"""The quality app's audit events: bindings, rules, checks and rectification issues."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

RULE = ("resource", "kind", "columns", "params", "weight", "severity", "enabled", "origin", "element")
RUN = ("resource", "status", "error", "score", "rows", "rules_failed", "rule_errors", "attempt")

BOUND = event(
    "quality.bound", _("Resource bound to its table"), "resource", "source", "table", "sample", "schedule"
)
UNBOUND = event("quality.unbound", _("Resource unbound from its table"), "resource")
RULE_SAVED = event("quality.rule_saved", _("Quality rule saved"), *RULE)
RULE_DELETED = event("quality.rule_deleted", _("Quality rule deleted"), "resource", "kind")
RUN_REQUESTED = event("quality.run_requested", _("Quality check requested"), "resource", "trigger")
RUN_CANCELLED = event("quality.run_cancelled", _("Quality check cancelled"), "resource")
RUN_RETRIED = event("quality.run_retried", _("Quality check retried"), "attempt", "error")
RUN_FINISHED = event("quality.run_finished", _("Quality check finished"), *RUN)
ISSUE_OPENED = event(
    "quality.issue_opened", _("Quality issue opened"), "resource", "rule", "run", "failed", "due_on"
)
ISSUE_ANSWERED = event("quality.issue_answered", _("Quality issue answered"), "version", "answer")
ISSUE_CLOSED = event("quality.issue_closed", _("Quality issue closed"), "rule", "run", "reason")
ISSUE_ESCALATED = event("quality.issue_escalated", _("Quality issue escalated"), "to", "due_on")
