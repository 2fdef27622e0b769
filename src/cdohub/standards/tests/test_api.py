"""The standards' REST API."""

import pytest

from cdohub.standards import services
from cdohub.standards.models import DataElement, ElementLink

from .factories import population_item

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_everyone_reads_published_standards_and_drafts_stay_in_scope(client_for):
    staff = client_for("maoming_staff")
    body = staff.get("/api/data-elements/?page_size=100").json()
    identifiers = {e["identifier"] for e in body["results"]}
    assert "DE00001" in identifiers and "MM-DE-0001" not in identifiers  # 茂名 bureau's draft
    seen_by = {
        name: {
            e["identifier"]
            for e in client_for(name).get("/api/data-elements/?page_size=100").json()["results"]
        }
        for name in ("maoming_cdo", "maonan_bureau")
    }
    assert "MM-DE-0001" in seen_by["maoming_cdo"] and "MM-DE-0001" not in seen_by["maonan_bureau"]
    resident = next(e for e in body["results"] if e["identifier"] == "DE00001")
    assert resident["rules"] == [
        {"kind": "validator", "params": {"validator": "resident_id"}, "severity": "error", "weight": 2.0}
    ]
    gender = staff.get("/api/code-sets/?q=XBDM").json()["results"][0]
    assert [v["code"] for v in gender["values"]] == ["0", "1", "2", "9"]
    filtered = staff.get("/api/data-elements/?code_set=XBDM").json()["results"]
    assert [e["identifier"] for e in filtered] == ["DE00003"]


def test_a_bureau_writes_through_the_api(client_for):
    bureau = client_for("maoming_bureau", lang="en")
    response = bureau.post(
        "/api/code-sets/",
        {
            "identifier": "MM-API-CS",
            "name": "接口代码集",
            "owner": "440900-SJJ",
            "values": [{"code": "1", "name": "是"}, {"code": "2", "name": "否"}],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    code_set = response.json()
    assert bureau.post(f"/api/code-sets/{code_set['id']}/publish/", {}, content_type=JSON).status_code == 200
    response = bureau.post(
        "/api/data-elements/",
        {
            "identifier": "MM-API-DE",
            "name": "是否标志",
            "data_type": "C",
            "format": "n1",
            "code_set": "MM-API-CS",
            "owner": "440900-SJJ",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    element = response.json()
    assert element["status"] == "draft" and element["max_length"] is None
    assert element["rules"][0] == {
        "kind": "allowed",
        "params": {"values": ["1", "2"]},
        "severity": "error",
        "weight": 1.0,
    }
    stale = bureau.patch(
        f"/api/data-elements/{element['id']}/", {"name": "x", "version": 99}, content_type=JSON
    )
    assert stale.status_code == 409
    bad = bureau.patch(f"/api/data-elements/{element['id']}/", {"pattern": "(?i)abc"}, content_type=JSON)
    assert bad.status_code == 400 and "pattern" in bad.json()
    duplicate = bureau.post(
        "/api/data-elements/",
        {"identifier": "DE00001", "name": "x", "data_type": "C", "owner": "440900-SJJ"},
        content_type=JSON,
    )
    assert duplicate.status_code == 400 and "already in use" in duplicate.json()["identifier"][0]
    published = bureau.post(
        f"/api/data-elements/{element['id']}/publish/", {"version": element["version"]}, content_type=JSON
    )
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_links_through_the_api(client_for, users, units):
    specialist = client_for("maoming_specialist")
    item = population_item("440900-GA")
    response = specialist.post(
        "/api/element-links/", {"item": item.pk, "element": "DE00001"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["element"] == "DE00001" and link["rules"][0]["params"] == {"validator": "resident_id"}
    listed = specialist.get(f"/api/element-links/?item={item.pk}").json()["results"]
    assert [row["id"] for row in listed] == [link["id"]]
    draft = specialist.post(
        "/api/element-links/", {"item": item.pk, "element": "MM-DE-0001"}, content_type=JSON
    )
    assert draft.status_code == 400
    services.create_element(
        users["gd_bureau"], owner=units["440000-SJJ"], identifier="GD-DRAFT-1", name="省草案", data_type="C"
    )
    hidden = client_for("maoming_specialist", lang="en").post(
        "/api/element-links/", {"item": item.pk, "element": "GD-DRAFT-1"}, content_type=JSON
    )
    assert hidden.status_code == 400 and "No data element you can see" in hidden.json()["element"][0]
    assert client_for("maoming_bureau").delete(f"/api/element-links/{link['id']}/").status_code == 403
    assert specialist.delete(f"/api/element-links/{link['id']}/").status_code == 204
    assert not ElementLink.objects.filter(item=item).exists()
    assert DataElement.objects.get(identifier="DE00001").links.exists()  # the demo's links stay
