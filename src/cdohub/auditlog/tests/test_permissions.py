"""The audit log routes for each kind of user. A probe entry about 茂南区's 人社局 is in 茂南's
bureau's scope and out of 电白区's; the department-scoped specialist and the staff member read no log."""

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast
from cdohub.core import audit
from cdohub.core.testing import Absent, Route, RoutePermissions
from cdohub.org.models import Unit

# Registered for the whole session: labelled in Chinese, as pages read by other tests show them.
PROBE = audit.event("test.auditlog_route_probe", "路由探测", "note")
NOT_READERS = {"department": 403}
ANY_READER = "the check covers the whole chain, the export the reader's own scope: any reader may run them"


class TestAuditLogRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maonan_bureau"

    @classmethod
    def build_world(cls):
        cast()
        unit = Unit.objects.get(code="440902-RS")
        with audit.acting_as(User.objects.get(username="admin"), "web"):
            entry = audit.record_event(PROBE, unit, note="probe")
        return {"probe": entry}

    routes = [
        Route(
            "auditlog:log",
            outsider=Absent("dianbai_bureau", "probe", field="object_repr"),
            expect=NOT_READERS,
            note="a specialist or staff member reads no audit log: 403 wherever they work",
        ),
        Route(
            "auditlog:log",
            data={"object_type": "org.unit", "text": "人力资源"},
            outsider=Absent("dianbai_bureau", "probe", field="object_repr"),
            expect=NOT_READERS,
            label="auditlog:log-filtered",
        ),
        Route(
            "auditlog:verify", method="post", expect={"outsider": "success", **NOT_READERS}, note=ANY_READER
        ),
        Route(
            "auditlog:verify",
            method="post",
            permitted="gd_auditor",
            label="auditlog:verify-auditor",
            expect={"outsider": "success", **NOT_READERS},
            note=ANY_READER,
        ),
        Route("auditlog:export", expect={"outsider": 200, **NOT_READERS}, note=ANY_READER),
    ]
