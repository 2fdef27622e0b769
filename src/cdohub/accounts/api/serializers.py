from rest_framework import serializers

from cdohub.org.models import Unit

from ..models import RoleAssignment, User


class UserSerializer(serializers.ModelSerializer):
    home_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "home_unit", "is_active"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "unit", "unit_name", "granted_by", "created_at"]
        read_only_fields = ["created_at"]
