"""REST API for the catalog: resources and their items, census campaigns, classifications, search.

Reads go through the permission gate; every change is a call to `catalog.services`, which checks
who may act (403) and the catalog's rules (400). A decision on a stale version is a 409.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cdohub.core.api import ScopedReadOnlyViewSet
from cdohub.core.permissions import restrict

from .. import census, search, services
from ..choices import ResourceStatus
from ..models import CensusCampaign, Classification, Participation, Resource
from ..policies import open_campaigns
from .serializers import (
    CampaignCreateSerializer,
    CampaignSerializer,
    ClassificationSerializer,
    FiguresSerializer,
    ParticipationSerializer,
    ResourceCreateSerializer,
    ResourceReturnSerializer,
    ResourceSerializer,
    ResourceWriteSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    VersionSerializer,
)


def _body(request, serializer_class, instance=None, partial=False) -> dict:
    serializer = serializer_class(instance, data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ResourceFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code")
    classification = django_filters.CharFilter(field_name="classification__code", lookup_expr="startswith")
    status = django_filters.ChoiceFilter(choices=ResourceStatus.choices)

    class Meta:
        model = Resource
        fields = ["unit", "campaign", "classification", "status", "share_type", "format"]


class ResourceViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Data resources in the caller's scope and the published catalog; writes go through the services."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    ordering_fields = ["code", "updated_at", "completeness"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            restrict(self.request.user, "view", Resource.objects.all())
            .select_related("unit", "classification")
            .prefetch_related("items", "decisions__actor")
        )

    def respond(self, resource, status=http.HTTP_200_OK):
        resource = self.get_queryset().get(pk=resource.pk)
        return Response(ResourceSerializer(resource, context=self.get_serializer_context()).data, status)

    @extend_schema(request=ResourceCreateSerializer, responses={201: ResourceSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, ResourceCreateSerializer)
        campaign = data.pop("campaign", None)
        if campaign is not None and not open_campaigns(request.user).filter(pk=campaign.pk).exists():
            raise NotFound
        resource = services.create_resource(request.user, unit=data.pop("unit"), campaign=campaign, **data)
        return self.respond(resource, http.HTTP_201_CREATED)

    @extend_schema(request=ResourceWriteSerializer, responses={200: ResourceSerializer})
    def partial_update(self, request, *args, **kwargs):
        resource = self.get_object()
        data = _body(request, ResourceWriteSerializer, resource, partial=True)
        return self.respond(services.update_resource(request.user, resource, **data))

    def destroy(self, request, *args, **kwargs):
        services.delete_resource(request.user, self.get_object())
        return Response(status=http.HTTP_204_NO_CONTENT)

    @extend_schema(request=VersionSerializer, responses={200: ResourceSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = _body(request, VersionSerializer)
        return self.respond(services.submit_resource(request.user, self.get_object(), data.get("version")))

    @extend_schema(request=VersionSerializer, responses={200: ResourceSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = _body(request, VersionSerializer)
        return self.respond(services.publish_resource(request.user, self.get_object(), data.get("version")))

    @extend_schema(request=ResourceReturnSerializer, responses={200: ResourceSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_resource(self, request, pk=None):
        data = _body(request, ResourceReturnSerializer)
        resource = services.return_resource(
            request.user, self.get_object(), data.get("version"), data["reason"]
        )
        return self.respond(resource)


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Census campaigns the caller organises or takes part in."""

    queryset = CensusCampaign.objects.select_related("organiser").prefetch_related("participations__unit")
    serializer_class = CampaignSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return restrict(self.request.user, "view", super().get_queryset())

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def create(self, request, *args, **kwargs):
        campaign = services.launch_campaign(request.user, **_body(request, CampaignCreateSerializer))
        return Response(CampaignSerializer(campaign).data, http.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(CampaignSerializer(services.close_campaign(request.user, self.get_object())).data)

    @extend_schema(responses={200: FiguresSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        """Per unit: resources registered, metadata completeness, reviewed share, working days late."""
        campaign = self.get_object()
        rows = census.unit_rows(campaign, restrict(request.user, "view", campaign.participations.all()))
        return Response(FiguresSerializer(rows, many=True).data)


class ParticipationViewSet(ScopedReadOnlyViewSet):
    """Each unit's part in a campaign; its registrars submit it whole."""

    queryset = Participation.objects.select_related("unit", "campaign")
    serializer_class = ParticipationSerializer
    filterset_fields = ["campaign", "status"]

    @extend_schema(request=VersionSerializer, responses={200: ParticipationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = _body(request, VersionSerializer)
        part = services.submit_participation(request.user, self.get_object(), data.get("version"))
        return Response(ParticipationSerializer(part).data)


class ClassificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The 类-项-目 classification tree."""

    queryset = Classification.objects.select_related("parent")
    serializer_class = ClassificationSerializer
    lookup_field = "code"
    pagination_class = None


class CatalogSearchViewSet(viewsets.ViewSet):
    """Search the catalog in Chinese: published resources for everyone, drafts within scope."""

    @extend_schema(parameters=[SearchQuerySerializer], responses={200: SearchResultSerializer})
    def list(self, request):
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        page, size, text = params.pop("page"), params.pop("page_size"), params.pop("q")
        most = params.pop("facet_limit")
        results = search.search(
            request.user, text, params, offset=(page - 1) * size, limit=size, facet_limit=most
        )
        found = (
            Resource.objects.select_related("unit", "classification")
            .prefetch_related("items", "decisions__actor")
            .in_bulk(results.ids)
        )
        body = {
            "count": results.total,
            "results": ResourceSerializer([found[i] for i in results.ids if i in found], many=True).data,
            "facets": {
                k: [{"value": str(v), "count": n} for v, n in vals] for k, vals in results.facets.items()
            },
        }
        return Response(body)
