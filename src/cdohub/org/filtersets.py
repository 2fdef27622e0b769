import django_filters
from django.utils.translation import gettext_lazy as _

from cdohub.core.permissions import units_where

from .choices import RegionLevel, UnitKind
from .models import Unit
from .services import search_units


def within_own_scope(queryset, user):
    """Units under any unit the user holds a role on (everything for a superuser)."""
    return queryset.filter(units_where(user))


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=RegionLevel.choices)
    scope = django_filters.ChoiceFilter(
        label=_("Scope"),
        method="filter_scope",
        empty_label=None,
        choices=[("mine", _("My scope")), ("all", _("All units"))],
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "level", "scope"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("scope", "mine")
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        return search_units(queryset, value)

    def filter_scope(self, queryset, name, value):
        return within_own_scope(queryset, self.request.user) if value == "mine" else queryset
