"""Every named route of the site has a permission declaration in some app's
`tests/test_permissions.py` (see cdohub.core.testing); a route added without one fails here."""

import importlib
import importlib.util
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import cdohub
from cdohub.core.testing import RoutePermissions

UNDECLARED = {"admin"}  # Django's admin site guards itself (staff only) and is not part of the product


def route_names(resolver: URLResolver | None = None, prefix: str = ""):
    """The names of the site's routes, namespaced (`org:unit_list`), the API's too (`unit-list`);
    the `.json` suffix variants of the API are the same routes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name not in UNDECLARED:
                yield from route_names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name and "format" not in entry.pattern.regex.groupindex:
            yield prefix + entry.name


def declarations() -> list[type[RoutePermissions]]:
    """The RoutePermissions classes of every app's tests/test_permissions.py."""
    found = []
    for app in pkgutil.iter_modules(cdohub.__path__):
        name = f"cdohub.{app.name}.tests.test_permissions"
        if not app.ispkg or importlib.util.find_spec(f"cdohub.{app.name}.tests") is None:
            continue
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, RoutePermissions)
            and value is not RoutePermissions
        ]
    return found


def undeclared(routes, classes) -> set[str]:
    declared = {route.name for cls in classes for route in cls.routes}
    return set(routes) - declared


def test_every_route_is_declared():
    missing = undeclared(route_names(), declarations())
    assert not missing, f"routes without a permission declaration: {', '.join(sorted(missing))}"


def test_a_route_without_a_declaration_fails():
    assert undeclared([*route_names(), "reports:new_page"], declarations()) >= {"reports:new_page"}
    assert not undeclared(["org:unit_list"], declarations())


def test_every_declaration_names_a_route():
    routes = set(route_names())
    stale = {route.name for cls in declarations() for route in cls.routes} - routes
    assert not stale, f"declarations of routes that do not exist: {', '.join(sorted(stale))}"
