from rest_framework import serializers

from cdohub.core.api import SlugRelatedField
from cdohub.org.models import Unit

from ..models import RoleAssignment, User


class UserSerializer(serializers.ModelSerializer):
    home_unit = SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "home_unit", "is_active"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = SlugRelatedField(slug_field="username", queryset=User.objects.all())
    unit = SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    granted_by = SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "unit", "unit_name", "granted_by", "created_at"]
        read_only_fields = ["created_at"]
