from typing import Any

from django.conf import settings
from django.http import HttpRequest

from cdohub import __version__

from .notifications import unread_count


def platform(request: HttpRequest) -> dict[str, Any]:
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        unread = unread_count(user)
    return {
        "platform_name": settings.CDOHUB["SITE_NAME"],  # not "site_name": auth views set that to the host
        "version": __version__,
        "unread_notifications": unread,
    }
