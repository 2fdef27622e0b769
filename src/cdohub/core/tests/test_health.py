import pytest
from django.db import connection

from cdohub import __version__


@pytest.mark.django_db
def test_healthz_reports_version_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == __version__
    assert body["database"]["vendor"] == connection.vendor


@pytest.mark.django_db
def test_openapi_schema_documents_the_api(client_for):
    response = client_for("gd_bureau").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/regions/",
        "/api/units/",
        "/api/programs/",
        "/api/scope-members/",
        "/api/role-assignments/",
        "/api/programs/{code}/compliance/",
    ]:
        assert path in paths
