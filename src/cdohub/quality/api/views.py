"""REST API for data quality: bindings, rules, runs (start, cancel, results), scores and issues.

Reads go through the permission gate; every change is a call to `quality.services`, which checks
who may act (403) and refuses a rule the engine cannot run with its reason (400). An answer on a
stale version is a 409.
"""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cdohub.catalog.models import Resource
from cdohub.core.api import ScopedReadOnlyViewSet
from cdohub.core.permissions import restrict
from cdohub.org.models import Unit
from cdohub.sources.models import DataSource

from .. import scoring, services
from ..models import Binding, Issue, Rule, Run
from .serializers import (
    BindingSerializer,
    BindingWriteSerializer,
    IssueAnswerSerializer,
    IssueSerializer,
    ResultSerializer,
    RuleSerializer,
    RuleWriteSerializer,
    RunSerializer,
    RunStartSerializer,
    ScoresQuerySerializer,
    ScoresSerializer,
)


class RuleFilter(django_filters.FilterSet):
    resource = django_filters.CharFilter(field_name="resource__code")
    kind = django_filters.CharFilter()
    origin = django_filters.CharFilter()

    class Meta:
        model = Rule
        fields = ["resource", "kind", "origin", "enabled"]


class RunFilter(django_filters.FilterSet):
    resource = django_filters.CharFilter(field_name="resource__code")
    status = django_filters.CharFilter()
    trigger = django_filters.CharFilter()

    class Meta:
        model = Run
        fields = ["resource", "status", "trigger"]


class IssueFilter(django_filters.FilterSet):
    resource = django_filters.CharFilter(field_name="resource__code")
    unit = django_filters.CharFilter(field_name="unit__code")
    status = django_filters.CharFilter()
    severity = django_filters.CharFilter()

    class Meta:
        model = Issue
        fields = ["resource", "unit", "status", "severity"]


def _body(request, serializer_class, partial=False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _resource(user, code) -> Resource:
    """A resource in the caller's scope by its code; otherwise a 404."""
    found = restrict(user, "inspect", Resource.objects.filter(code=code)).first()
    if found is None:
        raise NotFound
    return found


class BindingViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Where each resource's data lives: a table of a registered data source."""

    queryset = Binding.objects.select_related("resource", "source").order_by("pk")
    serializer_class = BindingSerializer
    filterset_fields = ["source"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(request=BindingWriteSerializer, responses={201: BindingSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, BindingWriteSerializer)
        resource = _resource(request.user, data.pop("resource"))
        source = restrict(request.user, "view", DataSource.objects.filter(pk=data.pop("source"))).first()
        if source is None:
            raise NotFound
        binding = services.bind_resource(request.user, resource, source=source, **data)
        return Response(BindingSerializer(binding).data, http.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        services.unbind(request.user, self.get_object())
        return Response(status=http.HTTP_204_NO_CONTENT)


class RuleViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ScopedReadOnlyViewSet
):
    """The rules each resource's data must pass; saving refuses what the engine cannot run."""

    queryset = Rule.objects.select_related("resource")
    serializer_class = RuleSerializer
    filterset_class = RuleFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(request=RuleWriteSerializer, responses={201: RuleSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, RuleWriteSerializer)
        resource = _resource(request.user, data.pop("resource", ""))
        rule = services.save_rule(request.user, resource, **data)
        return Response(RuleSerializer(rule).data, http.HTTP_201_CREATED)

    @extend_schema(request=RuleWriteSerializer, responses={200: RuleSerializer})
    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        data = _body(request, RuleWriteSerializer, partial=True)
        data.pop("resource", None)
        return Response(RuleSerializer(services.save_rule(request.user, rule.resource, rule, **data)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        services.delete_rule(request.user, self.get_object())
        return Response(status=http.HTTP_204_NO_CONTENT)


class RunViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Quality checks: start one (it runs as a job), follow its progress, cancel it, read its results."""

    queryset = Run.objects.select_related("resource")
    serializer_class = RunSerializer
    filterset_class = RunFilter
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=RunStartSerializer, responses={201: RunSerializer})
    def create(self, request, *args, **kwargs):
        data = _body(request, RunStartSerializer)
        run = services.start_run(request.user, _resource(request.user, data["resource"]))
        run.refresh_from_db()
        return Response(RunSerializer(run).data, http.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(RunSerializer(services.cancel_run(request.user, self.get_object())).data)

    @extend_schema(responses={200: ResultSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Per rule: rows checked, rows failing, the rule's error, and masked failing rows."""
        run = self.get_object()
        return Response(ResultSerializer(run.results.all(), many=True).data)


class IssueViewSet(ScopedReadOnlyViewSet):
    """Quality issues: open while a rule fails, answered by the unit, closed by a passing run."""

    queryset = Issue.objects.select_related("resource", "unit", "escalated_to", "answered_by")
    serializer_class = IssueSerializer
    filterset_class = IssueFilter

    @extend_schema(request=IssueAnswerSerializer, responses={200: IssueSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = _body(request, IssueAnswerSerializer)
        issue = services.answer_issue(request.user, self.get_object(), data["answer"], data.get("version"))
        return Response(IssueSerializer(issue).data)


class ScoreViewSet(viewsets.ViewSet):
    """Quality scores and their trend: of a unit's subtree (and each unit in it), or of a resource."""

    @extend_schema(parameters=[ScoresQuerySerializer], responses={200: ScoresSerializer})
    def list(self, request):
        query = ScoresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("resource"):
            resource = _resource(request.user, params["resource"])
            latest = scoring.latest_runs(
                restrict(request.user, "view", Run.objects.filter(resource=resource))
            ).first()
            trend = scoring.trend(request.user, resource=resource)
            body = {"unit": resource.unit.code, "score": latest.score if latest else None, "units": []}
        else:
            tops = scoring.top_units(request.user)
            if params.get("unit"):
                unit = get_object_or_404(Unit, code=params["unit"])
                if not scoring.within(unit, tops):
                    raise NotFound
            else:
                unit = tops[0] if tops else None
            if unit is None:
                return Response({"unit": None, "score": None, "trend": [], "units": []})
            paths = scoring.checked_paths(request.user, unit)
            units = Unit.objects.filter(path__in=paths).order_by("path")
            trend = scoring.trend(request.user, unit=unit)
            body = {
                "unit": unit.code,
                "score": scoring.subtree_score(request.user, unit),
                "units": scoring.unit_rows(request.user, units),
            }
        body["trend"] = [{"day": day, "score": score} for day, score in trend]
        return Response(ScoresSerializer(body).data)
