from rest_framework import serializers

from cdohub.catalog.choices import ShareType
from cdohub.catalog.models import Resource
from cdohub.core.api import ModelSerializer, SlugRelatedField
from cdohub.org.models import Unit

from ..choices import (
    Decision,
    FindingCategory,
    FindingStatus,
    ProjectKind,
    ProjectStatus,
    Recommendation,
    ReviewStatus,
    Stage,
)
from ..models import Check, Finding, FindingStep, Opinion, Output, Project, Review
from ..rules import DETAILS, FINDING_FIELDS, PROJECT_FIELDS


def values(choices) -> str:
    """The allowed values, for a field shown as a plain string (its name is shared with other apps'
    enums, so the schema lists them here rather than as an enum component)."""
    return "One of: " + ", ".join(f"`{value}` ({label})" for value, label in choices.choices)


def code_field(choices, **kwargs):
    return serializers.CharField(help_text=values(choices), **kwargs)


class OutputSerializer(serializers.ModelSerializer):
    resource = SlugRelatedField(
        slug_field="code", queryset=Resource.objects.all(), required=False, allow_null=True
    )
    share_type = serializers.ChoiceField(choices=ShareType.choices, required=False, allow_blank=True)

    class Meta:
        model = Output
        fields = ["name", "share_type", "resource"]


class ProjectSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    outputs = OutputSerializer(many=True, read_only=True)
    uses = SlugRelatedField(slug_field="code", many=True, read_only=True)
    kind = code_field(ProjectKind, read_only=True)
    status = code_field(ProjectStatus, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "unit",
            "unit_name",
            *DETAILS,
            "outputs",
            "uses",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectWriteSerializer(serializers.ModelSerializer):
    systems = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    collects = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    outputs = OutputSerializer(many=True, required=False)
    uses = SlugRelatedField(slug_field="code", many=True, queryset=Resource.objects.all(), required=False)
    version = serializers.IntegerField(required=False, help_text="The version you saw; a stale one is a 409.")
    kind = code_field(ProjectKind)

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "outputs", "uses", "version"]
        extra_kwargs = {"feasibility_study": {"required": False}, "design": {"required": False}}


class ProjectCreateSerializer(ProjectWriteSerializer):
    unit = SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(is_active=True))

    class Meta(ProjectWriteSerializer.Meta):
        fields = ["unit", *ProjectWriteSerializer.Meta.fields]


class ProjectSubmitSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    version = serializers.IntegerField(help_text="The project version you saw; a stale one is a 409.")


class CheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = Check
        fields = ["code", "title", "result", "summary", "evidence", "computed_at"]


class OpinionSerializer(serializers.ModelSerializer):
    bureau = SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.StringRelatedField()
    recommendation = code_field(Recommendation, read_only=True)

    class Meta:
        model = Opinion
        fields = ["id", "bureau", "author", "at", "recommendation", "text"]


class ReviewSerializer(ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    unit = serializers.CharField(source="project.unit.code", read_only=True)
    reviewing_body = SlugRelatedField(slug_field="code", read_only=True)
    submitted_by = serializers.StringRelatedField(allow_null=True)
    decided_by = serializers.StringRelatedField(allow_null=True)
    checks = CheckSerializer(many=True, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)
    status = code_field(ReviewStatus, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "project",
            "project_name",
            "unit",
            "stage",
            "round",
            "status",
            "version",
            "reviewing_body",
            "submitted_by",
            "submitted_at",
            "decision",
            "decided_by",
            "decided_at",
            "decided_version",
            "reasons",
            "cited_checks",
            "snapshot",
            "checks",
            "opinions",
        ]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    version = serializers.IntegerField(help_text="The review version you saw; a stale one is a 409.")
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    cited_checks = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list
    )


class OpinionCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The review version you saw; a stale one is a 409.")
    text = serializers.CharField()
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, allow_blank=True, default=""
    )


class SeenVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you saw; a stale one is a 409.")


class FindingStepSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(allow_null=True)
    from_status = code_field(FindingStatus, read_only=True)
    to_status = code_field(FindingStatus, read_only=True)

    class Meta:
        model = FindingStep
        fields = ["action", "from_status", "to_status", "version", "actor", "at", "comment"]


class FindingSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    issuer = SlugRelatedField(slug_field="code", read_only=True)
    escalated_to = SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    opened_by = serializers.StringRelatedField()
    is_overdue = serializers.BooleanField(read_only=True)
    steps = FindingStepSerializer(many=True, read_only=True)
    status = code_field(FindingStatus, read_only=True)
    category = code_field(FindingCategory, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "unit",
            "unit_name",
            "issuer",
            "issuer_role",
            "project",
            "category",
            "severity",
            "title",
            "description",
            "evidence",
            "order_kind",
            "order_text",
            "deadline_days",
            "due_on",
            "status",
            "version",
            "is_overdue",
            "opened_by",
            "opened_at",
            "answer",
            "answered_at",
            "closed_at",
            "escalated_to",
            "escalated_at",
            "steps",
        ]
        read_only_fields = fields


class FindingCreateSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(is_active=True))
    category = code_field(FindingCategory)

    class Meta:
        model = Finding
        fields = ["unit", *FINDING_FIELDS]
        extra_kwargs = {"evidence_file": {"required": False}}


class AnswerSerializer(SeenVersionSerializer):
    answer = serializers.CharField()
    answer_file = serializers.FileField(required=False)


class CloseSerializer(SeenVersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(SeenVersionSerializer):
    reason = serializers.CharField()


class SupervisionRowSerializer(serializers.Serializer):
    city = serializers.CharField()
    name = serializers.CharField(help_text="The unit.")
    projects = serializers.IntegerField()
    under_review = serializers.IntegerField()
    approved = serializers.IntegerField()
    returned = serializers.IntegerField()
    vetoed = serializers.IntegerField()
    veto_rate = serializers.FloatField(allow_null=True)
    average_days = serializers.FloatField(allow_null=True, help_text="Average review time in working days.")
    findings_open = serializers.IntegerField()
    findings_overdue = serializers.IntegerField()
