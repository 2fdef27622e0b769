"""REST API for data sources and discovery.

Reads go through the permission gate; every change is a call to `sources.services`, which checks
who may act (404 out of scope, 403 in scope without the role) and tests the connection (400 with
the reason when it fails, nothing saved).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from cdohub.core.api import ScopedReadOnlyViewSet
from cdohub.core.jobs import RunStatus

from .. import services
from ..choices import Health, SourceKind
from ..models import DataSource, DiscoveredTable, DiscoveryRun
from .serializers import (
    DataSourceCreateSerializer,
    DataSourceSerializer,
    DataSourceUpdateSerializer,
    DiscoveredTableSerializer,
    DiscoveryRunSerializer,
    RunDiffSerializer,
)

REFUSED = OpenApiResponse(description=_("Refused: the connection failed or the fields are invalid."))


class SourceApiFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", help_text=_("The unit's code."))
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    health = django_filters.ChoiceFilter(choices=Health.choices)

    class Meta:
        model = DataSource
        fields = ["unit", "kind", "health"]


@extend_schema_view(
    create=extend_schema(
        request=DataSourceCreateSerializer,
        responses={201: DataSourceSerializer, 400: REFUSED},
        summary=_("Register a source (the connection is tested first)"),
    ),
    partial_update=extend_schema(
        request=DataSourceUpdateSerializer,
        responses={200: DataSourceSerializer, 400: REFUSED},
        summary=_("Change a source (a blank password keeps the stored one)"),
    ),
)
class DataSourceViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """Data sources of the units in your scope. Passwords are write-only."""

    queryset = DataSource.objects.all()
    serializer_class = DataSourceSerializer
    filterset_class = SourceApiFilter
    ordering_fields = ["name", "health", "last_checked_at", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "created_by")

    def respond(self, source, status=http.HTTP_200_OK) -> Response:
        return Response(DataSourceSerializer(source, context=self.get_serializer_context()).data, status)

    def create(self, request, *args, **kwargs):
        body = DataSourceCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = data.pop("unit")
        source = services.register_source(request.user, unit, **data)
        return self.respond(source, http.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        source = self.get_object()
        body = DataSourceUpdateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self.respond(services.update_source(request.user, source, **body.validated_data))

    @extend_schema(request=None, responses={200: DataSourceSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Test the connection now; the source comes back healthy, or unhealthy with the reason."""
        return self.respond(services.check_source(request.user, self.get_object()))

    @extend_schema(
        request=None,
        responses={
            202: DiscoveryRunSerializer,
            400: OpenApiResponse(description=_("A discovery is already running.")),
        },
    )
    @action(detail=True, methods=["post"])
    def discover(self, request, pk=None):
        """Queue a discovery of the source's tables; follow it at /api/discovery-runs/{id}/."""
        run = services.start_discovery(request.user, self.get_object())
        run.refresh_from_db()
        return Response(
            DiscoveryRunSerializer(run, context=self.get_serializer_context()).data, http.HTTP_202_ACCEPTED
        )


class RunApiFilter(django_filters.FilterSet):
    source = django_filters.NumberFilter(field_name="source_id", help_text=_("The source's id."))
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = DiscoveryRun
        fields = ["source", "status"]


class DiscoveryRunViewSet(ScopedReadOnlyViewSet):
    """Discovery runs of the sources in your scope, with their progress."""

    queryset = DiscoveryRun.objects.all()
    serializer_class = DiscoveryRunSerializer
    filterset_class = RunApiFilter
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self):
        return super().get_queryset().select_related("requested_by")

    @extend_schema(request=None, responses={200: DiscoveryRunSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a queued or running discovery; the last successful one stays as it was."""
        run = services.cancel_run(request.user, self.get_object())
        return Response(DiscoveryRunSerializer(run, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: RunDiffSerializer, 204: None})
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """New and dropped tables, and new, dropped and retyped columns, against the source's
        previous successful run (204 for a first discovery or a run that did not succeed)."""
        changes = services.diff(self.get_object())
        if changes is None:
            return Response(status=http.HTTP_204_NO_CONTENT)
        return Response(RunDiffSerializer(changes).data)


class TableApiFilter(django_filters.FilterSet):
    run = django_filters.NumberFilter(field_name="run_id", help_text=_("The discovery run's id."))
    source = django_filters.NumberFilter(field_name="run__source_id", help_text=_("The source's id."))

    class Meta:
        model = DiscoveredTable
        fields = ["run", "source"]


class DiscoveredTableViewSet(ScopedReadOnlyViewSet):
    """Tables found by discovery runs of the sources in your scope (filter by `run`)."""

    queryset = DiscoveredTable.objects.all()
    serializer_class = DiscoveredTableSerializer
    filterset_class = TableApiFilter
    ordering_fields = ["schema", "name", "row_count"]

    def get_queryset(self):
        return super().get_queryset().select_related("run").order_by("run_id", "schema", "name")
