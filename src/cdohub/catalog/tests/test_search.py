import pytest
from django.db import transaction

from cdohub.catalog import columns, search, services

from .conftest import ITEMS

pytestmark = pytest.mark.django_db


def test_terms_cut_chinese_into_bigrams_with_initials():
    assert search.terms("社会保险") == ["社会", "会保", "保险", "险"]
    assert search.terms("身份证号", with_initials=True)[-1] == "sfzh"
    assert search.terms("SFZH cust_id 440900") == ["sfzh", "cust", "id", "440900"]
    assert search.Query.parse("社保 XM").words == ("社保", "xm")
    assert search.Query.parse("税").prefixes == ("税",)


@pytest.fixture
def catalog(users, units, complete, classes):
    specialist, bureau = users["maoming_specialist"], users["maoming_bureau"]

    def publish(**values):
        resource = services.create_resource(
            specialist, unit=units["440900-GA"], items=values.pop("items", ITEMS), **complete(**values)
        )
        resource = services.submit_resource(specialist, resource, resource.version)
        return services.publish_resource(bureau, resource, resource.version)

    return {
        "population": publish(),
        "insurance": publish(
            name="社保参保缴费信息",
            classification=classes["203001"],
            share_type="conditional",
            share_conditions="仅用于社会保障待遇核验",
            share_basis="《社会保险法》",
            items=[{"name": "个人社保编号", "column_name": "GRBH", "data_type": "C", "length": 20}],
        ),
        "medical": publish(
            name="医保结算明细",
            classification=classes["202002"],
            format="spreadsheet",
            share_method="file",
            items=[{"name": "结算金额", "column_name": "JSJE", "data_type": "Y"}],
        ),
        "draft": services.create_resource(
            specialist, unit=units["440900-GA"], items=ITEMS, **complete(name="流动人口登记信息")
        ),
        "secret": services.create_resource(
            specialist,
            unit=units["440900-GA"],
            classification=classes["301001"],
            name="重点人员管控信息",
            is_classified=True,
        ),
    }


def _found(user, text, **filters):
    results = search.search(user, text, filters, limit=500)
    return set(results.ids), results


def test_two_character_words_codes_and_initials_match(catalog, users):
    reader = users["maonan_bureau"]  # out of the provider's scope: sees the published catalog only
    population, insurance, medical = (catalog[k].pk for k in ("population", "insurance", "medical"))
    assert insurance in _found(reader, "社保")[0]
    assert medical in _found(reader, "医保")[0]
    assert population in _found(reader, "人口")[0]
    assert population in _found(reader, "SFZH")[0]  # a column name
    assert population in _found(reader, "gmsfhm")[0]  # pinyin initials of 公民身份号码
    assert _found(reader, catalog["insurance"].code)[0] == {insurance}
    by_parent = _found(reader, "社会保障")[0]  # via its classification's parent 社会保障
    assert insurance in by_parent and population not in by_parent and medical not in by_parent
    assert medical in _found(reader, "茂名市公安局 结算")[0]
    assert _found(reader, "不存在的词语")[0] == set()


def test_drafts_only_in_scope_and_classified_by_title_only(catalog, users):
    outsider, insider = users["maonan_bureau"], users["maoming_specialist"]
    draft, secret = catalog["draft"].pk, catalog["secret"].pk
    assert draft not in _found(outsider, "人口")[0]
    assert draft in _found(insider, "人口")[0]
    assert secret in _found(insider, "重点人员")[0]
    assert secret not in _found(insider, "XM")[0]  # its items are never indexed


def test_facets_count_matches_and_filter(catalog, users):
    reader = users["maonan_bureau"]
    found, results = _found(reader, "信息")
    shares = dict(results.facets["share_type"])
    assert shares["conditional"] >= 1 and shares["unconditional"] >= 1
    assert dict(results.facets["city"])["440900"] >= 2
    assert sum(shares.values()) == results.total == len(found)
    filtered, filtered_results = _found(reader, "信息", share_type="conditional")
    assert catalog["insurance"].pk in filtered and catalog["population"].pk not in filtered
    assert filtered < found and filtered_results.total == len(filtered) == shares["conditional"]
    # a facet is counted without its own filter, so the user can widen the choice again
    assert dict(filtered_results.facets["share_type"]) == shares


