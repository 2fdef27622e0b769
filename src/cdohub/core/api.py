"""DRF base classes: every viewset reads through the permission gate and writes through services."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, mixins, views, viewsets
from rest_framework import status as http
from rest_framework.response import Response

from .permissions import restrict
from .workflow import Conflict


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    """List and retrieve only what the user may see; anything else is a 404."""

    view_action = "view"

    def get_queryset(self) -> QuerySet[Model]:
        return restrict(self.request.user, self.view_action, super().get_queryset())


class ScopedViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedReadOnlyViewSet,
):
    """Writes go through the app's services, which check the change permission (403)."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


class ConflictError(exceptions.APIException):
    status_code = http.HTTP_409_CONFLICT
    default_detail = _("Someone else acted first. Reload to see the current state.")
    default_code = "conflict"


CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("The version is stale: someone else acted first.")
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django's ValidationError from a service becomes a 400 with its messages; a stale version, 409."""
    if isinstance(exc, Conflict):
        exc = ConflictError(" ".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    return views.exception_handler(exc, context)
