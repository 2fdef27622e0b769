"""The menu registry (core.navigation): who sees which entry, which entry is current, the
breadcrumbs, and the page layout drawn from it."""

import re

import pytest
from django.urls import reverse

from cdohub.core import navigation
from cdohub.core.navigation import Entry, Group, Item, Navigation, build


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the apps' own put back afterwards."""
    monkeypatch.setattr(navigation, "_groups", {})
    monkeypatch.setattr(navigation, "_entries", {})
    monkeypatch.setattr(navigation, "_gates", {})
    navigation.group("workbench", "Workbench", order=0, flat=True)
    navigation.entry("workbench", "home", "Workbench")
    return navigation


class Someone:
    is_authenticated = True

    def __init__(self, *, staff=False):
        self.is_staff = staff


def test_a_group_declared_twice_alike_is_one_group_and_differently_an_error(registry):
    first = registry.group("resources", "Data resources", order=20)
    assert registry.group("resources", "Data resources", order=20) is first
    with pytest.raises(ValueError):
        registry.group("resources", "Something else", order=20)


def test_an_entry_needs_its_group_and_is_declared_once(registry):
    with pytest.raises(LookupError):
        registry.entry("nowhere", "org:unit_list", "Units")
    registry.group("organisation", "Organisation", order=10)
    registry.entry("organisation", "org:unit_list", "Units")
    with pytest.raises(ValueError):
        registry.entry("organisation", "org:unit_list", "Units again")


def test_entries_come_in_group_order_then_their_own(registry):
    registry.group("late", "Late", order=50)
    registry.group("early", "Early", order=10)
    registry.entry("late", "docs", "API")
    registry.entry("early", "org:unit_list", "Units", order=20)
    registry.entry("early", "org:dashboard", "Dashboard", order=10)
    assert [e.url_name for e in registry.entries()] == ["home", "org:dashboard", "org:unit_list", "docs"]
    assert [g.key for g in registry.groups()] == ["workbench", "early", "late"]


def test_a_user_sees_only_the_entries_they_may_open_and_no_empty_group(registry):
    registry.group("system", "System", order=900)
    registry.entry("system", "admin:index", "Administration", allowed=lambda user: user.is_staff)
    registry.gate("catalog:import", lambda user: user.is_staff)
    clerk, staff = Someone(), Someone(staff=True)
    assert [g.key for g in build(clerk, "/").groups] == ["workbench"]
    assert [g.key for g in build(staff, "/").groups] == ["workbench", "system"]
    assert not registry.may_open(clerk, "admin:index") and registry.may_open(staff, "admin:index")
    assert not registry.may_open(clerk, "catalog:import") and registry.may_open(staff, "catalog:import")
    assert registry.may_open(clerk, "org:unit_list")  # not gated: any signed-in user


def test_nobody_signed_in_gets_no_menu(registry):
    from django.contrib.auth.models import AnonymousUser

    assert build(AnonymousUser(), "/").groups == []
    assert not registry.may_open(AnonymousUser(), "org:unit_list")


def test_the_current_entry_is_the_longest_prefix_and_the_workbench_only_on_itself(registry):
    registry.group("resources", "Data resources", order=20)
    registry.entry("resources", "catalog:search", "Search")  # /catalog/
    registry.entry("resources", "catalog:resource_list", "Registrations")  # /catalog/resources/
    registry.entry("resources", "appointments:appointment_list", "CDO", sections=("/plans/",))
    someone = Someone()

    def current(path):
        found = build(someone, path).current
        return found.entry.url_name if found else None

    assert current("/") == "home"
    assert current("/catalog/") == "catalog:search"
    assert current("/catalog/resources/12/") == "catalog:resource_list"
    assert current("/catalog/import/") == "catalog:search"
    assert current("/plans/3/") == "appointments:appointment_list"  # a further section
    assert current("/accounts/me/") is None  # in no section: only the workbench above it
    menu = build(someone, "/catalog/resources/12/")
    assert [g.active for g in menu.groups] == [False, True]
    assert sum(item.active for g in menu.groups for item in g.items) == 1


def test_breadcrumbs_lead_from_the_workbench_through_group_and_section(registry):
    registry.group("resources", "Data resources", order=20)
    registry.entry("resources", "catalog:resource_list", "Registrations")
    someone = Someone()
    below = build(someone, "/catalog/resources/12/")
    assert [(c.label, c.url) for c in below.trail()] == [
        ("Workbench", "/"),
        ("Data resources", None),
        ("Registrations", "/catalog/resources/"),
    ]
    on_the_list = build(someone, "/catalog/resources/")
    assert on_the_list.on_entry_page
    assert [c.label for c in on_the_list.trail()] == ["Workbench", "Data resources"]
    assert build(someone, "/accounts/me/").trail()[0].url == "/"
    assert build(someone, "/").trail() == []  # the workbench needs no trail to itself


def test_a_flat_group_is_no_extra_crumb():
    units = Item(Entry("units", "org:unit_list", "Units"), "/units/", active=True)
    flat = navigation.MenuGroup(Group("units", "Unit group", 10, flat=True), [units])
    assert [c.label for c in Navigation([flat], units, "/units/5/").trail()][1:] == ["Units"]


def test_every_declared_entry_resolves_and_says_its_page_in_chinese():
    entries = navigation.entries()
    assert {e.group for e in entries} <= {g.key for g in navigation.groups()}
    for declared in entries:
        reverse(declared.url_name)  # a typo in a nav.py fails here, not in a user's menu
        assert re.search(r"[\u4e00-\u9fff]", str(declared.label)), declared.url_name


@pytest.mark.django_db
def test_the_page_draws_the_groups_the_current_section_and_the_breadcrumbs(client_for):
    page = client_for("maoming_staff").get("/catalog/resources/").content.decode()
    assert 'id="main-menu"' in page and 'id="menu-toggle"' in page
    current = re.findall(r'class="dropdown-item active" aria-current="page" href="([^"]+)"', page)
    assert current == ["/catalog/resources/"]
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>数据资源<', page)
    crumbs = re.search(r'<nav aria-label="[^"]+" id="breadcrumbs">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r"<li[^>]*>(.*?)</li>", crumbs, re.S)[1:] == ["数据资源", "资源登记"]
    assert 'href="/admin/"' not in page and 'href="/catalog/import/"' not in page  # may open neither


@pytest.mark.django_db
def test_a_detail_page_ends_its_breadcrumbs_with_its_own_title(client_for):
    from cdohub.org.models import Unit

    unit = Unit.objects.get(code="440900-GA")
    page = client_for("maoming_staff").get(f"/units/{unit.pk}/").content.decode()
    crumbs = re.search(r'id="breadcrumbs">(.*?)</nav>', page, re.S).group(1)
    assert f'<a href="{reverse("org:unit_list")}">' in crumbs
    assert re.search(r'aria-current="page">\s*' + re.escape(unit.name), crumbs)


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_languages_as_a_choice(client):
    page = client.get("/accounts/login/").content.decode()
    switch = re.search(r'id="language-switch"(.*?)</form>', page, re.S).group(1)
    assert ">中文</button>" in switch and ">English</button>" in switch and "英语" not in switch
    assert 'rel="icon" href="/static/favicon.svg"' in page and "favicon.ico" in page
