import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ResourceStatus
from .models import Resource


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, code or unit"), method="search")
    status = django_filters.ChoiceFilter(choices=ResourceStatus.choices, label=_("status"))
    campaign = django_filters.NumberFilter(field_name="campaign_id")
    unit = django_filters.NumberFilter(field_name="unit_id")

    class Meta:
        model = Resource
        fields = ["q", "status", "campaign", "unit"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(code__startswith=value) | Q(unit__name__icontains=value)
        )
