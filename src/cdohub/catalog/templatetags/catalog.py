from django import template

from ..policies import open_campaigns

register = template.Library()


@register.inclusion_tag("catalog/_campaign_choice.html", takes_context=True)
def campaign_choice(context, unit):
    """A choice of the open censuses `unit` takes part in, for forms that draft resources."""
    user = context["request"].user
    campaigns = open_campaigns(user).filter(participations__unit=unit).order_by("deadline")
    return {"campaigns": list(campaigns)}
