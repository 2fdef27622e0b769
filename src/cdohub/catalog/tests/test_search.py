import pytest

from cdohub.catalog import search, services

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
