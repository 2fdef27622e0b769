"""DRF base classes: every viewset reads through the permission gate and writes through services."""

from collections.abc import MutableMapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import is_list_serializer
from rest_framework import exceptions, generics, mixins, serializers, views, viewsets
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


class ModelSerializer(serializers.ModelSerializer[Any]):
    # No docstring: the schema would show it for every serializer without its own.
    # Read-only fields keep the model's `blank`, which DRF drops: a draft's unset choice is `""`,
    # and the schema says so.

    def include_extra_kwargs(
        self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank:
            kwargs["allow_blank"] = True
        return kwargs


class SlugRelatedField(serializers.SlugRelatedField[Any]):
    """A slug with a NUL character names nothing; PostgreSQL would refuse the lookup with an error."""

    def to_internal_value(self, data: Any) -> Any:
        if "\x00" in str(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data).replace("\x00", ""))
        return super().to_internal_value(data)


class ConflictError(exceptions.APIException):
    status_code = http.HTTP_409_CONFLICT
    default_detail = _("Someone else acted first. Reload to see the current state.")
    default_code = "conflict"


class AutoSchema(openapi.AutoSchema):
    """A plain ViewSet's `list` (a search, a set of scores) answers one object, not an array of
    them, unless its response is declared `many`; only `list` pages, an action's rows come whole."""

    def _get_paginator(self) -> Any:
        pagination_class = getattr(self.view, "pagination_class", None)
        if pagination_class is None or getattr(self.view, "action", "list") != "list":
            return None
        return pagination_class()

    def _is_list_view(self, serializer: Any = None) -> bool:
        if isinstance(self.view, generics.GenericAPIView):
            return super()._is_list_view(serializer)
        responses = self.get_response_serializers() if serializer is None else serializer
        if isinstance(responses, dict) and responses:
            responses = responses[min(responses, key=str)]
        return is_list_serializer(responses)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django's ValidationError from a service becomes a 400 with its messages; a stale version, 409."""
    if isinstance(exc, Conflict):
        exc = ConflictError(" ".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    return views.exception_handler(exc, context)


COMMON_ERRORS = {
    "400": _("The request is invalid: the body names each field's errors."),
    "401": _("Not signed in, or the token is invalid, expired, revoked or its account locked."),
    "403": _("Signed in, but not allowed to do this."),
    "404": _("Not found, or not visible to you."),
}
WRITE_ERRORS = {"409": _("The version is stale: someone else acted first.")}


def document_common_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Schema postprocessing: every operation may answer the common error statuses, and every write
    a 409, with DRF's error body; an operation's own description of a status is kept."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "description": "`detail`, or each field's messages.",
        "additionalProperties": True,
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            statuses = COMMON_ERRORS | (WRITE_ERRORS if method != "get" else {})
            for status, description in statuses.items():
                response = operation["responses"].setdefault(status, {"description": str(description)})
                response.setdefault("content", error)
    return result
