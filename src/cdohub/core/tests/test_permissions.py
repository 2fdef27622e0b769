"""The framework's own routes for each kind of user: the home page, notifications, the API root and
its schema, the language switch, the health check and the download of a refused import."""

from cdohub.core.testing import KINDS, SIGNED_IN, Route, RoutePermissions, Skip

OPEN = dict.fromkeys(KINDS, 200)
REDIRECT = dict.fromkeys(KINDS, 302)


class TestCoreRoutes(RoutePermissions):
    """The demo's own accounts: core imports no domain app, not even in its tests."""

    outsider = "maoming_bureau"
    department = "maoming_specialist"  # 茂名市公安局 only
    reader = "maoming_staff"
    permitted = "maonan_bureau"

    routes = [
        Route("home", expect=REDIRECT, note="to the dashboard, which asks for sign-in"),
        Route("core:home", expect=REDIRECT, note="to the dashboard, which asks for sign-in"),
        Route("core:notifications", expect=SIGNED_IN),
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
