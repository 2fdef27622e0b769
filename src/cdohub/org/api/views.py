import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from cdohub.core.api import ScopedReadOnlyViewSet, ScopedViewSet

from .. import services
from ..choices import RegionLevel, ScopeCategory, UnitKind
from ..filtersets import within_own_scope
from ..models import PilotProgram, Region, ScopeMember, Unit
from ..services import search_units
from .serializers import (
    ComplianceSerializer,
    PilotProgramSerializer,
    RegionSerializer,
    ScopeMemberSerializer,
    UnitCreateSerializer,
    UnitSerializer,
)


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)

    class Meta:
        model = Region
        fields = ["parent", "level"]


class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"


class UnitApiFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text=_("Name, short name or code."))
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    region = django_filters.CharFilter(field_name="region__code")
    mine = django_filters.BooleanFilter(method="filter_mine", help_text=_("Only units in my scope."))

    class Meta:
        model = Unit
        fields = ["q", "kind", "level", "region", "mine"]

    def filter_q(self, queryset, name, value):
        return search_units(queryset, value)

    def filter_mine(self, queryset, name, value):
        return within_own_scope(queryset, self.request.user) if value else queryset


class UnitViewSet(ScopedViewSet):
    queryset = Unit.objects.select_related("region")
    serializer_class = UnitSerializer
    filterset_class = UnitApiFilter
    ordering_fields = ["path", "name", "code"]
    ordering = ["path"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return UnitCreateSerializer if self.action == "create" else UnitSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.ancestor_map = Unit.ancestors_of(page if page is not None else queryset)
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["ancestors"] = getattr(self, "ancestor_map", {})
        return context

    def retrieve(self, request, *args, **kwargs):
        unit = self.get_object()
        self.ancestor_map = Unit.ancestors_of([unit])
        return Response(self.get_serializer(unit).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parent = data.pop("parent_code")
        serializer.instance = services.create_unit(self.request.user, parent=parent, **data)

    def perform_update(self, serializer):
        serializer.instance = services.update_unit(
            self.request.user, serializer.instance, **serializer.validated_data
        )


class PilotProgramViewSet(ScopedReadOnlyViewSet):
    queryset = PilotProgram.objects.select_related("region", "owner_unit").prefetch_related("milestones")
    serializer_class = PilotProgramSerializer
    lookup_field = "code"

    @extend_schema(responses=ComplianceSerializer(many=True))
    @action(detail=True)
    def compliance(self, request, code=None):
        """Per pilot city: nominations counted by each scope rule and whether all are met."""
        rows = services.scope_compliance(self.get_object())
        return Response(ComplianceSerializer(rows, many=True).data)


class ScopeMemberFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__code")
    category = django_filters.ChoiceFilter(choices=ScopeCategory.choices)

    class Meta:
        model = ScopeMember
        fields = ["program", "category", "parent"]


class ScopeMemberViewSet(ScopedViewSet):
    """Pilot scope. POST nominates a unit under a pilot city; DELETE withdraws a nomination."""

    queryset = ScopeMember.objects.select_related("program", "unit", "nominated_by")
    serializer_class = ScopeMemberSerializer
    filterset_class = ScopeMemberFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.nominate(
            self.request.user, data["parent"], data["unit"], note=data.get("note", "")
        )

    def perform_destroy(self, instance):
        services.withdraw(self.request.user, instance)
