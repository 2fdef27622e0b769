"""API representations of appointments, implementation plans, filing status and the roster.

Read serializers describe an object; write serializers only parse a request body, whose
validated data goes to `appointments.services` (never saved here).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cdohub.core.api import ModelSerializer, SlugRelatedField
from cdohub.core.permissions import restrict
from cdohub.org.choices import DIMENSIONS, ScopeCategory
from cdohub.org.models import PilotProgram, Unit

from .. import rules, services
from ..choices import UnitFilingState
from ..models import Appointment, FilingDecision, ImplementationPlan

# The six dimensions of an implementation plan, when the program file does not name its own.
DIMENSION_KEYS = tuple(key for key, _label in DIMENSIONS)


class VisibleSlugRelatedField(SlugRelatedField):
    """A slug lookup among the objects the requesting user may see (through the permission gate)."""

    def get_queryset(self):
        request = self.context.get("request")
        return restrict(getattr(request, "user", None), "view", super().get_queryset())


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PostRefSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


def post_ref(program: PilotProgram, key: str, context: dict) -> dict:
    """{key, label} of a post, parsing each program's rules once per response."""
    cache = context.setdefault("_posts", {}) if isinstance(context, dict) else {}
    if program.pk not in cache:
        try:
            cache[program.pk] = rules.posts(program)
        except DjangoValidationError:
            cache[program.pk] = {}
    post = cache[program.pk].get(key)
    return {"key": key, "label": post.label if post else key}


class FilingDecisionSerializer(serializers.ModelSerializer):
    actor = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = FilingDecision
        fields = ["action", "from_status", "to_status", "version", "actor", "at", "comment"]

    def get_fields(self):
        # "from" and "to" are Python keywords, so they cannot be declared as class attributes.
        # Plain strings in the schema: a second name for the status enum would make the schema
        # generator warn (the values are those of `status`).
        fields = super().get_fields()
        renamed = {"from_status": "from", "to_status": "to"}
        help_text = gettext_lazy("A filing status: draft, submitted, returned or filed.")
        return {
            renamed.get(name, name): (
                serializers.CharField(source=name, read_only=True, help_text=help_text)
                if name in renamed
                else field
            )
            for name, field in fields.items()
        }


