"""The read gate: policies declare scope, public rows, anonymous reading and related visibility;
restrict, can and require answer from them alone. Exercised on the demo's catalog and census."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cdohub.core import clock, permissions
from cdohub.core.permissions import (
    NOTHING,
    can,
    policies,
    policy_for,
    register,
    require,
    restrict,
    units_where,
)

SPECIALIST = "maoming_specialist"  # a data specialist of one department, 茂名市公安局 (440900-GA)


@pytest.fixture
def catalog(db):
    from cdohub.catalog.models import Resource

    return Resource


@pytest.fixture
def department(units):
    return units["440900-GA"]


@pytest.fixture
def rows(catalog, department):
    """A draft of the specialist's department, a draft elsewhere, and a published resource elsewhere."""
    elsewhere = catalog.objects.exclude(unit__path__startswith=department.path)
    return {
        "own_draft": catalog.objects.filter(unit=department, status="draft").first(),
        "other_draft": elsewhere.filter(status="draft").first(),
        "published": elsewhere.filter(status="published").first(),
    }


@pytest.fixture
def anonymous_catalog(catalog, monkeypatch):
    """The catalog's policy, but with the published rows open to anonymous readers too."""
    declared = policy_for(catalog)
    monkeypatch.setitem(permissions._policies, catalog, declared)  # restored after the test
    return register(
        catalog,
        declared.unit_path,
        public=declared.public,
        anonymous=True,
        **declared.actions,
    )


def visible(user, model, action="view") -> set[int]:
    return set(restrict(user, action, model.objects.all()).values_list("pk", flat=True))


def test_every_app_declares_through_register(catalog):
    declared = {p.model._meta.label for p in policies()}
    assert {"catalog.Resource", "catalog.CensusCampaign", "standards.DataElement", "org.Unit"} <= declared
    assert policy_for(catalog).public is not None


def test_anonymous_reading_needs_public_rows(catalog):
    with pytest.raises(ValueError):
        register(catalog, "unit__path", anonymous=True, view=frozenset())


def test_department_user_sees_own_drafts_and_the_published_catalog(users, catalog, rows, department):
    user = users[SPECIALIST]
    seen = restrict(user, "view", catalog.objects.all())
    assert rows["own_draft"] in seen and rows["published"] in seen and rows["other_draft"] not in seen
    outside = seen.exclude(unit__path__startswith=department.path)
    assert outside.exists() and not outside.exclude(status="published").exists()


def test_public_rows_widen_reading_only(users, catalog, rows):
    user = users[SPECIALIST]
    assert rows["published"].pk not in visible(user, catalog, "inspect")
    assert rows["published"].pk not in visible(user, catalog, "change")
    assert can(user, "view", rows["published"]) and not can(user, "change", rows["published"])
    assert can(user, "change", rows["own_draft"]) and not can(user, "view", rows["other_draft"])


def test_where_is_one_condition_and_allows_agrees_with_it(users, catalog, rows):
    policy = policy_for(catalog)
    for name in (SPECIALIST, "maonan_bureau", "admin"):
        user = users[name]
        where = policy.where(user, "view")
        for row in rows.values():
            in_list = catalog.objects.filter(where, pk=row.pk).exists()
            assert policy.allows(user, "view", row) == in_list == can(user, "view", row)


def test_superuser_reads_everything_and_anonymous_nothing(users, catalog):
    assert visible(users["admin"], catalog) == set(catalog.objects.values_list("pk", flat=True))
    assert policy_for(catalog).where(AnonymousUser(), "view") == NOTHING
    assert not visible(AnonymousUser(), catalog)


def test_anonymous_users_read_public_rows_where_declared(anonymous_catalog, catalog, rows):
    anonymous = AnonymousUser()
    published = set(catalog.objects.filter(status="published").values_list("pk", flat=True))
    assert published and visible(anonymous, catalog) == published
    assert not visible(anonymous, catalog, "inspect")
    assert can(anonymous, "view", rows["published"]) and not can(anonymous, "view", rows["own_draft"])
    with pytest.raises(PermissionDenied):
        require(anonymous, "change", rows["published"])


def test_require_is_404_out_of_sight_and_403_when_seen(users, rows):
    user = users[SPECIALIST]
    with pytest.raises(Http404):
        require(user, "change", rows["other_draft"])
    with pytest.raises(PermissionDenied):
        require(user, "change", rows["published"])  # in the public catalog, not the user's to change
    require(user, "change", rows["own_draft"])
    require(user, "view", rows["published"])
    with pytest.raises(Http404):
        require(AnonymousUser(), "view", rows["published"])


def test_units_where_follows_the_grants(users, units, department):
    from cdohub.org.choices import REGISTRARS
    from cdohub.org.models import Unit

    reached = Unit.objects.filter(units_where(users[SPECIALIST], REGISTRARS))
    assert department in reached and not reached.exclude(path__startswith=department.path).exists()
    assert not Unit.objects.filter(units_where(users[SPECIALIST], {"bureau_admin"})).exists()
    assert Unit.objects.filter(units_where(users["admin"])).count() == Unit.objects.count()
    assert units_where(AnonymousUser()) == NOTHING


def test_a_census_is_seen_from_the_units_taking_part(users, units):
    """The organiser sees the campaign and every part; a participant the campaign and its own part."""
    from cdohub.catalog import services
    from cdohub.catalog.models import CensusCampaign

    campaign = services.launch_campaign(
        users["maoming_bureau"],
        organiser=units["440900-SJJ"],
        name="茂名市政务数据普查（门禁）",
        deadline=clock.today() + datetime.timedelta(days=40),
        units=[units["440900-GA"], units["440900-RS"]],
        required_fields=["items"],
    )
    parts = campaign.participations.all()
    participant, organiser = users[SPECIALIST], users["maoming_bureau"]
    assert campaign in restrict(participant, "view", CensusCampaign.objects.all())
    assert set(restrict(participant, "view", parts).values_list("unit__code", flat=True)) == {"440900-GA"}
    assert restrict(organiser, "view", parts).count() == 2
    with pytest.raises(PermissionDenied):  # a participant sees the campaign; only the organiser closes it
        require(participant, "change", campaign)
    assert not restrict(users["maonan_bureau"], "view", CensusCampaign.objects.filter(pk=campaign.pk))
