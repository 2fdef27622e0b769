import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cdohub.org.models import Unit
from cdohub.org.services import search_units

from .choices import Health, SourceKind
from .models import DataSource


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or unit"))
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("Kind"))
    health = django_filters.ChoiceFilter(choices=Health.choices, label=_("Health"))

    class Meta:
        model = DataSource
        fields = ["q", "kind", "health"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        units = search_units(Unit.objects.all(), value).values("pk")
        return queryset.filter(Q(name__icontains=value) | Q(unit__in=units))
