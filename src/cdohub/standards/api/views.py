"""REST API for the data standards: data elements, code sets with their values, and the links of
information items to data elements.

Reads go through the permission gate (drafts within scope, published standards for everyone);
every change is a call to `standards.services`, which checks who may act (403) and the rules
(400). A change on a stale version is a 409.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cdohub.catalog.models import InformationItem, Resource
from cdohub.core.permissions import restrict

from .. import services
from ..choices import StandardStatus
from ..models import CodeSet, DataElement, ElementLink
from .serializers import (
    CodeSetCreateSerializer,
    CodeSetSerializer,
    CodeSetWriteSerializer,
    DataElementCreateSerializer,
    DataElementSerializer,
    DataElementWriteSerializer,
    ElementLinkCreateSerializer,
    ElementLinkSerializer,
    StandardVersionSerializer,
)


def _body(request, serializer_class, partial=False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class StandardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, identifier or standard"))
    owner = django_filters.CharFilter(field_name="owner__code")
    status = django_filters.ChoiceFilter(choices=StandardStatus.choices)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(identifier__istartswith=value) | Q(standard__icontains=value)
        )


class ElementFilter(StandardFilter):
    code_set = django_filters.CharFilter(field_name="code_set__identifier")

    class Meta:
        model = DataElement
        fields = ["q", "owner", "status", "code_set", "data_type", "validator"]


class CodeSetFilter(StandardFilter):
    class Meta:
        model = CodeSet
        fields = ["q", "owner", "status"]


class DataElementViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Data elements: drafts in the caller's scope and every published one."""

    queryset = DataElement.objects.all()
    serializer_class = DataElementSerializer
    filterset_class = ElementFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            restrict(self.request.user, "view", DataElement.objects.all())
            .select_related("owner", "code_set")
            .prefetch_related("code_set__values")
        )

    def respond(self, element, status=http.HTTP_200_OK):
        element = self.get_queryset().get(pk=element.pk)
        return Response(DataElementSerializer(element, context=self.get_serializer_context()).data, status)

    @extend_schema(request=DataElementCreateSerializer, responses={201: DataElementSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, DataElementCreateSerializer)
        data.pop("version", None)
        element = services.create_element(request.user, **data)
        return self.respond(element, http.HTTP_201_CREATED)

    @extend_schema(request=DataElementWriteSerializer, responses={200: DataElementSerializer})
    def partial_update(self, request, *args, **kwargs):
        element = self.get_object()
        data = _body(request, DataElementWriteSerializer, partial=True)
        version = data.pop("version", None)
        return self.respond(services.update_element(request.user, element, seen_version=version, **data))

    @extend_schema(request=StandardVersionSerializer, responses={200: DataElementSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = _body(request, StandardVersionSerializer)
        return self.respond(services.publish_element(request.user, self.get_object(), data.get("version")))


class CodeSetViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Code sets with their values: drafts in the caller's scope and every published one."""

    queryset = CodeSet.objects.all()
    serializer_class = CodeSetSerializer
    filterset_class = CodeSetFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return restrict(
            self.request.user, "view", CodeSet.objects.select_related("owner").prefetch_related("values")
        )

    def respond(self, code_set, status=http.HTTP_200_OK):
        code_set = self.get_queryset().get(pk=code_set.pk)
        return Response(CodeSetSerializer(code_set, context=self.get_serializer_context()).data, status)

    @extend_schema(request=CodeSetCreateSerializer, responses={201: CodeSetSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, CodeSetCreateSerializer)
        data.pop("version", None)
        return self.respond(services.create_code_set(request.user, **data), http.HTTP_201_CREATED)

    @extend_schema(request=CodeSetWriteSerializer, responses={200: CodeSetSerializer})
    def partial_update(self, request, *args, **kwargs):
        code_set = self.get_object()
        data = _body(request, CodeSetWriteSerializer, partial=True)
        version = data.pop("version", None)
        return self.respond(services.update_code_set(request.user, code_set, seen_version=version, **data))

    @extend_schema(request=StandardVersionSerializer, responses={200: CodeSetSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = _body(request, StandardVersionSerializer)
        return self.respond(services.publish_code_set(request.user, self.get_object(), data.get("version")))


class ElementLinkViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Links of information items to data elements, for the items the caller can see. Creating a
    link for an item that has one replaces it; deleting a link unlinks the item."""

    queryset = ElementLink.objects.all()
    serializer_class = ElementLinkSerializer
    filterset_fields = ["item", "element"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return restrict(self.request.user, "view", ElementLink.objects.all()).select_related(
            "item__resource", "element__code_set", "linked_by"
        )

    @extend_schema(request=ElementLinkCreateSerializer, responses={201: ElementLinkSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, ElementLinkCreateSerializer)
        resources = restrict(request.user, "view", Resource.objects.all()).values("pk")
        item = InformationItem.objects.filter(pk=data["item"], resource_id__in=resources).first()
        if item is None:
            raise NotFound
        if not restrict(request.user, "view", DataElement.objects.filter(pk=data["element"].pk)).exists():
            raise ValidationError({"element": [_("No data element you can see has this identifier.")]})
        link = services.link_item(request.user, item, data["element"])
        link = self.get_queryset().get(pk=link.pk)
        return Response(
            ElementLinkSerializer(link, context=self.get_serializer_context()).data, http.HTTP_201_CREATED
        )

    def destroy(self, request, *args, **kwargs):
        services.unlink_item(request.user, self.get_object().item)
        return Response(status=http.HTTP_204_NO_CONTENT)
