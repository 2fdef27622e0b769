"""The projects' rules as data and pure functions that the services, the forms, the API and the pages
share: what a unit declares about its project, in which states it may change or be submitted, and
how a list of names is cleaned.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import ProjectStatus, Stage

# What a unit declares about its project, in the order forms, API bodies and review snapshots show it.
DETAILS = (
    "name",
    "kind",
    "budget",
    "funding_source",
    "summary",
    "systems",
    "collects",
    "security_level",
)
DOCUMENTS = ("feasibility_study", "design", "acceptance_report")
# What a unit may set on its project.
PROJECT_FIELDS = DETAILS + DOCUMENTS
# Free-text lists, one name a line in a form.
LISTS = ("systems", "collects")
# Once the initiation is approved, only what acceptance needs may change (and the catalog links).
ACCEPTANCE_FIELDS = ("acceptance_report",)
# Keyed by stage value: services look them up with the stage a form or URL gave.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    Stage.INITIATION: ("feasibility_study", "design"),
    Stage.ACCEPTANCE: ("acceptance_report",),
}

# From which project states a stage may be submitted.
SUBMITTABLE: dict[str, tuple[str, ...]] = {
    Stage.INITIATION: (
        ProjectStatus.DRAFT,
        ProjectStatus.INITIATION_RETURNED,
        ProjectStatus.INITIATION_VETOED,
    ),
    Stage.ACCEPTANCE: (
        ProjectStatus.INITIATED,
        ProjectStatus.ACCEPTANCE_RETURNED,
        ProjectStatus.ACCEPTANCE_VETOED,
    ),
}
# After an approved initiation: what it approved is frozen; acceptance adds its report and links.
ACCEPTANCE_PHASE = SUBMITTABLE[Stage.ACCEPTANCE]
EDITABLE = SUBMITTABLE[Stage.INITIATION] + ACCEPTANCE_PHASE

# What a supervising body sets on a finding, in the order forms and API bodies present it.
FINDING_FIELDS = (
    "project",
    "category",
    "severity",
    "title",
    "description",
    "evidence",
    "evidence_file",
    "order_kind",
    "order_text",
    "deadline_days",
)
ORDER_TEXTS = ("title", "description", "evidence", "order_text")
DEADLINE_DAYS = range(1, 121)  # working days an order may give
FINDING_DOCUMENTS = ("evidence_file", "answer_file")


def clean_lines(values, label: str) -> list[str]:
    """Names given as a list or as text one a line: stripped, blanks and repeats dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = values.splitlines()
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise ValidationError({label: _("Give a list of names.")})
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))
