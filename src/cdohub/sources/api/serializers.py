"""API representations of data sources, discovery runs and discovered tables.

The password is write-only: it is accepted on create and change and never returned in any form;
a source says only whether it has one (`has_password`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from cdohub.core.api import SlugRelatedField
from cdohub.org.models import Unit

from .. import services
from ..choices import SourceKind
from ..models import DataSource, DiscoveredTable, DiscoveryRun


class SourceUnitSerializer(serializers.Serializer):
    """The unit a source belongs to."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class DataSourceSerializer(serializers.ModelSerializer):
    """A registered source: where it is, how it is, never its password."""

    unit = SourceUnitSerializer(read_only=True)
    created_by = SlugRelatedField(slug_field="username", read_only=True)
    has_password = serializers.BooleanField(read_only=True)
    schemas = serializers.CharField(read_only=True)

    class Meta:
        model = DataSource
        fields = [
            "id",
            "unit",
            "name",
            "kind",
            "host",
            "port",
            "database",
            "username",
            "has_password",
            "schemas",
            "path",
            "health",
            "last_checked_at",
            "last_error",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StrictSerializerMixin:
    """Refuse fields the endpoint does not take, rather than silently ignoring them."""

    def validate(self, attrs):
        unknown = set(getattr(self, "initial_data", {})) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
        return super().validate(attrs)


class DataSourceUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    """What may change on a source. A blank or absent password keeps the stored one."""

    name = serializers.CharField(max_length=200, required=False)
    host = serializers.CharField(max_length=255, required=False, allow_blank=True)
    port = serializers.IntegerField(min_value=1, max_value=65535, required=False, allow_null=True)
    database = serializers.CharField(max_length=255, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=gettext_lazy("Stored encrypted and never returned."),
    )
    schemas = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Comma-separated schema names; blank for all."),
    )
    path = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("A SQLite file or a folder of files, inside the allowed folders."),
    )


class DataSourceCreateSerializer(DataSourceUpdateSerializer):
    unit = SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=SourceKind.choices)

    def get_fields(self):
        fields = super().get_fields()
        order = ["unit", "name", "kind", *services.SOURCE_FIELDS[2:], "password"]
        return {name: fields[name] for name in order}


class DiscoveryRunSerializer(serializers.ModelSerializer):
    """A discovery run and its progress."""

    requested_by = SlugRelatedField(slug_field="username", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = DiscoveryRun
        fields = [
            "id",
            "source",
            "status",
            "tables_total",
            "tables_done",
            "percent",
            "started_at",
            "finished_at",
            "error",
            "requested_by",
            "created_at",
        ]
        read_only_fields = fields


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.IntegerField()
    data_type = serializers.CharField(
        help_text=gettext_lazy(
            "Portable type: string, integer, decimal, float, boolean, date, datetime, time, binary, "
            "json or other."
        )
    )
    native_type = serializers.CharField(help_text=gettext_lazy("The type as the source names it."))
    length = serializers.IntegerField(allow_null=True)
    scale = serializers.IntegerField(allow_null=True)
    nullable = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)


class DiscoveredTableSerializer(serializers.ModelSerializer):
    """A table, view, file or sheet as a successful run found it."""

    source = serializers.IntegerField(source="run.source_id", read_only=True)
    columns = ColumnSerializer(many=True, read_only=True)

    class Meta:
        model = DiscoveredTable
        fields = [
            "id",
            "run",
            "source",
            "schema",
            "name",
            "kind",
            "comment",
            "row_count",
            "row_count_exact",
            "columns",
        ]
        read_only_fields = fields


class TableRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    schema = serializers.CharField()
    name = serializers.CharField()
    comment = serializers.CharField()


class RetypedSerializer(serializers.Serializer):
    name = serializers.CharField()
    before = ColumnSerializer()
    after = ColumnSerializer()


class TableChangeSerializer(serializers.Serializer):
    table = TableRefSerializer()
    new_columns = ColumnSerializer(many=True)
    dropped_columns = ColumnSerializer(many=True)
    retyped_columns = RetypedSerializer(many=True)


class RunDiffSerializer(serializers.Serializer):
    """What changed since the source's previous successful run."""

    run = serializers.IntegerField(source="run.pk")
    previous_run = serializers.IntegerField(source="previous.pk", allow_null=True)
    new_tables = TableRefSerializer(many=True)
    dropped_tables = TableRefSerializer(many=True)
    changed_tables = TableChangeSerializer(many=True)