def test_reindex_is_idempotent(catalog, users):
    before = search.search(users["maoming_specialist"], "人口").total
    assert search.reindex_all() >= 5
    assert search.search(users["maoming_specialist"], "人口").total == before


def test_title_matches_rank_first_on_every_database(catalog, users, units, complete):
    specialist, bureau = users["maoming_specialist"], users["maoming_bureau"]

    def publish(**values):
        resource = services.create_resource(specialist, unit=units["440900-GA"], **complete(**values))
        resource = services.submit_resource(specialist, resource, resource.version)
        return services.publish_resource(bureau, resource, resource.version)

    # Registered before the second title match, but holds 人口 only among its items' words.
    by_item = publish(
        name="户籍登记", items=[{"name": "人口编号", "column_name": "RKBH", "data_type": "C", "length": 20}]
    )
    by_title = publish(name="人口迁移信息")
    ids = search.search(users["maonan_bureau"], "人口").ids
    assert ids.index(catalog["population"].pk) < ids.index(by_title.pk) < ids.index(by_item.pk)


def test_facet_limit_keeps_the_most_frequent_values(catalog, users):
    reader = users["maonan_bureau"]
    everything = search.search(reader, "信息").facets["share_type"]
    assert len(everything) >= 2
    top = search.search(reader, "信息", facet_limit=1).facets["share_type"]
    assert top == everything[:1] and top[0][1] == max(n for _v, n in everything)


def test_browse_counts_what_the_permission_gate_lets_each_user_see(catalog, users):
    from cdohub.catalog.models import Resource
    from cdohub.core.permissions import restrict

    for name in ("maonan_bureau", "maoming_specialist", "admin"):
        user = users[name]
        expected = set(restrict(user, "view", Resource.objects.all()).values_list("pk", flat=True))
        results = search.search(user, "", limit=1000)
        assert set(results.ids) == expected and results.total == len(expected)


def test_columns_follow_every_write_and_match_a_fresh_load(catalog, users, classes):
    specialist, bureau = users["maoming_specialist"], users["maoming_bureau"]
    outsider = users["maonan_bureau"]
    before = search.search(outsider, "", limit=1000)  # loads the columns
    draft = catalog["draft"]
    assert draft.pk not in before.ids
    draft = services.update_resource(specialist, draft, update_cycle="monthly")
    draft = services.submit_resource(specialist, draft, draft.version)
    services.publish_resource(bureau, draft, draft.version)
    services.delete_resource(specialist, catalog["secret"])
    after = search.search(outsider, "", limit=1000)
    assert draft.pk in after.ids and after.total == before.total + 1
    cycles = dict(after.facets["update_cycle"])
    assert cycles["monthly"] == dict(before.facets["update_cycle"]).get("monthly", 0) + 1
    assert catalog["secret"].pk not in search.search(specialist, "", limit=1000).ids
    # The incrementally patched columns equal the columns loaded afresh from the table.
    patched = columns.current()
    columns.reset()
    fresh = columns.current()
    assert patched.generation == fresh.generation
    assert patched.ids.tolist() == fresh.ids.tolist()
    assert patched.visible.tolist() == fresh.visible.tolist()
    assert patched.drafts == fresh.drafts
    for name in columns.FACETS:
        decoded = [patched.values[name][c] for c in patched.codes[name]]
        assert decoded == [fresh.values[name][c] for c in fresh.codes[name]]


def test_a_rolled_back_write_leaves_no_trace_in_the_columns(catalog, users, units, complete):
    specialist, outsider = users["maoming_specialist"], users["maonan_bureau"]
    published_before = search.search(outsider, "").total
    seen_inside = None
    with pytest.raises(RuntimeError), transaction.atomic():
        created = services.create_resource(
            specialist, unit=units["440900-GA"], **complete(name="临时人口信息")
        )
        services.publish_resource(
            users["maoming_bureau"], services.submit_resource(specialist, created, created.version), 2
        )
        seen_inside = search.search(outsider, "").total
        raise RuntimeError("roll back")
    assert seen_inside == published_before + 1
    # The same generation number comes again with other contents: the columns must notice.
    services.update_resource(specialist, catalog["draft"], summary="改")
    assert search.search(outsider, "").total == published_before
