"""REST API for appointments, implementation plans, filing status and the roster.

Reads go through the permission gate (`restrict`); every change is a call to
`appointments.services`, which checks who may act (403) and the program's rules (400). A decision
taken on a stale version is a 409.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.response import Response

from cdohub.core.api import ScopedReadOnlyViewSet

from .. import rules, services
from .. import status as filing_status
from ..choices import FilingStatus
from ..models import Appointment, ImplementationPlan
from ..policies import members_in_scope
from ..views import pdf_response
from .serializers import (
    AppointmentCreateSerializer,
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    BodiesQuerySerializer,
    BodiesSerializer,
    EndSerializer,
    FileSerializer,
    ImplementationPlanSerializer,
    PilotStatusSerializer,
    PlanCreateSerializer,
    PlanUpdateSerializer,
    ProgramQuerySerializer,
    ReturnSerializer,
    RosterEntrySerializer,
    SubmitSerializer,
)


class FilingApiFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__code", help_text=_("The program's code."))
    unit = django_filters.CharFilter(field_name="unit__code", help_text=_("The unit's code."))
    filing_body = django_filters.CharFilter(
        field_name="filing_body__code", help_text=_("The code of the body it is filed with.")
    )
    status = django_filters.ChoiceFilter(choices=FilingStatus.choices)


class AppointmentApiFilter(FilingApiFilter):
    post = django_filters.CharFilter(help_text=_("The post's key."))
    flagged = django_filters.BooleanFilter()

    class Meta:
        model = Appointment
        fields = ["program", "unit", "post", "status", "flagged", "filing_body"]


class PlanApiFilter(FilingApiFilter):
    class Meta:
        model = ImplementationPlan
        fields = ["program", "unit", "status", "filing_body"]


class FilingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """Shared by appointments and plans: create, edit and the filing workflow, all by services.

    Subclasses name their serializers and `create_filing` / `update_filing`.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["effective_on", "submitted_at", "updated_at", "status"]
    create_serializer_class = None
    update_serializer_class = None

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("program", "unit", "filing_body", "submitted_by", "decided_by", "created_by")
            .prefetch_related("decisions__actor")
        )

    def respond(self, filing, status=http.HTTP_200_OK) -> Response:
        return Response(self.serializer_class(filing, context=self.get_serializer_context()).data, status)

    def body(self, serializer_class, data=None):
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self.body(self.create_serializer_class)
        return self.respond(self.create_filing(request.user, data), http.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        filing = self.get_object()
        serializer = self.update_serializer_class(
            filing, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self.respond(self.update_filing(request.user, filing, dict(serializer.validated_data)))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: None})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The filed document (the appointment letter or the plan) as a PDF."""
        return pdf_response(self.get_object())

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        filing = self.get_object()
        data = self.body(SubmitSerializer)
        return self.respond(services.submit(request.user, filing, version=data.get("version")))

    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        filing = self.get_object()
        data = self.body(FileSerializer)
        return self.respond(services.file(request.user, filing, version=data["version"]))

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_filing(self, request, pk=None):
        filing = self.get_object()
        data = self.body(ReturnSerializer)
        return self.respond(
            services.return_filing(request.user, filing, data["reason"], version=data["version"])
        )


WORKFLOW_ERRORS = {400: OpenApiResponse(description=_("Refused by the program's rules."))}


def filing_schema(read, create, update):
    return extend_schema_view(
        create=extend_schema(request=create, responses={201: read}, summary=_("Create a draft")),
        partial_update=extend_schema(request=update, responses={200: read}, summary=_("Edit a draft")),
        submit=extend_schema(
            request=SubmitSerializer, responses={200: read, **WORKFLOW_ERRORS}, summary=_("Submit for filing")
        ),
        file=extend_schema(
            request=FileSerializer, responses={200: read, **WORKFLOW_ERRORS}, summary=_("Accept the filing")
        ),
        return_filing=extend_schema(
            request=ReturnSerializer,
            responses={200: read, **WORKFLOW_ERRORS},
            summary=_("Return the filing with a reason"),
        ),
    )


@filing_schema(AppointmentSerializer, AppointmentCreateSerializer, AppointmentUpdateSerializer)
class AppointmentViewSet(FilingViewSet):
    """CDO appointments in your scope. POST creates a draft; the bodies are derived from the rules."""

    queryset = Appointment.objects.all()
    serializer_class = AppointmentSerializer
    create_serializer_class = AppointmentCreateSerializer
    update_serializer_class = AppointmentUpdateSerializer
    filterset_class = AppointmentApiFilter

    def get_queryset(self):
        return super().get_queryset().select_related("appointing_body")

    def create_filing(self, user, data):
        program, unit, post = data.pop("program"), data.pop("unit"), data.pop("post")
        return services.create_appointment(user, program, unit, post, **data)

    def update_filing(self, user, appointment, changes):
        return services.update_appointment(user, appointment, **changes)

    @extend_schema(request=EndSerializer, responses={200: AppointmentSerializer, **WORKFLOW_ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Removal from post (免职): the appointing body ends a filed, open term."""
        appointment = self.get_object()
        data = self.body(EndSerializer)
        return self.respond(
            services.end_appointment(
                request.user, appointment, data["ends_on"], document_number=data["document_number"]
            )
        )

    @extend_schema(
        parameters=[BodiesQuerySerializer],
        responses={
            200: BodiesSerializer,
            400: OpenApiResponse(description=_("Refused by the program's rules.")),
        },
    )
    @action(detail=False, methods=["get"])
    def bodies(self, request):
        """Who appoints to a post of a unit and who receives the filing, by the program's rules."""
        query = self.body(BodiesQuerySerializer, request.query_params)
        post = rules.post(query["program"], query["post"])
        found = rules.derive_bodies(query["program"], post, query["unit"])
        return Response(BodiesSerializer(found).data)


