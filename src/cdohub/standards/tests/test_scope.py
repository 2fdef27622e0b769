"""The standards' routes as 茂南区's bureau administrator meets them (the rows the org scope test
takes in), run here on their own too."""

import pytest
from django.urls import reverse

from . import factories

ACTOR = "maonan_bureau"


def _call(client, name, kwargs, method, data):
    url = reverse(name, kwargs=kwargs)
    if method == "patch" or (method in ("post", "delete") and "-" in name and ":" not in name):
        return getattr(client, method)(url, data, content_type="application/json")
    return getattr(client, method)(url, data or {})


@pytest.mark.django_db
def test_county_bureau_is_confined(users, client_for):
    world = factories.world(users["admin"])
    client = client_for(ACTOR)
    failures = []
    for name, kwargs, method, data, expected in factories.scope_rows(world):
        status = _call(client, name, kwargs, method, data).status_code
        if status != expected:
            failures.append(f"{method.upper()} {name} {kwargs}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)
    assert factories.unchanged(world)


@pytest.mark.django_db
def test_every_standards_route_has_a_row(users):
    from django.urls import get_resolver

    world = factories.world(users["admin"])
    covered = {row[0] for row in factories.scope_rows(world)}
    resolver = get_resolver()
    pages = {f"standards:{p.name}" for p in resolver.namespace_dict["standards"][1].url_patterns}
    api = {"dataelement-list", "dataelement-detail", "dataelement-publish", "codeset-list", "codeset-detail"}
    api |= {"codeset-publish", "elementlink-list", "elementlink-detail"}
    assert pages | api <= covered
