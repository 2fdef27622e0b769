"""Generated permission tests.

Each app declares its routes once, in its own `tests/test_permissions.py`, as a subclass of
`RoutePermissions`; every declaration becomes one test per kind of user:

- anonymous: a page redirects to sign-in, the API answers 401;
- outsider: a user of another region or unit does not see the row, 404 (on a list: `Absent`);
- department: a user whose role is limited to one department unit, out of reach like the outsider
  unless the declaration expects otherwise;
- reader: a user in scope without the right, 403;
- permitted: a user in scope with the right, 2xx (or the redirect a successful form post gives).

A refused write leaves no trace in the audit log, so it changed nothing. The world the routes act on
is built once per class (`build_world`) inside a transaction rolled back at the end; each test runs
in a savepoint of it.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, NoReturn

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from cdohub.core.models import AuditEntry

KINDS = ("anonymous", "outsider", "department", "reader", "permitted")
# `expect` for a route every signed-in user may use.
SIGNED_IN = {"outsider": 200, "department": 200, "reader": 200}
# `expect` for a read open to everyone in scope: the reader has the right to it.
IN_SCOPE = {"reader": 200}
WRITES = ("post", "put", "patch", "delete")


World = dict[str, Any]  # the objects a class's tests act on, by key


@dataclass(frozen=True)
class Skip:
    """This kind of user is not checked here: the outcome depends on state covered elsewhere."""

    reason: str


@dataclass(frozen=True)
class Absent:
    """A list answered with 200 that must not hold these world rows (matched by `field`); the
    permitted user's answer must hold them, so the check is not vacuous."""

    user: str
    rows: tuple[str, ...]
    field: str = "name"

    def __init__(self, user: str, *rows: str, field: str = "name"):
        object.__setattr__(self, "user", user)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "field", field)

    def texts(self, world: World) -> list[str]:
        return [str(_attribute(world[key], self.field)) for key in self.rows]


@dataclass(frozen=True)
class Ref:
    """A world object, or a path of attributes on it, resolved when the test runs."""

    key: str
    path: str = ""

    def resolve(self, world: World) -> Any:
        return _attribute(world[self.key], self.path) if self.path else world[self.key]


def row(key: str) -> Ref:
    """The world object `key`."""
    return Ref(key)


def pk(key: str) -> Ref:
    """The primary key of the world object `key`."""
    return Ref(key, "pk")


def link(key: str, path: str) -> Ref:
    """A dotted attribute path on the world object `key` (methods on the way are called),
    e.g. link("other_source", "runs.get.pk")."""
    return Ref(key, path)


def _attribute(obj: Any, path: str) -> Any:
    for name in path.split(".") if path else ():
        obj = getattr(obj, name)
        if inspect.ismethod(obj):
            obj = obj()
    return obj


def resolve(value: Any, world: World) -> Any:
    if isinstance(value, Ref):
        return value.resolve(world)
    if isinstance(value, dict):
        return {k: resolve(v, world) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(v, world) for v in value]
    return value


Who = str | Skip | Absent | None


@dataclass(frozen=True)
class Route:
    """One route as each kind of user meets it. `outsider`, `department`, `reader` and
    `permitted` name a user (or give a `Skip` with its reason, or an `Absent` for lists); left out,
    the class default is used. `expect` overrides a kind's expected status."""

    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    method: str = "get"
    data: Any = None
    outsider: Who = None
    department: Who = None
    reader: Who = None
    permitted: Who = None
    expect: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    label: str = ""

    def id(self, kind: str) -> str:
        return f"{self.label or self.name}-{self.method}-{kind}"


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def call(client: Client, route: Route, world: World) -> Any:
    url = reverse(route.name, kwargs=resolve(route.kwargs, world))
    data = resolve(route.data, world)
    if is_api(url) and route.method in WRITES:
        return getattr(client, route.method)(url, json.dumps(data or {}), content_type="application/json")
    return getattr(client, route.method)(url, data or {})


