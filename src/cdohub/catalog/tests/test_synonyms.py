"""The search dictionary: how a query widens, that both databases find by it, who keeps it, its
audit trail and its Excel import. Runs on SQLite and, with scripts/test_postgres.sh, on PostgreSQL."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from cdohub.catalog import search, services, synonyms
from cdohub.catalog.models import Synonym
from cdohub.catalog.synonym_import import SynonymImport
from cdohub.core.audit import AuditEntry

from .test_search import _found, catalog  # noqa: F401  (the published test catalog)

pytestmark = pytest.mark.django_db

WORDS = {"身份证": ("公民身份号码",), "公民身份号码": ("身份证",), "sfz": ("身份证",)}


def test_a_dictionary_word_becomes_a_clause_of_alternatives():
    query = search.Query.parse("身份证号 查询", WORDS)
    assert query.words == ("查询",)
    (clause,) = query.either
    assert clause[0] == search.Alternative(("身份", "份证", "证号"))
    assert clause[1] == search.Alternative(("公民", "民身", "身份", "份号", "号码"), ("号",))
    assert query.synonyms == ("公民身份号码号",)
    assert query.fts5() == (
        '"查询" AND (("身份" AND "份证" AND "证号")'
        ' OR ("公民" AND "民身" AND "身份" AND "份号" AND "号码" AND "号"*))'
    )
    assert query.tsquery() == (
        "'查询' & (('身份' & '份证' & '证号') | ('公民' & '民身' & '身份' & '份号' & '号码' & '号':*))"
    )
    assert search.Query.parse("SFZ", WORDS).either[0][1] == search.Alternative(("身份", "份证"))
    assert search.Query.parse("人口", WORDS) == search.Query.parse("人口")  # nothing to widen


def test_shipped_defaults_are_loaded_and_read_both_ways():
    assert Synonym.objects.filter(term="身份证").exists()
    words = synonyms.dictionary()
    assert "公民身份号码" in words["身份证"]
    assert "医疗保险" in words["医保"] and "医保" in words["医疗保险"]
    assert len(Synonym.objects.all()) == len(synonyms.defaults())


def test_search_finds_by_synonym_on_this_database(catalog, users):  # noqa: F811
    reader = users["maonan_bureau"]
    population, insurance, medical = (catalog[k].pk for k in ("population", "insurance", "medical"))
    assert population in _found(reader, "身份证")[0]  # its item 公民身份号码
    assert population in _found(reader, "身份证号")[0]  # 公民身份号码 + 号
    assert insurance in _found(reader, "社会保险")[0]  # its title says 社保
    assert medical in _found(reader, "医疗保险")[0]  # its title says 医保
    assert medical in _found(reader, "医疗保险 结算")[0]  # and the other word still must match
    assert medical not in _found(reader, "医疗保险 气象")[0]

    services.delete_synonym(users["gd_bureau"], Synonym.objects.get(term="身份证"))
    assert population not in _found(reader, "身份证")[0]  # the dictionary, not the index, found it


def test_title_matches_by_synonym_rank_first(catalog, users, units, complete):  # noqa: F811
    specialist, bureau = users["maoming_specialist"], users["maoming_bureau"]
    resource = services.create_resource(
        specialist,
        unit=units["440900-GA"],
        items=[{"name": "社会保险登记号", "column_name": "SBDJH", "data_type": "C", "length": 20}],
        **complete(name="参保人员名册"),
    )
    resource = services.submit_resource(specialist, resource, resource.version)
    in_items = services.publish_resource(bureau, resource, resource.version)
    query = search.parse("社会保险")
    ids, in_title = search.matches(query)
    assert {catalog["insurance"].pk, in_items.pk} <= set(ids.tolist())
    if in_title is not None:  # PostgreSQL tells title matches in the same pass
        assert catalog["insurance"].pk in in_title and in_items.pk not in in_title
    else:
        title_ids = search._sqlite_title_matches(query, after=0, count=1000).tolist()
        assert catalog["insurance"].pk in title_ids and in_items.pk not in title_ids
    ids = search.search(users["maonan_bureau"], "社会保险").ids
    assert ids.index(catalog["insurance"].pk) < ids.index(in_items.pk)


def test_only_the_provincial_bureau_keeps_the_dictionary_and_it_is_audited(users):
    with pytest.raises(PermissionDenied):
        services.save_synonym(users["maoming_bureau"], None, term="个体户", alternatives=["个体工商户"])
    keeper = users["gd_bureau"]
    saved = services.save_synonym(keeper, None, term="个体户", alternatives=["个体工商户"])
    assert "个体工商户" in synonyms.dictionary()["个体户"]
    services.save_synonym(
        keeper, saved, term="个体户", alternatives=["个体工商户", "个体经营"], two_way=False
    )
    assert "个体户" not in synonyms.dictionary().get("个体经营", ())
    with pytest.raises(ValidationError):
        services.save_synonym(keeper, None, term="社保", alternatives=["社会保险"])  # already there
    with pytest.raises(ValidationError):
        services.save_synonym(keeper, None, term="空", alternatives=[])
    services.delete_synonym(keeper, Synonym.objects.get(term="个体户"))
    events = list(
        AuditEntry.objects.filter(action__startswith="catalog.synonym")
        .order_by("pk")
        .values_list("action", "data")
    )
    assert [a for a, _d in events] == [
        "catalog.synonym_saved",
        "catalog.synonym_saved",
        "catalog.synonym_deleted",
    ]
    assert events[1][1]["before"]["alternatives"] == ["个体工商户"]
    assert events[1][1]["alternatives"] == ["个体工商户", "个体经营"]


def _workbook(rows) -> bytes:
    workbook = load_workbook(io.BytesIO(SynonymImport().template()))
    sheet = workbook.active
    sheet.delete_rows(2)  # the example
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_excel_import_is_all_or_nothing_and_audited(users):
    keeper = users["gd_bureau"]
    bad = _workbook(
        [["个体户", "个体工商户、个体经营", "是", ""], ["社保", "", "是", ""], ["车辆", "机动车", "也许", ""]]
    )
    result = SynonymImport().run(bad, keeper)
    assert not result.ok and result.annotated
    assert [row.number for row in result.error_rows] == [3, 4]
    assert not Synonym.objects.filter(term="个体户").exists()

    good = _workbook(
        [
            ["个体户", "个体工商户、个体经营", "否", "市场监管口径"],
            ["社保", "社会保险，社会保障，社会保险费", "", ""],
        ]
    )
    result = SynonymImport().run(good, keeper)
    assert result.ok and result.applied == 2
    assert Synonym.objects.get(term="个体户").two_way is False
    assert Synonym.objects.get(term="社保").alternatives == ["社会保险", "社会保障", "社会保险费"]
    entry = AuditEntry.objects.filter(action="catalog.synonyms_imported").latest("pk")
    assert entry.data["created"] == ["个体户"] and entry.data["updated"] == ["社保"]


def test_pages_list_export_and_add(client_for, users):
    reader = client_for("maoming_specialist")
    page = reader.get(reverse("catalog:synonym_list")).content.decode()
    assert "公民身份号码" in page and 'id="synonym-form"' not in page
    response = reader.get(reverse("catalog:synonym_list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "词语" and sheet.max_row == Synonym.objects.count() + 1
    assert (
        reader.post(reverse("catalog:synonym_list"), {"term": "甲", "alternatives": "乙"}).status_code == 403
    )

    keeper = client_for("gd_bureau")
    response = keeper.post(
        reverse("catalog:synonym_list"), {"term": "个体户", "alternatives": "个体工商户、个体经营"}
    )
    assert response.status_code == 302
    assert Synonym.objects.get(term="个体户").alternatives == ["个体工商户", "个体经营"]
    page = reader.get(reverse("catalog:search") + "?q=身份证").content.decode()
    assert 'id="synonyms-used"' in page and "公民身份号码" in page
