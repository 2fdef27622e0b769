"""The scope isolation rows this app hands to org/tests/test_scope_isolation.py, checked here too:
the 茂南区 bureau administrator on a source of another city (韶关) and on one of its own county."""

import pytest
from django.urls import reverse

from .factories import make_source, scope_rows, unchanged


def call(client, name, kwargs, method, data):
    url = reverse(name, kwargs=kwargs)
    if method == "patch" or (method in ("post", "delete") and "-" in name and ":" not in name):
        return getattr(client, method)(url, data, content_type="application/json")
    return getattr(client, method)(url, data or {})


@pytest.mark.django_db
def test_county_bureau_on_another_citys_sources(units, users, client_for):
    other = make_source(units["440200"], users["admin"])
    own = make_source(units["440902"], users["maonan_bureau"], name="茂南库")
    client = client_for("maonan_bureau")
    failures = []
    for name, kwargs, method, data, expected in scope_rows(other, own):
        status = call(client, name, kwargs, method, data).status_code
        if status != expected:
            failures.append(f"{method.upper()} {name} {kwargs}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)
    assert unchanged(other)
