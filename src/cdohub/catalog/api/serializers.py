from rest_framework import serializers

from cdohub.core.api import ModelSerializer, SlugRelatedField
from cdohub.org.models import Unit

from .. import rules
from ..choices import CAMPAIGN_FIELDS, DataType
from ..models import (
    CensusCampaign,
    Classification,
    InformationItem,
    Participation,
    Resource,
    ResourceDecision,
)


class ClassificationSerializer(serializers.ModelSerializer):
    parent = SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Classification
        fields = ["code", "name", "parent"]


class ItemSerializer(serializers.ModelSerializer):
    data_type = serializers.ChoiceField(choices=DataType.choices)

    class Meta:
        model = InformationItem
        fields = ["position", "name", "column_name", "data_type", "length", "description"]
        read_only_fields = ["position"]


class DecisionSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ResourceDecision
        fields = ["action", "from_status", "to_status", "version", "comment", "actor", "at"]


class ResourceSerializer(ModelSerializer):
    """A resource as the catalog publishes it; a classified one shows its title only."""

    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    classification = SlugRelatedField(slug_field="code", read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "code",
            "unit",
            "unit_name",
            "provider_code",
            "campaign",
            *rules.RESOURCE_FIELDS,
            "status",
            "version",
            "completeness",
            "return_reason",
            "submitted_at",
            "published_at",
            "items",
            "decisions",
        ]
        read_only_fields = fields

    TITLE_ONLY = {
        "id",
        "code",
        "name",
        "unit",
        "unit_name",
        "provider_code",
        "classification",
        "is_classified",
    }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.is_classified:
            return {k: v for k, v in data.items() if k in self.TITLE_ONLY | {"status", "version"}}
        return data


class ResourceWriteSerializer(serializers.ModelSerializer):
    """What a registrar sends: the metadata and, optionally, the whole list of items."""

    classification = SlugRelatedField(slug_field="code", queryset=Classification.objects.all())
    items = ItemSerializer(many=True, required=False)
    related_codes = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = Resource
        fields = [*rules.RESOURCE_FIELDS, "items"]
        extra_kwargs = {"name": {"required": False}}


class ResourceCreateSerializer(ResourceWriteSerializer):
    unit = SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    campaign = serializers.PrimaryKeyRelatedField(queryset=CensusCampaign.objects.all(), required=False)

    class Meta(ResourceWriteSerializer.Meta):
        fields = ["unit", "campaign", *ResourceWriteSerializer.Meta.fields]
        extra_kwargs = {"name": {"required": True}}


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you saw; a stale one is a 409.")


class ResourceReturnSerializer(VersionSerializer):
    reason = serializers.CharField()


class ParticipationSerializer(serializers.ModelSerializer):
    unit = SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "unit", "unit_name", "status", "version", "submitted_at"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    organiser = SlugRelatedField(slug_field="code", read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)

    class Meta:
        model = CensusCampaign
        fields = [
            "id",
            "name",
            "organiser",
            "deadline",
            "required_fields",
            "instructions",
            "status",
            "launched_at",
            "participations",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organiser = SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    deadline = serializers.DateField()
    units = SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), many=True)
    required_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=CAMPAIGN_FIELDS), required=False, default=list
    )
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class FiguresSerializer(serializers.Serializer):
    unit = serializers.CharField(source="participation.unit.code")
    unit_name = serializers.CharField(source="participation.unit.name")
    status = serializers.CharField(source="participation.status")
    registered = serializers.IntegerField(source="figures.registered")
    completeness = serializers.FloatField(source="figures.completeness")
    submitted = serializers.IntegerField(source="figures.submitted")
    reviewed_share = serializers.FloatField(source="figures.reviewed_share")
    published = serializers.IntegerField(source="figures.published")
    late_days = serializers.IntegerField(source="figures.late_days")


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    provider = serializers.IntegerField(required=False)
    city = serializers.CharField(required=False)
    share_type = serializers.CharField(required=False)
    format = serializers.CharField(required=False)
    catalog_item = serializers.CharField(required=False)
    update_cycle = serializers.CharField(required=False)
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    facet_limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10000,
        default=50,
        help_text="The most frequent values given per facet.",
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ResourceSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))