class FilingSerializer(ModelSerializer):
    """What an appointment and a plan share: where it stands in the filing workflow."""

    program = SlugRelatedField(slug_field="code", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    filing_body = UnitRefSerializer(read_only=True)
    submitted_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    created_by = SlugRelatedField(slug_field="username", read_only=True)
    document_url = serializers.SerializerMethodField()
    decisions = FilingDecisionSerializer(many=True, read_only=True)

    common_fields = [
        "id",
        "program",
        "unit",
        "filing_body",
        "status",
        "version",
        "document_number",
        "document_date",
        "document_url",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "return_reason",
        "created_by",
        "created_at",
        "updated_at",
        "decisions",
    ]

    def get_document_url(self, filing) -> str | None:
        if not filing.document:
            return None
        url = reverse(f"{filing._meta.model_name}-document", args=[filing.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AppointmentSerializer(FilingSerializer):
    """A CDO appointment: the post, the person, the bodies and the filing history."""

    post = serializers.SerializerMethodField()
    appointing_body = UnitRefSerializer(read_only=True)

    class Meta:
        model = Appointment
        fields = [
            *FilingSerializer.common_fields[:4],
            "post",
            "appointing_body",
            "person_name",
            "position",
            "rank",
            "in_charge_of_digital_government",
            "phone",
            "justification",
            "flagged",
            "effective_on",
            "ends_on",
            "end_reason",
            "end_document_number",
            "predecessor",
            *FilingSerializer.common_fields[4:],
        ]
        read_only_fields = fields

    @extend_schema_field(PostRefSerializer)
    def get_post(self, appointment) -> dict:
        return post_ref(appointment.program, appointment.post, self.context)


class ImplementationPlanSerializer(FilingSerializer):
    """An implementation plan: its six dimensions, the document and the filing history."""

    class Meta:
        model = ImplementationPlan
        fields = [
            *FilingSerializer.common_fields[:4],
            "title",
            "dimensions",
            *FilingSerializer.common_fields[4:],
        ]
        read_only_fields = fields


# Request bodies --------------------------------------------------------------------------------


class StrictSerializerMixin:
    """Refuse fields the endpoint does not take, rather than silently ignoring them."""

    def validate(self, attrs):
        unknown = set(getattr(self, "initial_data", {})) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
        return super().validate(attrs)


APPOINTMENT_WRITE_FIELDS = list(services.APPOINTMENT_FIELDS)
PLAN_WRITE_FIELDS = list(services.PLAN_FIELDS)


class AppointmentUpdateSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """The fields of a draft or returned appointment its preparer may change."""

    document = serializers.FileField(
        required=False, help_text=gettext_lazy("The appointment letter, a PDF (multipart upload).")
    )

    class Meta:
        model = Appointment
        fields = APPOINTMENT_WRITE_FIELDS
        validators = []  # the service checks every rule, uniqueness included


class AppointmentCreateSerializer(AppointmentUpdateSerializer):
    program = VisibleSlugRelatedField(slug_field="code", queryset=PilotProgram.objects.all())
    unit = VisibleSlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    post = serializers.CharField(max_length=64, help_text=gettext_lazy("The key of a post of the program."))

    class Meta(AppointmentUpdateSerializer.Meta):
        fields = ["program", "unit", "post", *APPOINTMENT_WRITE_FIELDS]


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class DimensionsField(serializers.JSONField):
    """A JSON object of texts by dimension key; JSON text in a multipart body."""

    default_error_messages = {"invalid": gettext_lazy("Give the dimensions as a JSON object of texts.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail("invalid")
        return value


class PlanUpdateSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    document = serializers.FileField(
        required=False, help_text=gettext_lazy("The implementation plan, a PDF (multipart upload).")
    )
    dimensions = DimensionsField(
        required=False,
        help_text=gettext_lazy(
            "The six dimensions by key: objectives, scope, organisation, responsibilities, steps, "
            "safeguards. In a multipart body, a JSON object as text."
        ),
    )

    class Meta:
        model = ImplementationPlan
        fields = PLAN_WRITE_FIELDS
        validators = []

    def program_for(self, attrs) -> PilotProgram | None:
        return attrs.get("program") or getattr(self.instance, "program", None)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        dimensions = attrs.get("dimensions")
        if dimensions is not None:
            program = self.program_for(attrs)
            known = tuple((program.dimensions if program else None) or DIMENSION_KEYS)
            unknown = set(dimensions) - set(known)
            if unknown:
                raise serializers.ValidationError(
                    {
                        "dimensions": [
                            _("Unknown dimensions: %(keys)s; the dimensions are %(known)s.")
                            % {"keys": ", ".join(sorted(unknown)), "known": ", ".join(known)}
                        ]
                    }
                )
        return attrs


class PlanCreateSerializer(PlanUpdateSerializer):
    program = VisibleSlugRelatedField(slug_field="code", queryset=PilotProgram.objects.all())
    unit = VisibleSlugRelatedField(slug_field="code", queryset=Unit.objects.all())

    class Meta(PlanUpdateSerializer.Meta):
        fields = ["program", "unit", *PLAN_WRITE_FIELDS]


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The version you saw; a stale one is refused with 409."),
    )


class FileSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=gettext_lazy("The version you saw; a stale one is refused with 409.")
    )


class ReturnSerializer(FileSerializer):
    reason = serializers.CharField(help_text=gettext_lazy("Why the filing is returned to its preparer."))


class EndSerializer(serializers.Serializer):
    ends_on = serializers.DateField(
        help_text=gettext_lazy("The day the term ends: from that day the person no longer holds the post.")
    )
    document_number = serializers.CharField(max_length=100, help_text=gettext_lazy("Removal document."))


class BodiesQuerySerializer(serializers.Serializer):
    program = VisibleSlugRelatedField(slug_field="code", queryset=PilotProgram.objects.all())
    unit = VisibleSlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    post = serializers.CharField(help_text=gettext_lazy("The key of a post of the program."))


class BodiesSerializer(serializers.Serializer):
    appointing_body = UnitRefSerializer(source="appointing")
    filing_body = UnitRefSerializer(source="filing")


class ProgramQuerySerializer(serializers.Serializer):
    program = VisibleSlugRelatedField(
        slug_field="code", queryset=PilotProgram.objects.all(), help_text=gettext_lazy("The program's code.")
    )


# Filing status and roster ----------------------------------------------------------------------


class FilingStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=UnitFilingState.choices)
    filing_id = serializers.SerializerMethodField()
    due_on = serializers.DateField(allow_null=True)
    late_days = serializers.IntegerField()
    overdue = serializers.BooleanField()

    def get_filing_id(self, state) -> int | None:
        return state.filing.pk if state.filing is not None else None


class AppointmentStateSerializer(FilingStateSerializer):
    flagged = serializers.BooleanField()
    holder = serializers.SerializerMethodField()

    def get_holder(self, state) -> str | None:
        """The holder's name, once the appointment is filed."""
        if state.state == UnitFilingState.FILED and state.filing is not None:
            return state.filing.person_name
        return None


class PilotStatusSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    category = serializers.ChoiceField(choices=ScopeCategory.choices, source="member.category")
    city = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()
    appointment = AppointmentStateSerializer(allow_null=True)
    plan = FilingStateSerializer(allow_null=True)

    def get_city(self, row) -> str | None:
        """The code of the pilot city the unit counts under (none for a provincial department)."""
        return row.group.unit.code if row.group is not None else None

    def get_post(self, row) -> str | None:
        return row.post.key if row.post is not None else None


class RosterEntrySerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    post = PostRefSerializer()
    appointment_id = serializers.SerializerMethodField()
    person_name = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()
    effective_on = serializers.SerializerMethodField()
    vacant = serializers.BooleanField()

    def _field(self, entry, name):
        return getattr(entry.appointment, name) if entry.appointment is not None else None

    def get_appointment_id(self, entry) -> int | None:
        return self._field(entry, "pk")

    def get_person_name(self, entry) -> str | None:
        return self._field(entry, "person_name")

    def get_position(self, entry) -> str | None:
        return self._field(entry, "position")

    def get_rank(self, entry) -> str | None:
        return self._field(entry, "rank")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_effective_on(self, entry):
        return self._field(entry, "effective_on")
