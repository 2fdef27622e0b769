from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cdohub.catalog.choices import DataType
from cdohub.core.api import SlugRelatedField
from cdohub.org.models import Unit

from .. import rules, services
from ..choices import StandardStatus, validator_choices
from ..models import CodeSet, DataElement, ElementLink


class StatusField(serializers.ChoiceField):
    """draft or published (StandardStatusEnum in the schema)."""

    def __init__(self, **kwargs):
        super().__init__(choices=StandardStatus.choices, read_only=True, **kwargs)


class RuleSpecSerializer(serializers.Serializer):
    """A quality rule spec as the quality engine takes it (quality.engine KINDS)."""

    kind = serializers.CharField()
    params = serializers.DictField()
    severity = serializers.CharField()
    weight = serializers.FloatField()


class CodeValueSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    parent = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class CodeSetSerializer(serializers.ModelSerializer):
    owner = SlugRelatedField(slug_field="code", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    status = StatusField()
    values = serializers.SerializerMethodField()

    class Meta:
        model = CodeSet
        fields = [
            "id",
            "identifier",
            "name",
            "standard",
            "description",
            "owner",
            "owner_name",
            "status",
            "version",
            "published_at",
            "values",
        ]
        read_only_fields = fields

    @extend_schema_field(CodeValueSerializer(many=True))
    def get_values(self, code_set) -> list[dict]:
        return services.code_values(code_set)


class StandardWriteSerializer(serializers.Serializer):
    """The fields a code set and a data element share, each optional (a change names what changes)."""

    identifier = serializers.CharField(max_length=64, required=False)
    name = serializers.CharField(max_length=200, required=False)
    standard = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner = SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), required=False)
    version = serializers.IntegerField(required=False, help_text="The version you saw (409 when stale).")


class StandardCreateFields(serializers.Serializer):
    """What a new code set or data element must have (listed first among its bases)."""

    identifier = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    owner = SlugRelatedField(slug_field="code", queryset=Unit.objects.all())


class CodeSetWriteSerializer(StandardWriteSerializer):
    description = serializers.CharField(required=False, allow_blank=True)
    values = CodeValueSerializer(many=True, required=False)


class CodeSetCreateSerializer(StandardCreateFields, CodeSetWriteSerializer):
    pass


class DataElementSerializer(serializers.ModelSerializer):
    owner = SlugRelatedField(slug_field="code", read_only=True)
    code_set = SlugRelatedField(slug_field="identifier", read_only=True, allow_null=True)
    status = StatusField()
    rules = serializers.SerializerMethodField(help_text="The quality rules it implies for a text column.")

    class Meta:
        model = DataElement
        fields = ["id", *rules.ELEMENT_FIELDS, "owner", "status", "version", "published_at", "rules"]
        read_only_fields = fields

    @extend_schema_field(RuleSpecSerializer(many=True))
    def get_rules(self, element) -> list[dict]:
        return rules.implied_rules(element)


class DataElementWriteSerializer(StandardWriteSerializer):
    definition = serializers.CharField(required=False, allow_blank=True)
    data_type = serializers.ChoiceField(choices=DataType.choices, required=False)
    max_length = serializers.IntegerField(required=False, allow_null=True)
    min_length = serializers.IntegerField(required=False, allow_null=True)
    format = serializers.CharField(max_length=64, required=False, allow_blank=True)
    pattern = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    code_set = SlugRelatedField(
        slug_field="identifier", queryset=CodeSet.objects.all(), required=False, allow_null=True
    )
    validator = serializers.ChoiceField(choices=validator_choices(), required=False, allow_blank=True)


class DataElementCreateSerializer(StandardCreateFields, DataElementWriteSerializer):
    data_type = serializers.ChoiceField(choices=DataType.choices)


class StandardVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class ElementLinkSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    column_name = serializers.CharField(source="item.column_name", read_only=True)
    resource = serializers.CharField(source="item.resource.code", read_only=True)
    element = SlugRelatedField(slug_field="identifier", read_only=True)
    linked_by = serializers.StringRelatedField()
    rules = serializers.SerializerMethodField(help_text="The quality rules the link implies for the item.")

    class Meta:
        model = ElementLink
        fields = [
            "id",
            "item",
            "item_name",
            "column_name",
            "resource",
            "element",
            "linked_by",
            "linked_at",
            "rules",
        ]
        read_only_fields = fields

    @extend_schema_field(RuleSpecSerializer(many=True))
    def get_rules(self, link) -> list[dict]:
        return rules.implied_rules(link.element, data_type=link.item.data_type)


class ElementLinkCreateSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="The information item's id.")
    element = SlugRelatedField(slug_field="identifier", queryset=DataElement.objects.all())
