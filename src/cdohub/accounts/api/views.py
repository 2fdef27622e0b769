import django_filters

from cdohub.core.api import ScopedReadOnlyViewSet, ScopedViewSet
from cdohub.org.choices import Role

from .. import services
from ..models import RoleAssignment, User
from .serializers import RoleAssignmentSerializer, UserSerializer


class RoleAssignmentFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code")
    user = django_filters.CharFilter(field_name="user__username")
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = RoleAssignment
        fields = ["unit", "user", "role"]


class RoleAssignmentViewSet(ScopedViewSet):
    """Role assignments in your scope. POST grants a role on a unit; DELETE revokes it."""

    queryset = RoleAssignment.objects.select_related("user", "unit", "granted_by").order_by("id")
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.grant_role(self.request.user, data["user"], data["role"], data["unit"])

    def perform_destroy(self, instance):
        services.revoke_role(self.request.user, instance)


class UserViewSet(ScopedReadOnlyViewSet):
    """Users whose home unit is in your scope."""

    queryset = User.objects.select_related("home_unit").order_by("id")
    serializer_class = UserSerializer
    filterset_fields = ["is_active"]
