"""`{{ due_on|deadline }}`: a deadline's date, marked provisional while its year's official holiday
schedule is not loaded (its working days then count statutory holidays only)."""

from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cdohub.core import calendar

register = template.Library()


@register.filter
def deadline(day: date | None) -> SafeString | str:
    if day is None:
        return ""
    if calendar.is_official(day.year):
        return day.isoformat()
    return format_html(
        '{} <span class="badge bg-warning text-dark deadline-provisional" title="{}">{}</span>',
        day.isoformat(),
        _("The official holiday schedule for this year is not loaded yet: the date may move."),
        _("provisional"),
    )
