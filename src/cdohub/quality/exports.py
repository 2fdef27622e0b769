"""Quality in Excel: a check's failing rows with the reason of each, and the list of issues.
Written through core.excel (formula cells neutralised) and bounded."""

from django.utils.translation import gettext as _

from cdohub.core.excel import export_rows

from .models import Run
from .reasons import explain

MAX_ISSUES = 10_000  # an export of more would be read as a database, not a list


def item_names(resource) -> dict[str, str]:
    """column name (lower case) → the name the catalog gives its information item."""
    return {
        c.lower(): n for c, n in resource.items.exclude(column_name="").values_list("column_name", "name")
    }


def explained_rows(result, names: dict[str, str]) -> list[tuple[str, list]]:
    """(reason, values in the result's sample columns) of each stored failing row."""
    columns = result.sample_columns
    return [(explain(result, row, names), [row.get(c) for c in columns]) for row in result.samples]


def headers(result, names: dict[str, str]) -> list[str]:
    """The result's sample columns as the catalog names their items (the column name otherwise)."""
    return [names.get(c.lower(), c) for c in result.sample_columns]


def failing_rows(run: Run, results) -> bytes:
    """One row per stored failing row of every rule: the rule, its severity, the reason, the values."""
    names = item_names(run.resource)
    columns: list[str] = []
    for result in results:
        columns += [c for c in result.sample_columns if c not in columns]
    headers = [_("Rule"), _("Severity"), _("Reason")] + [names.get(c.lower(), c) for c in columns]
    body = []
    for result in results:
        for row in result.samples:
            body.append(
                [result.heading, result.get_severity_display(), explain(result, row, names)]
                + [row.get(c) for c in columns]
            )
    return export_rows(_("Failing rows"), headers, body)


def issues(queryset, today) -> bytes:
    headers = [
        _("Issue"),
        _("Resource"),
        _("Unit"),
        _("Severity"),
        _("Failing rows"),
        _("Opened"),
        _("Rectify by"),
        _("Overdue"),
        _("Status"),
        _("Answer"),
    ]
    body = [
        [
            i.heading,
            i.resource.name,
            i.unit.name,
            i.get_severity_display(),
            i.failed,
            i.opened_at.date(),
            i.due_on,
            _("Yes") if i.is_overdue(today) else "",
            i.get_status_display(),
            i.answer,
        ]
        for i in queryset[:MAX_ISSUES]
    ]
    return export_rows(_("Quality issues"), headers, body)
