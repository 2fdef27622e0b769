"""`{% object_history obj %}`: the history section of an object's page (see auditlog/_history.html)."""

from django import template

from cdohub.auditlog import services

register = template.Library()


@register.inclusion_tag("auditlog/_history_entries.html", takes_context=True)
def object_history(context, obj):
    user = context["request"].user
    entries = services.history_of(user, obj)
    return {
        "entries": entries,
        "subject": obj,
        "limit": services.HISTORY_SIZE,
        "log_readable": entries is not None and services.may_read_log(user),
        "object_type": obj._meta.label_lower,
    }
