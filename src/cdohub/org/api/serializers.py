from rest_framework import serializers

from cdohub.core.api import SlugRelatedField

from ..models import Milestone, PilotProgram, Region, ScopeMember, Unit


class RegionSerializer(serializers.ModelSerializer):
    parent = SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "has_districts"]


class UnitSerializer(serializers.ModelSerializer):
    region = SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    parent = serializers.SerializerMethodField()
    ancestors = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "level",
            "region",
            "depth",
            "parent",
            "ancestors",
            "is_active",
        ]
        read_only_fields = ["level", "depth", "is_active"]

    def _ancestors(self, unit) -> list[dict]:
        known = self.context.get("ancestors", {})
        return [
            {"id": a.pk, "code": a.code, "name": a.name}
            for a in (known.get(p) for p in unit.ancestor_paths())
            if a is not None
        ]

    def get_parent(self, unit) -> str | None:
        chain = self._ancestors(unit)
        return chain[-1]["code"] if chain else None

    def get_ancestors(self, unit) -> list[dict]:
        return self._ancestors(unit)


class UnitCreateSerializer(UnitSerializer):
    parent_code = SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), write_only=True)

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "parent_code"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["key", "title", "due_on", "description", "reminder_offsets"]


class PilotProgramSerializer(serializers.ModelSerializer):
    region = SlugRelatedField(slug_field="code", read_only=True)
    owner_unit = SlugRelatedField(slug_field="code", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = PilotProgram
        fields = [
            "code",
            "name",
            "issuer",
            "document_number",
            "issued_on",
            "region",
            "owner_unit",
            "organisational_model",
            "dimensions",
            "rules",
            "milestones",
            "is_active",
        ]


class ScopeMemberSerializer(serializers.ModelSerializer):
    program = SlugRelatedField(slug_field="code", read_only=True)
    unit = SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    # Null for a member the program file names; a nomination must name its pilot city.
    parent = serializers.PrimaryKeyRelatedField(
        queryset=ScopeMember.objects.all(), allow_null=True, help_text="The pilot city's scope member id."
    )
    nominated_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ScopeMember
        fields = [
            "id",
            "program",
            "unit",
            "unit_name",
            "category",
            "parent",
            "nominated_by",
            "note",
            "created_at",
        ]
        read_only_fields = ["category", "created_at"]

    def validate_parent(self, parent):
        if parent is None:
            raise serializers.ValidationError(serializers.Field.default_error_messages["null"])
        return parent


class ComplianceSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    city = serializers.CharField(source="member.unit.name")
    city_code = serializers.CharField(source="member.unit.code")
    compliant = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
