"""The unit tree's answers: a node's children a page at a time, and search with the path to each match."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cdohub.org import services
from cdohub.org.models import Unit

pytestmark = pytest.mark.django_db
CHILDREN, SEARCH = reverse("org:unit_tree_children"), reverse("org:unit_tree_search")


def test_the_top_of_the_tree_is_the_province_with_its_children_counted(client_for):
    answer = client_for("maoming_staff").get(CHILDREN).json()
    province = Unit.objects.get(code="440000")
    assert answer["parent"] is None and answer["next"] is None
    assert [n["id"] for n in answer["nodes"]] == [province.pk]
    assert answer["nodes"][0]["children"] == province.numchild > 0


def test_opening_a_node_answers_its_direct_children_in_tree_order(client_for, units):
    maoming = units["440900"]
    answer = client_for("maoming_staff").get(CHILDREN, {"parent": maoming.pk}).json()
    expected = list(Unit.objects.get_children(maoming).values_list("pk", flat=True))
    assert [n["id"] for n in answer["nodes"]] == expected
    assert answer["total"] == maoming.numchild == len(expected)
    police = next(n for n in answer["nodes"] if n["code"] == "440900-GA")
    assert police["name"] == "茂名市公安局" and police["url"] == units["440900-GA"].get_absolute_url()
    assert police["kind"] == "部门"


def test_a_large_node_comes_a_page_at_a_time(client_for, units, monkeypatch):
    monkeypatch.setattr(services, "TREE_PAGE", 5)
    maoming = units["440900"]
    client = client_for("maoming_staff")
    first = client.get(CHILDREN, {"parent": maoming.pk}).json()
    assert len(first["nodes"]) == 5 and first["next"] == 5 and first["total"] == maoming.numchild
    seen = [n["id"] for n in first["nodes"]]
    offset = first["next"]
    while offset is not None:
        page = client.get(CHILDREN, {"parent": maoming.pk, "offset": offset}).json()
        assert len(page["nodes"]) <= 5
        seen += [n["id"] for n in page["nodes"]]
        offset = page["next"]
    assert seen == list(Unit.objects.get_children(maoming).values_list("pk", flat=True))


def test_search_answers_matches_with_the_path_down_to_each(client_for, units):
    answer = client_for("maoming_staff").get(SEARCH, {"q": "茂名市公安"}).json()
    police = next(r for r in answer["results"] if r["code"] == "440900-GA")
    assert [a["id"] for a in police["path"]] == [units["440000"].pk, units["440900"].pk]
    assert not answer["more"]


def test_search_is_limited_and_says_there_is_more(client_for):
    answer = client_for("maoming_staff").get(SEARCH, {"q": "局"}).json()
    assert Unit.objects.filter(name__contains="局").count() > services.TREE_SEARCH_LIMIT
    assert len(answer["results"]) == services.TREE_SEARCH_LIMIT == answer["limit"]
    assert answer["more"] is True
    paths = [r["code"] for r in answer["results"]]
    assert len(set(paths)) == len(paths)


def test_an_empty_search_answers_nothing_and_a_code_prefix_finds_the_unit(client_for, units):
    client = client_for("maoming_staff")
    assert client.get(SEARCH, {"q": "  "}).json()["results"] == []
    codes = [r["code"] for r in client.get(SEARCH, {"q": "440900-G"}).json()["results"]]
    assert "440900-GA" in codes


def test_one_unit_is_answered_with_its_path_for_revealing_it(client_for, units):
    answer = client_for("maoming_staff").get(SEARCH, {"unit": units["440902"].pk}).json()
    [result] = answer["results"]
    assert [a["name"] for a in result["path"]] == ["广东省人民政府", "茂名市人民政府"]


def test_unknown_nodes_are_404_and_strangers_are_sent_to_sign_in(client, client_for):
    assert client_for("maoming_staff").get(CHILDREN, {"parent": 10**9}).status_code == 404
    assert client_for("maoming_staff").get(SEARCH, {"unit": 10**9}).status_code == 404
    assert client.get(CHILDREN).status_code == 302 and client.get(SEARCH, {"q": "茂名"}).status_code == 302


@pytest.mark.parametrize("code", ["440000", "440900", "440902"])
def test_an_expand_and_a_search_cost_a_fixed_number_of_queries(client_for, units, code):
    unit, client = units[code], client_for("maoming_staff")
    with CaptureQueriesContext(connection) as expand:  # session, user, the node, its children
        client.get(CHILDREN, {"parent": unit.pk})
    with CaptureQueriesContext(connection) as search:  # session, user, the matches, their ancestors
        client.get(SEARCH, {"q": unit.name[:3]})
    assert len(expand.captured_queries) == 4
    assert len(search.captured_queries) == 4


def test_the_tree_page_offers_the_users_own_units(client_for, units):
    page = client_for("maoming_specialist").get(reverse("org:unit_tree")).content.decode()
    assert f'data-reveal="{units["440900-GA"].pk}"' in page
    assert 'role="tree"' in page and "org/unit_tree.js" in page
