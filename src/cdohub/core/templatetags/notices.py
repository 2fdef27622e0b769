"""`{% digest_preference %}`: the daily e-mail digest switch, for the profile page."""

from typing import Any

from django import template

from cdohub.core.notifications import wants_digest

register = template.Library()


@register.inclusion_tag("core/_digest_preference.html", takes_context=True)
def digest_preference(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"on": wants_digest(user), "email": user.email, "csrf_token": context.get("csrf_token")}
