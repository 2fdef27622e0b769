"""Scope isolation for every page and API endpoint.

A county administrator (茂南区) acts on another county (电白区): the directory is readable by all, so
changing a unit there is a 403; its users and role assignments are invisible, so they are a 404.
`test_every_route_is_covered` fails when a route is added without an expectation here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cdohub.accounts import services as account_services
from cdohub.accounts.models import ApiToken, RoleAssignment
from cdohub.appointments.models import Appointment, ImplementationPlan
from cdohub.catalog import services as catalog_services
from cdohub.catalog.models import CensusCampaign, Classification, Participation, Resource
from cdohub.org.models import ScopeMember
from cdohub.projects.tests import factories as project_factories
from cdohub.quality.tests import factories as quality_factories
from cdohub.sources.models import DiscoveredTable
from cdohub.sources.tests.factories import make_source, scope_rows, unchanged
from cdohub.standards.tests import factories as standards_factories

ACTOR = "maonan_bureau"  # bureau administrator of 茂南区 (440902)


@pytest.fixture
def world(db, units, program, users):
    admin = users["admin"]
    other_admin = account_services.create_user(
        admin, username="dianbai_bureau", password="x-Demo@2021!", home_unit=units["440904-SJJ"]
    )
    other_grant = account_services.grant_role(admin, other_admin, "bureau_admin", units["440904"])
    other_token, _ = account_services.create_token(admin, other_admin, "other")
    maoming = ScopeMember.objects.get(program=program, unit=units["440900"])
    nomination = maoming.nominations.first()
    return {
        "own_appointment": Appointment.objects.get(unit=units["440902"], post="government_cdo"),
        "other_appointment": Appointment.objects.get(unit=units["440200"], post="government_cdo"),
        "other_plan": ImplementationPlan.objects.get(unit=units["440200"]),
        "other_unit": units["440904"],
        "own_unit": units["440902"],
        "other_admin": other_admin,
        "other_grant": other_grant,
        "other_token": other_token,
        "maoming": maoming,
        "nomination": nomination,
        "program": program,
        **catalog_world(admin, units),
        "other_source": make_source(units["440200"], admin),
        "own_source": make_source(units["440902"], admin, name="茂南库"),
        **project_factories.world(admin),
        **quality_factories.world(admin),
        **standards_factories.world(admin),
    }


def catalog_world(admin, units):
    own = catalog_services.create_resource(
        admin,
        unit=units["440902-RS"],
        classification=Classification.objects.get(code="203001"),
        name="茂南区社保参保信息",
    )
    census = CensusCampaign.objects.get(organiser=units["440900-SJJ"])
    return {
        "own_resource": own,
        "other_resource": Resource.objects.filter(unit=units["440900-GA"], status="draft").first(),
        "published_resource": Resource.objects.filter(unit=units["440000-GA"], status="published").first(),
        "other_campaign": census,
        "other_part": Participation.objects.get(campaign=census, unit=units["440900-GA"]),
    }


def expectations(w):
    """(route name, kwargs, method, data, expected status) for ACTOR."""
    other, own, prog = w["other_unit"], w["own_unit"], w["program"].code
    city = w["maoming"].pk
    mine, theirs, plan = w["own_appointment"], w["other_appointment"], w["other_plan"]
    draft = {"post": "government_cdo", "person_name": "x", "position": "x", "rank": "deputy"}
    draft["effective_on"] = "2021-06-01"
    return [
        ("home", {}, "get", None, 302),
        ("core:home", {}, "get", None, 302),
        ("core:notifications", {}, "get", None, 200),
        ("org:dashboard", {}, "get", None, 200),
        ("org:unit_list", {}, "get", None, 200),
        ("org:unit_import", {}, "get", None, 200),
        ("core:import_result", {"token": "nope"}, "get", None, 404),
        ("org:unit_detail", {"pk": other.pk}, "get", None, 200),
        ("org:unit_edit", {"pk": other.pk}, "get", None, 403),
        ("org:unit_edit", {"pk": other.pk}, "post", {"name": "x"}, 403),
        ("org:unit_edit", {"pk": own.pk}, "get", None, 200),
        ("org:unit_add", {"pk": other.pk}, "get", None, 403),
        ("org:unit_add", {"pk": other.pk}, "post", {"name": "x"}, 403),
        ("org:program_list", {}, "get", None, 200),
        ("org:program_detail", {"code": prog}, "get", None, 200),
        ("org:nomination_import", {"code": prog}, "get", None, 200),
        ("org:city_scope", {"code": prog, "pk": city}, "get", None, 200),
        ("org:city_nominate", {"code": prog, "pk": city}, "post", {"unit": other.pk}, 403),
        ("org:city_withdraw", {"code": prog, "pk": city, "member_pk": w["nomination"].pk}, "post", None, 403),
        ("appointments:appointment_list", {}, "get", None, 200),
        # A county bureau appoints its county's CDEO, but not the county CDO: the post is not offered.
        ("appointments:appointment_create", {}, "get", None, 200),
        ("appointments:appointment_create", {}, "post", {"unit": own.pk, "post": "government_cdo"}, 200),
        ("appointments:derived_bodies", {}, "get", {"unit": other.pk, "post": "government_cdo"}, 200),
        ("appointments:filing_dashboard", {}, "get", None, 200),
        ("appointments:overdue", {}, "get", None, 200),
        ("appointments:roster", {}, "get", None, 200),
        ("appointments:public_roster", {"code": prog}, "get", None, 200),
        ("appointments:appointment_detail", {"pk": mine.pk}, "get", None, 200),
        ("appointments:appointment_detail", {"pk": theirs.pk}, "get", None, 404),
        ("appointments:appointment_edit", {"pk": mine.pk}, "get", None, 403),
        ("appointments:appointment_edit", {"pk": theirs.pk}, "post", {"person_name": "x"}, 404),
        ("appointments:appointment_end", {"pk": mine.pk}, "post", {"ends_on": "2026-01-01"}, 403),
        ("appointments:appointment_submit", {"pk": theirs.pk}, "post", None, 404),
        ("appointments:appointment_decide", {"pk": mine.pk}, "post", {"decision": "file", "version": 1}, 403),
        (
            "appointments:appointment_decide",
            {"pk": theirs.pk},
            "post",
            {"decision": "file", "version": 1},
            404,
        ),
        ("appointments:appointment_document", {"pk": mine.pk}, "get", None, 200),
        ("appointments:appointment_document", {"pk": theirs.pk}, "get", None, 404),
        ("appointments:plan_list", {}, "get", None, 200),
        ("appointments:plan_create", {}, "get", None, 403),
        ("appointments:plan_detail", {"pk": plan.pk}, "get", None, 404),
        ("appointments:plan_edit", {"pk": plan.pk}, "post", {"title": "x"}, 404),
        ("appointments:plan_submit", {"pk": plan.pk}, "post", None, 404),
        ("appointments:plan_decide", {"pk": plan.pk}, "post", {"decision": "return", "version": 1}, 404),
        ("appointments:plan_document", {"pk": plan.pk}, "get", None, 404),
        ("appointment-list", {}, "get", None, 200),
        ("appointment-list", {}, "post", {"program": prog, "unit": "440900", **draft}, 404),
        ("appointment-list", {}, "post", {"program": prog, "unit": "440902", **draft}, 403),
        ("appointment-bodies", {}, "get", {"program": prog, "unit": "440900", "post": "government_cdo"}, 200),
        ("appointment-detail", {"pk": theirs.pk}, "get", None, 404),
        ("appointment-document", {"pk": theirs.pk}, "get", None, 404),
        ("appointment-document", {"pk": mine.pk}, "get", None, 200),
        ("implementationplan-document", {"pk": plan.pk}, "get", None, 404),
        ("appointment-detail", {"pk": theirs.pk}, "patch", {"person_name": "改名"}, 404),
        ("appointment-detail", {"pk": mine.pk}, "get", None, 200),
        ("appointment-detail", {"pk": mine.pk}, "patch", {"person_name": "改名"}, 403),
        ("appointment-submit", {"pk": theirs.pk}, "post", {"version": theirs.version}, 404),
        ("appointment-submit", {"pk": mine.pk}, "post", {"version": mine.version}, 403),
        ("appointment-file", {"pk": theirs.pk}, "post", {"version": theirs.version}, 404),
        ("appointment-file", {"pk": mine.pk}, "post", {"version": mine.version}, 403),
        ("appointment-return", {"pk": theirs.pk}, "post", {"version": theirs.version, "reason": "x"}, 404),
        ("appointment-return", {"pk": mine.pk}, "post", {"version": mine.version, "reason": "x"}, 403),
        (
            "appointment-end",
            {"pk": theirs.pk},
            "post",
            {"ends_on": "2022-01-31", "document_number": "x"},
            404,
        ),
        ("appointment-end", {"pk": mine.pk}, "post", {"ends_on": "2022-01-31", "document_number": "x"}, 403),
        ("implementationplan-list", {}, "get", None, 200),
        ("implementationplan-list", {}, "post", {"program": prog, "unit": "440200", "title": "x"}, 404),
        ("implementationplan-detail", {"pk": plan.pk}, "get", None, 404),
        ("implementationplan-detail", {"pk": plan.pk}, "patch", {"title": "改名"}, 404),
        ("implementationplan-submit", {"pk": plan.pk}, "post", {"version": plan.version}, 404),
        ("implementationplan-file", {"pk": plan.pk}, "post", {"version": plan.version}, 404),
        ("implementationplan-return", {"pk": plan.pk}, "post", {"version": plan.version, "reason": "x"}, 404),
        ("filing-status-list", {}, "get", {"program": prog}, 200),
        ("roster-list", {}, "get", {"program": prog}, 200),
        *catalog_expectations(w),
        *scope_rows(w["other_source"], w["own_source"]),
        *project_factories.scope_rows(w),
        *quality_factories.scope_rows(w),
        *standards_factories.scope_rows(w),
        ("accounts:login", {}, "get", None, 200),
        ("accounts:logout", {}, "post", None, 302),
        ("accounts:profile", {}, "get", None, 200),
        ("accounts:revoke_token", {"pk": w["other_token"].pk}, "post", None, 404),
        ("accounts:unit_members", {"pk": other.pk}, "get", None, 404),
        ("accounts:unit_members", {"pk": other.pk}, "post", {"username": ACTOR, "role": "staff"}, 404),
        ("accounts:unit_members", {"pk": own.pk}, "get", None, 200),
        ("accounts:revoke", {"pk": w["other_grant"].pk}, "post", None, 404),
        ("api-root", {}, "get", None, 200),
        ("region-list", {}, "get", None, 200),
        ("region-detail", {"code": "440904"}, "get", None, 200),
        ("unit-list", {}, "get", None, 200),
        ("unit-detail", {"pk": other.pk}, "get", None, 200),
        ("unit-detail", {"pk": other.pk}, "patch", {"name": "改名"}, 403),
        (
            "unit-list",
            {},
            "post",
            {"code": "X-1", "name": "x", "kind": "department", "region": "440904", "parent_code": "440904"},
            403,
        ),
        ("pilotprogram-list", {}, "get", None, 200),
        ("pilotprogram-detail", {"code": prog}, "get", None, 200),
        ("pilotprogram-compliance", {"code": prog}, "get", None, 200),
        ("scopemember-list", {}, "get", None, 200),
        ("scopemember-list", {}, "post", {"parent": city, "unit": "440983"}, 403),
        ("scopemember-detail", {"pk": w["nomination"].pk}, "delete", None, 403),
        ("roleassignment-list", {}, "get", None, 200),
        ("roleassignment-detail", {"pk": w["other_grant"].pk}, "get", None, 404),
        ("roleassignment-detail", {"pk": w["other_grant"].pk}, "delete", None, 404),
        ("roleassignment-list", {}, "post", {"user": ACTOR, "role": "staff", "unit": "440904"}, 404),
        ("user-list", {}, "get", None, 200),
        ("user-detail", {"pk": w["other_admin"].pk}, "get", None, 404),
        ("schema", {}, "get", None, 200),
        ("docs", {}, "get", None, 200),
        ("set_language", {}, "post", {"language": "en"}, 302),
    ]


def catalog_expectations(w):
    mine, theirs, public = w["own_resource"], w["other_resource"], w["published_resource"]
    census, part = w["other_campaign"], w["other_part"]
    theirs_tables = [t.pk for t in DiscoveredTable.objects.filter(run__source=w["other_source"])]
    own_tables = [t.pk for t in DiscoveredTable.objects.filter(run__source=w["own_source"])]
    new = {"classification": "101001", "name": "x"}
    return [
        ("catalog:search", {}, "get", {"q": "人口"}, 200),
        ("catalog:resource_list", {}, "get", None, 200),
        ("catalog:resource_create", {}, "get", None, 403),
        ("catalog:resource_detail", {"pk": theirs.pk}, "get", None, 404),
        ("catalog:resource_detail", {"pk": public.pk}, "get", None, 200),  # the published catalog
        ("catalog:resource_detail", {"pk": mine.pk}, "get", None, 200),
        ("catalog:resource_edit", {"pk": theirs.pk}, "get", None, 404),
        ("catalog:resource_edit", {"pk": mine.pk}, "post", {"name": "x"}, 403),  # a bureau does not register
        ("catalog:resource_submit", {"pk": theirs.pk}, "post", None, 404),
        ("catalog:resource_submit", {"pk": mine.pk}, "post", None, 403),
        ("catalog:resource_decide", {"pk": theirs.pk}, "post", {"decision": "publish", "version": 1}, 404),
        ("catalog:resource_decide", {"pk": public.pk}, "post", {"decision": "return", "version": 1}, 403),
        ("catalog:resource_delete", {"pk": theirs.pk}, "post", None, 404),
        ("catalog:resource_delete", {"pk": mine.pk}, "post", None, 403),
        ("catalog:resources_from_tables", {}, "post", {"tables": theirs_tables}, 302),  # none is visible
        (
            "catalog:resources_from_tables",
            {},
            "post",
            {"tables": own_tables},
            403,
        ),  # a bureau does not register
        ("catalog:import", {}, "get", None, 403),
        ("catalog:campaign_list", {}, "get", None, 200),
        ("catalog:campaign_create", {}, "get", None, 200),  # for its own county's units
        ("catalog:campaign_detail", {"pk": census.pk}, "get", None, 404),
        ("catalog:campaign_close", {"pk": census.pk}, "post", None, 404),
        ("catalog:participation_detail", {"pk": part.pk}, "get", None, 404),
        ("catalog:participation_submit", {"pk": part.pk}, "post", None, 404),
        ("resource-list", {}, "get", None, 200),
        ("resource-list", {}, "post", {"unit": "440900-GA", **new}, 404),
        ("resource-list", {}, "post", {"unit": "440902-RS", **new}, 403),
        ("resource-detail", {"pk": theirs.pk}, "get", None, 404),
        ("resource-detail", {"pk": public.pk}, "get", None, 200),
        ("resource-detail", {"pk": theirs.pk}, "patch", {"name": "改名"}, 404),
        ("resource-detail", {"pk": public.pk}, "patch", {"name": "改名"}, 403),
        ("resource-detail", {"pk": theirs.pk}, "delete", None, 404),
        ("resource-submit", {"pk": theirs.pk}, "post", {"version": 1}, 404),
        ("resource-publish", {"pk": theirs.pk}, "post", {"version": 1}, 404),
        ("resource-return", {"pk": public.pk}, "post", {"version": 1, "reason": "x"}, 403),
        ("censuscampaign-list", {}, "get", None, 200),
        (
            "censuscampaign-list",
            {},
            "post",
            {"name": "x", "organiser": "440900-SJJ", "deadline": "2099-01-01", "units": ["440900-GA"]},
            404,
        ),
        ("censuscampaign-detail", {"pk": census.pk}, "get", None, 404),
        ("censuscampaign-close", {"pk": census.pk}, "post", None, 404),
        ("censuscampaign-figures", {"pk": census.pk}, "get", None, 404),
        ("participation-list", {}, "get", None, 200),
        ("participation-detail", {"pk": part.pk}, "get", None, 404),
        ("participation-submit", {"pk": part.pk}, "post", {"version": part.version}, 404),
        ("classification-list", {}, "get", None, 200),
        ("classification-detail", {"code": "101001"}, "get", None, 200),
        ("catalog-search-list", {}, "get", {"q": "社保"}, 200),
    ]


def _call(client, name, kwargs, method, data):
    from django.urls import reverse

    url = reverse(name, kwargs=kwargs)
    if method == "patch" or (method in ("post", "delete") and "-" in name and ":" not in name):
        return getattr(client, method)(url, data, content_type="application/json")
    return getattr(client, method)(url, data or {})


@pytest.mark.django_db
def test_county_user_is_confined_to_its_county(world, client_for):
    client = client_for(ACTOR)
    failures = []
    for name, kwargs, method, data, expected in expectations(world):
        if name == "accounts:logout":
            continue  # checked last: it ends the session
        status = _call(client, name, kwargs, method, data).status_code
        if status != expected:
            failures.append(f"{method.upper()} {name} {kwargs}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)
    # Nothing was changed by any of the refused calls.
    world["other_unit"].refresh_from_db()
    assert world["other_unit"].name == "电白区人民政府"
    assert RoleAssignment.objects.filter(pk=world["other_grant"].pk).exists()
    assert ApiToken.objects.get(pk=world["other_token"].pk).revoked_at is None
    assert ScopeMember.objects.filter(pk=world["nomination"].pk).exists()
    assert Appointment.objects.filter(unit=world["own_unit"]).count() == 1
    for filing in (world["own_appointment"], world["other_appointment"], world["other_plan"]):
        before = (filing.status, filing.version, filing.ends_on if hasattr(filing, "ends_on") else None)
        filing.refresh_from_db()
        assert before == (filing.status, filing.version, getattr(filing, "ends_on", None))
    assert unchanged(world["other_source"])
    assert project_factories.unchanged(world)
    assert quality_factories.unchanged(world)
    assert standards_factories.unchanged(world)
    for key in ("other_resource", "published_resource", "own_resource"):
        before = world[key]
        after = Resource.objects.get(pk=before.pk)
        assert (after.name, after.status, after.version) == (before.name, before.status, before.version)
    part = Participation.objects.get(pk=world["other_part"].pk)
    assert (
        part.status == "open" and CensusCampaign.objects.get(pk=world["other_campaign"].pk).status == "open"
    )
    assert _call(client, "accounts:logout", {}, "post", None).status_code == 302


@pytest.mark.django_db
def test_lists_hold_only_what_is_in_scope(world, client_for):
    client = client_for(ACTOR)
    grants = client.get("/api/role-assignments/?page_size=500").json()["results"]
    assert grants and {g["unit"] for g in grants} <= {"440902", "440902-SJJ", "440902-RS", "440902-WJ"}
    people = {u["username"] for u in client.get("/api/users/?page_size=500").json()["results"]}
    assert ACTOR in people and "dianbai_bureau" not in people and "maoming_bureau" not in people
    mine = client.get("/api/units/?mine=true&page_size=500").json()
    assert mine["count"] == 4 and all(u["code"].startswith("440902") for u in mine["results"])
    page = client.get(f"/accounts/units/{world['own_unit'].pk}/members/").content.decode()
    assert "maonan_bureau" in page


@pytest.mark.django_db
def test_anonymous_users_see_nothing(world, client):
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/units/").status_code == 302
    assert client.get("/api/units/").status_code in (401, 403)
    assert client.get("/healthz").status_code == 200


def _route_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.app_name in ("admin",):
                continue
            yield from _route_names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if entry.name.endswith("-detail") and "format" in entry.pattern.regex.pattern:
                continue
            yield prefix + entry.name


@pytest.mark.django_db
def test_every_route_is_covered(world):
    covered = {row[0] for row in expectations(world)}
    routes = set(_route_names()) - {"healthz"}
    assert routes - covered == set(), "routes without a scope expectation"
