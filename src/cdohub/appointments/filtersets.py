import django_filters
from django.utils.translation import gettext_lazy as _

from cdohub.org.models import Unit
from cdohub.org.services import search_units

from .choices import FilingStatus
from .models import Appointment, ImplementationPlan


class FilingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Unit"))
    status = django_filters.ChoiceFilter(choices=FilingStatus.choices, label=_("Status"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(unit__in=search_units(Unit.objects.all(), value).values("pk"))


class AppointmentFilter(FilingFilter):
    q = django_filters.CharFilter(method="filter_q", label=_("Unit or name"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Current terms only"))
    flagged = django_filters.BooleanFilter(label=_("Flagged"))

    class Meta:
        model = Appointment
        fields = ["q", "post", "status", "flagged", "current"]

    def filter_q(self, queryset, name, value):
        by_unit = super().filter_q(queryset, name, value)
        return by_unit | queryset.filter(person_name__contains=value.strip())

    def filter_current(self, queryset, name, value):
        return queryset.filter(status=FilingStatus.FILED, ends_on__isnull=True) if value else queryset


class PlanFilter(FilingFilter):
    class Meta:
        model = ImplementationPlan
        fields = ["q", "status"]
