from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import RuleKind, Schedule, Severity
from ..models import Binding, Issue, Rule, RuleResult, Run


class BindingSerializer(serializers.ModelSerializer):
    schedule = serializers.CharField(read_only=True)
    resource = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source_name = serializers.CharField(source="source.name", read_only=True)

    class Meta:
        model = Binding
        fields = [
            "id",
            "resource",
            "source",
            "source_name",
            "schema",
            "table",
            "sample",
            "schedule",
            "next_run_at",
        ]
        read_only_fields = fields


class BindingWriteSerializer(serializers.Serializer):
    resource = serializers.CharField(help_text="The catalog resource's code.")
    source = serializers.IntegerField(help_text="The data source's id.")
    schema = serializers.CharField(required=False, allow_blank=True, default="")
    table = serializers.CharField()
    sample = serializers.FloatField(required=False, allow_null=True, default=None)
    schedule = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="blank, " + ", ".join(Schedule.values)
    )


class RuleSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    severity = serializers.CharField(read_only=True)
    origin = serializers.CharField(read_only=True)
    resource = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Rule
        fields = [
            "id",
            "resource",
            "kind",
            "columns",
            "params",
            "weight",
            "severity",
            "enabled",
            "origin",
            "element",
            "description",
            "label",
        ]
        read_only_fields = fields


class RuleWriteSerializer(serializers.Serializer):
    resource = serializers.CharField(
        help_text="The catalog resource's code (only when creating).", required=False
    )
    kind = serializers.CharField(required=False, help_text=", ".join(RuleKind.values))
    columns = serializers.ListField(child=serializers.CharField(), required=False)
    params = serializers.DictField(required=False)
    weight = serializers.FloatField(required=False)
    severity = serializers.CharField(required=False, help_text=", ".join(Severity.values))
    enabled = serializers.BooleanField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ResultSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    severity = serializers.CharField(read_only=True)
    samples = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = RuleResult
        fields = [
            "rule",
            "label",
            "kind",
            "columns",
            "params",
            "weight",
            "severity",
            "checked",
            "failed",
            "error",
            "pass_rate",
            "sample_columns",
            "samples",
        ]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    trigger = serializers.CharField(read_only=True)
    resource = serializers.SlugRelatedField(slug_field="code", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "resource",
            "status",
            "trigger",
            "source_name",
            "table",
            "dialect",
            "attempt",
            "percent",
            "rows",
            "table_rows",
            "sampled",
            "statements",
            "seconds",
            "score",
            "rules_failed",
            "rules_errored",
            "error",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class RunStartSerializer(serializers.Serializer):
    resource = serializers.CharField(help_text="The catalog resource's code.")


class IssueSerializer(serializers.ModelSerializer):
    severity = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    resource = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    escalated_to = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    answered_by = serializers.StringRelatedField(allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "resource",
            "unit",
            "rule",
            "title",
            "severity",
            "status",
            "failed",
            "opened_at",
            "due_on",
            "overdue",
            "answer",
            "answered_by",
            "answered_at",
            "closed_at",
            "escalated_at",
            "escalated_to",
            "opened_run",
            "last_run",
            "closed_run",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField)
    def get_overdue(self, issue) -> bool:
        from cdohub.core import clock

        return issue.is_overdue(clock.today())


class IssueAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()
    version = serializers.IntegerField(required=False, allow_null=True)


class TrendPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.FloatField()


class UnitScoreSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    resources = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class ScoresSerializer(serializers.Serializer):
    unit = serializers.CharField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    trend = TrendPointSerializer(many=True)
    units = UnitScoreSerializer(many=True)


class ScoresQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(
        required=False, help_text="A unit code in your scope; default: your top unit."
    )
    resource = serializers.CharField(required=False, help_text="A resource code: its score and trend.")
