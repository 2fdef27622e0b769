"""What quality checks leave waiting for a person: their units' issues to answer by the
rectification deadline, and issues escalated to them as chief data officer (see core.workbench)."""

from django.utils.translation import gettext_lazy

from cdohub.core.permissions import restrict
from cdohub.core.workbench import Answer, Kind, answer, contribute, granted_on, holds_any, item
from cdohub.org.choices import REGISTRARS

from .choices import OPEN_ISSUE, IssueStatus
from .models import Issue
from .policies import DECIDERS


def _issue(issue: Issue) -> object:
    return item(
        issue, issue.heading, state=issue.get_status_display(), deadline=issue.due_on, detail=issue.unit.name
    )


@contribute(
    "quality.issues_assigned",
    gettext_lazy("Quality issues my unit must answer"),
    Kind.ASSIGNED,
    empty=gettext_lazy("No open quality issue in a unit you keep the data of: the last checks passed."),
    url="quality:issue_list",
)
def issues_assigned(user, limit: int) -> Answer:
    """Open issues (not yet answered) of the units whose data the user keeps, by rectification date."""
    if not holds_any(user, REGISTRARS):
        return Answer(0)
    owed = restrict(user, "answer", Issue.objects.filter(status=IssueStatus.OPEN))
    return answer(owed.select_related("unit", "resource", "rule").order_by("due_on", "pk"), limit, _issue)


@contribute(
    "quality.issues_escalated",
    gettext_lazy("Overdue quality issues escalated to me"),
    Kind.DECISION,
    empty=gettext_lazy("No overdue quality issue has been escalated to you as chief data officer."),
    url="quality:issue_list",
)
def issues_escalated(user, limit: int) -> Answer:
    """Issues past their deadline that were escalated to a body whose CDO the user is; the answer
    a unit gives is told to them, and they follow it to rectification."""
    paths = granted_on(user, DECIDERS)
    if not paths:
        return Answer(0)
    escalated = Issue.objects.filter(status__in=OPEN_ISSUE, escalated_to__path__in=paths)
    return answer(
        escalated.select_related("unit", "resource", "rule").order_by("due_on", "pk"), limit, _issue
    )
