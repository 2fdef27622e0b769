"""REST API for IT projects, their review rounds (submit, decide, opinions, checks) and supervision
findings. Reads go through the permission gate; every change is a call to `projects.services`,
which checks who may act (403) and the rules (400). A decision on a stale version is a 409."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cdohub.core.api import ScopedReadOnlyViewSet
from cdohub.core.permissions import can, restrict

from .. import services, stats
from ..models import Finding, Project, Review
from ..rules import DOCUMENTS
from ..views import pdf_response
from .serializers import (
    AnswerSerializer,
    CloseSerializer,
    DecideSerializer,
    FindingCreateSerializer,
    FindingSerializer,
    OpinionCreateSerializer,
    OpinionSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectSubmitSerializer,
    ProjectWriteSerializer,
    RejectSerializer,
    ReviewSerializer,
    SeenVersionSerializer,
    SupervisionRowSerializer,
)

REFUSED = OpenApiResponse(description=_("Refused by the rules (the reason is in the body)."))


def _body(request, serializer_class, partial=False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """IT projects in your scope. POST creates a draft; PATCH changes one not under review."""

    queryset = Project.objects.select_related("unit").prefetch_related("outputs__resource", "uses")
    serializer_class = ProjectSerializer
    filterset_fields = ["status", "kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def respond(self, project, status=http.HTTP_200_OK):
        return Response(ProjectSerializer(self.get_queryset().get(pk=project.pk)).data, status)

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer, 400: REFUSED})
    def create(self, request, *args, **kwargs):
        data = _body(request, ProjectCreateSerializer)
        unit = data.pop("unit")
        if not can(request.user, "view", Project(unit=unit)):
            raise NotFound
        data.pop("version", None)
        project = services.create_project(request.user, unit=unit, **data)
        return self.respond(project, http.HTTP_201_CREATED)

    @extend_schema(request=ProjectWriteSerializer, responses={200: ProjectSerializer, 400: REFUSED})
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        data = _body(request, ProjectWriteSerializer, partial=True)
        version = data.pop("version", None)
        return self.respond(services.update_project(request.user, project, seen_version=version, **data))

    @extend_schema(request=ProjectSubmitSerializer, responses={201: ReviewSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for the initiation or the acceptance review: a new round, with its pre-checks."""
        project = self.get_object()
        data = _body(request, ProjectSubmitSerializer)
        review = services.submit(request.user, project, data["stage"], data["version"])
        return Response(ReviewSerializer(review).data, http.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "name", str, OpenApiParameter.PATH, enum=sorted(DOCUMENTS), description=_("Which document.")
            )
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: None},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<name>[a-z_]+)", url_name="document")
    def document(self, request, pk=None, name=None):
        """A project document as a PDF: feasibility_study, design or acceptance_report."""
        return pdf_response(self.get_object().document(name))


class ReviewViewSet(ScopedReadOnlyViewSet):
    """Review rounds in your scope, each with the pre-checks the CDO saw and the joint-review opinions."""

    queryset = Review.objects.select_related(
        "project__unit", "reviewing_body", "submitted_by", "decided_by"
    ).prefetch_related("checks", "opinions__author", "opinions__bureau")
    serializer_class = ReviewSerializer
    filterset_fields = ["project", "stage", "status"]

    def respond(self, review):
        return Response(ReviewSerializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=DecideSerializer, responses={200: ReviewSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The CDO's decision: approve, return (reasons) or veto (reasons, may cite failed checks). Final."""
        review = self.get_object()
        data = _body(request, DecideSerializer)
        return self.respond(
            services.decide(
                request.user,
                review,
                data["decision"],
                data["version"],
                reasons=data["reasons"],
                cited=data["cited_checks"],
            )
        )

    @extend_schema(request=OpinionCreateSerializer, responses={201: OpinionSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def opinions(self, request, pk=None):
        """Add the same-level data bureau's joint-review opinion (联审意见) before the decision."""
        review = self.get_object()
        data = _body(request, OpinionCreateSerializer)
        opinion = services.add_opinion(
            request.user, review, data["text"], data["recommendation"], data["version"]
        )
        return Response(OpinionSerializer(opinion).data, http.HTTP_201_CREATED)

    @extend_schema(request=SeenVersionSerializer, responses={200: ReviewSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"], url_path="rerun-checks", url_name="rerun-checks")
    def rerun_checks(self, request, pk=None):
        """Compute the pre-checks again on today's data while the round is open."""
        review = self.get_object()
        data = _body(request, SeenVersionSerializer)
        return self.respond(services.rerun_checks(request.user, review, data["version"]))


class FindingViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Supervision findings (监督发现) in your scope and the orders issued."""

    queryset = Finding.objects.select_related("unit", "issuer", "escalated_to", "opened_by").prefetch_related(
        "steps__actor"
    )
    serializer_class = FindingSerializer
    filterset_fields = ["status", "category", "severity", "order_kind"]
    http_method_names = ["get", "post", "head", "options"]

    def respond(self, finding, status=http.HTTP_200_OK):
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data, status)

    @extend_schema(request=FindingCreateSerializer, responses={201: FindingSerializer, 400: REFUSED})
    def create(self, request, *args, **kwargs):
        data = _body(request, FindingCreateSerializer)
        unit = data.pop("unit")
        if not can(request.user, "view", Finding(unit=unit)):
            raise NotFound
        project = data.get("project")
        if project is not None and not can(request.user, "view", project):
            raise NotFound
        return self.respond(services.open_finding(request.user, unit=unit, **data), http.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses={200: FindingSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The unit reports its rectification, with evidence."""
        finding = self.get_object()
        data = _body(request, AnswerSerializer)
        return self.respond(
            services.answer_finding(
                request.user, finding, data["answer"], data.get("answer_file"), data["version"]
            )
        )

    @extend_schema(request=CloseSerializer, responses={200: FindingSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The issuer verifies the rectification and closes the finding."""
        finding = self.get_object()
        data = _body(request, CloseSerializer)
        return self.respond(services.close_finding(request.user, finding, data["comment"], data["version"]))

    @extend_schema(request=RejectSerializer, responses={200: FindingSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The issuer rejects the rectification; the order stands."""
        finding = self.get_object()
        data = _body(request, RejectSerializer)
        return self.respond(services.reject_answer(request.user, finding, data["reason"], data["version"]))


class SupervisionViewSet(viewsets.ViewSet):
    """Supervision figures per unit: projects, decisions, veto rate, review time, findings."""

    @extend_schema(responses={200: SupervisionRowSerializer(many=True)})
    def list(self, request):
        user = request.user
        figures = stats.figures(
            restrict(user, "view", Project.objects.all()),
            restrict(user, "view", Review.objects.all()),
            restrict(user, "view", Finding.objects.all()),
        )
        return Response(SupervisionRowSerializer(figures.units, many=True).data)
