"""The framework's own routes for each kind of user: the workbench (home page), notifications, the
API root and its schema, the language switch, the health check and the download of a refused import."""

from django.contrib.auth import get_user_model

from cdohub.core.models import Notification
from cdohub.core.testing import KINDS, SIGNED_IN, Route, RoutePermissions, Skip, pk

OPEN = dict.fromkeys(KINDS, 200)
REDIRECT = dict.fromkeys(KINDS, 302)
# Each person's own: someone else's notification is a 404 like a missing one, to everyone else.
NOT_THEIRS = {"reader": 404}
EVERYONE_DONE = dict.fromkeys(("outsider", "department", "reader"), "success")


class TestCoreRoutes(RoutePermissions):
    """The demo's own accounts: core imports no domain app, not even in its tests."""

    outsider = "maoming_bureau"
    department = "maoming_specialist"  # 茂名市公安局 only
    reader = "maoming_staff"
    permitted = "maonan_bureau"

    @classmethod
    def build_world(cls):
        recipient = get_user_model().objects.get(username=cls.permitted)
        return {"notice": Notification.objects.create(recipient=recipient, title="A notice", url="/catalog/")}

    routes = [
        Route("home", expect=SIGNED_IN, note="the workbench: each person's own to-dos"),
        Route("core:home", expect=SIGNED_IN, note="the workbench: each person's own to-dos"),
        Route("core:notifications", expect=SIGNED_IN),
        Route("core:notification_open", kwargs={"pk": pk("notice")}, expect=NOT_THEIRS),
        Route("core:notification_read", kwargs={"pk": pk("notice")}, method="post", expect=NOT_THEIRS),
        Route("core:notifications_read_all", method="post", expect=EVERYONE_DONE, note="one's own"),
        Route(
            "core:notification_digest",
            method="post",
            data={"email_digest": "on"},
            expect=EVERYONE_DONE,
            note="one's own preference",
        ),
        Route(
            "core:import_result",
            kwargs={"token": "nope"},
            reader="maonan_bureau",
            permitted=Skip(
                "a result belongs to the session that imported: org/tests/test_import.py downloads it"
            ),
            note="an unknown token is a 404 to everyone",
            expect={"reader": 404},
        ),
        Route("healthz", expect=OPEN, note="for the load balancer"),
        Route("api-root", expect=SIGNED_IN),
        Route("schema", expect=OPEN, note="the OpenAPI description is public"),
        Route("docs", expect=OPEN, note="the OpenAPI description is public"),
        Route("set_language", method="post", data={"language": "en"}, expect=REDIRECT),
    ]
