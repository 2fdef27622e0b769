from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from . import audit


class AuditContextMiddleware:
    """Attribute every audit entry written during a request to the signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        # DRF authenticates later and sets request.user on this same request object.
        with audit.acting_as(_RequestUser(request), source):
            return self.get_response(request)


class _RequestUser:
    """Resolves the user at write time, after token authentication may have replaced it."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request.user, name)
