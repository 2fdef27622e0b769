"""Labels for the codes stored in pre-check evidence (JSON keeps codes, pages show words)."""

from django import template

from cdohub.catalog.choices import ResourceStatus, ShareType

register = template.Library()


@register.filter
def share_label(code: str) -> str:
    return ShareType(code).label if code in ShareType.values else (code or "—")


@register.filter
def resource_status_label(code: str) -> str:
    if code == "unregistered":
        from django.utils.translation import gettext

        return gettext("not registered")
    return ResourceStatus(code).label if code in ResourceStatus.values else (code or "—")


BADGES = {
    "draft": "bg-secondary",
    "submitted": "bg-primary",
    "initiation_review": "bg-primary",
    "acceptance_review": "bg-primary",
    "approved": "bg-success",
    "initiated": "bg-success",
    "accepted": "bg-success",
    "returned": "bg-warning text-dark",
    "initiation_returned": "bg-warning text-dark",
    "acceptance_returned": "bg-warning text-dark",
    "vetoed": "bg-danger",
    "initiation_vetoed": "bg-danger",
    "acceptance_vetoed": "bg-danger",
    "open": "bg-warning text-dark",
    "answered": "bg-info text-dark",
    "closed": "bg-success",
}


@register.filter
def badge(status: str) -> str:
    """The Bootstrap colour of a project, review or finding status."""
    return BADGES.get(status, "bg-secondary")