@filing_schema(ImplementationPlanSerializer, PlanCreateSerializer, PlanUpdateSerializer)
class ImplementationPlanViewSet(FilingViewSet):
    """Implementation plans (实施方案) in your scope. POST creates a draft."""

    queryset = ImplementationPlan.objects.all()
    serializer_class = ImplementationPlanSerializer
    create_serializer_class = PlanCreateSerializer
    update_serializer_class = PlanUpdateSerializer
    filterset_class = PlanApiFilter
    ordering_fields = ["submitted_at", "updated_at", "status"]

    def create_filing(self, user, data):
        program, unit = data.pop("program"), data.pop("unit")
        return services.create_plan(user, program, unit, **data)

    def update_filing(self, user, plan, changes):
        return services.update_plan(user, plan, **changes)


# Filing status and roster ---------------------------------------------------------------------


class ProgramScopedListViewSet(viewsets.GenericViewSet):
    """A list computed for one program (`?program=<code>`) over the pilots in your scope."""

    filter_backends = []

    def rows(self, program, members) -> list:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        query = ProgramQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        program = query.validated_data["program"]
        rows = self.rows(program, members_in_scope(request.user, program))
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(rows, many=True).data)


@extend_schema_view(list=extend_schema(parameters=[ProgramQuerySerializer]))
class FilingStatusViewSet(ProgramScopedListViewSet):
    """Where each pilot in your scope stands on its appointment and implementation plan."""

    serializer_class = PilotStatusSerializer

    def rows(self, program, members):
        return filing_status.pilot_status(program, members)


@extend_schema_view(list=extend_schema(parameters=[ProgramQuerySerializer]))
class RosterViewSet(ProgramScopedListViewSet):
    """Current holders of the roster's posts for the pilots in your scope, with vacancies."""

    serializer_class = RosterEntrySerializer

    def rows(self, program, members):
        return filing_status.roster(program, members)