def default_outcome(kind: str, route: Route, api: bool) -> int | str:
    if kind == "anonymous":
        return 401 if api else "sign-in"
    if kind in ("outsider", "department"):
        return 404
    if kind == "reader":
        return 403
    return "success"


class RoutePermissions:
    """Subclass per app: set `routes`, the default users, and `build_world()`."""

    routes: ClassVar[list[Route]] = []
    outsider: ClassVar[Who] = None
    department: ClassVar[Who] = None
    reader: ClassVar[Who] = None
    permitted: ClassVar[Who] = None

    @classmethod
    def build_world(cls) -> World:
        return {}

    @classmethod
    def cases(cls) -> list[tuple[Route, str]]:
        return [(route, kind) for route in cls.routes for kind in KINDS]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "case" in metafunc.fixturenames:
            cases = self.cases()
            metafunc.parametrize("case", cases, ids=[route.id(kind) for route, kind in cases])

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
        with django_db_blocker.unblock(), transaction.atomic():
            built = cls.build_world()
            yield built
            transaction.set_rollback(True)

    def who(self, route: Route, kind: str) -> Who:
        declared = getattr(route, kind, None) if kind != "anonymous" else None
        return declared if declared is not None else getattr(self, kind, None)

    def test_route(self, case: tuple[Route, str], world: World, db: None, client: Client) -> None:
        route, kind = case
        who = self.who(route, kind)
        if kind != "anonymous":
            assert who is not None, f"{route.id(kind)}: no {kind} declared"
        if isinstance(who, Skip):
            pytest.skip(who.reason)
        username = who.user if isinstance(who, Absent) else who
        if username:
            client.force_login(get_user_model().objects.get(username=username))
        self.check(route, kind, who, world, client)

    def check(self, route: Route, kind: str, who: Who, world: World, client: Client) -> None:
        before = AuditEntry.objects.count()
        response = call(client, route, world)
        path = response.request["PATH_INFO"]
        expected = route.expect.get(kind, Absent if isinstance(who, Absent) else None)
        expected = expected or default_outcome(kind, route, is_api(path))
        status = response.status_code
        shown = f"{route.method.upper()} {path} as {kind} ({who or 'anonymous'}): {status}"
        if status == 400:
            shown += f" {response.content[:300].decode(errors='replace')}"
        if expected == "sign-in":
            sign_in = resolve_url(settings.LOGIN_URL)
            assert status == 302 and response["Location"].startswith(sign_in), f"{shown}, expected sign-in"
        elif expected == "success":
            assert 200 <= status < 300 or status == 302, f"{shown}, expected success"
        elif expected is Absent:
            assert isinstance(who, Absent) and status == 200, f"{shown}, expected 200"
            for text in who.texts(world):
                assert text not in response.content.decode(), f"{shown}: {text!r} is out of scope but listed"
        else:
            assert status == expected, f"{shown}, expected {expected}"
        if kind == "permitted":
            for text in self.hidden_from_others(route, world):
                assert text in response.content.decode(), f"{shown}: {text!r} should be listed"
        if route.method in WRITES and expected != "success":
            assert AuditEntry.objects.count() == before, f"{shown}: a refused call changed something"

    def hidden_from_others(self, route: Route, world: World) -> list[str]:
        """What the outsider's and the department's lists must not hold: the permitted user's must."""
        absent = [self.who(route, kind) for kind in ("outsider", "department")]
        return [text for who in absent if isinstance(who, Absent) for text in who.texts(world)]


# Real servers ----------------------------------------------------------------------------------


def servers_required() -> bool:
    """In CI (any non-empty CI: `true`, `1`, a provider's name) or when CDOHUB_REQUIRE_SERVERS is set."""
    return bool(os.environ.get("CI", "").strip() or os.environ.get("CDOHUB_REQUIRE_SERVERS", "").strip())


def unavailable(what: str, exc: Exception) -> NoReturn:
    """A database server a test needs does not answer: skip, or fail where servers are required."""
    message = f"{what} is not reachable: {exc}"
    if servers_required():
        pytest.fail(message)
    pytest.skip(message)
