import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from cdohub.catalog import excel, services
from cdohub.catalog.models import Resource
from cdohub.core.models import AuditEntry

pytestmark = pytest.mark.django_db

RESOURCE_HEADERS = [str(c.header) for c in excel.RESOURCE_COLUMNS]
ITEM_HEADERS = [str(c.header) for c in excel.ITEM_COLUMNS]


def workbook(resources, items) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(RESOURCE_HEADERS)
    for row in resources:
        ws.append(row)
    items_ws = wb.create_sheet("信息项")
    items_ws.append(ITEM_HEADERS)
    for row in items:
        items_ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def resource_row(ref, name, **over):
    row = {
        "ref": ref,
        "code": "",
        "classification": "203001",
        "name": name,
        "unit": "440900-RS",
        "summary": "参保人员缴费记录",
        "format": "数据库",
        "share_type": "有条件共享",
        "share_conditions": "仅用于待遇核验",
        "share_basis": "《社会保险法》",
        "share_method": "接口",
        "open_type": "不予开放",
        "open_conditions": "含个人信息",
        "update_cycle": "每月",
        "released_on": "2021-06-01",
        "source_system": "社保核心系统",
        "related_codes": "",
        "is_classified": "否",
    }
    row.update(over)
    return [row[c.key] for c in excel.RESOURCE_COLUMNS]


@pytest.fixture
def rs_registrar(users, units):
    from cdohub.accounts import services as accounts

    user = accounts.create_user(
        users["admin"], username="rs_specialist", password="x-Demo@2021!", home_unit=units["440900-RS"]
    )
    accounts.grant_role(users["admin"], user, "data_specialist", units["440900-RS"])
    return user


def test_template_has_two_sheets_with_dropdowns():
    wb = load_workbook(io.BytesIO(excel.template()))
    assert len(wb.worksheets) == 2
    assert wb.worksheets[0]["D1"].value.startswith(RESOURCE_HEADERS[3])
    assert wb.worksheets[0].data_validations.dataValidation  # choice lists for WPS and Excel


def test_import_applies_all_rows_and_round_trips(rs_registrar, units):
    data = workbook(
        [resource_row(1, "养老保险缴费信息"), resource_row(2, "失业保险待遇信息", update_cycle="每日")],
        [
            [1, "姓名", "XM", "字符型", 50, ""],
            [1, "公民身份号码", "SFZH", "C", 18, ""],
            [2, "待遇金额", "DYJE", "货币型", "", ""],
        ],
    )
    result = excel.CatalogImport().run(data, rs_registrar)
    assert result.ok and result.created == 2, [r.errors for r in result.error_rows]
    pension = Resource.objects.get(name="养老保险缴费信息")
    assert [i.data_type for i in pension.items.all()] == ["C", "C"]
    assert pension.code.startswith("203001/") and pension.share_type == "conditional"
    event = AuditEntry.objects.filter(action="catalog.imported").latest("pk")
    assert pension.code in event.data["created"] and len(event.data["sha256"]) == 64

    exported = excel.export(Resource.objects.filter(unit=units["440900-RS"], name__endswith="保险待遇信息"))
    wb = load_workbook(io.BytesIO(exported))
    ws = wb.worksheets[0]
    ws["F2"] = "修订后的摘要"  # the unit mends its export and brings it back
    buffer = io.BytesIO()
    wb.save(buffer)
    again = excel.CatalogImport().run(buffer.getvalue(), rs_registrar)
    assert again.ok and again.updated == 1 and again.created == 0
    assert Resource.objects.get(name="失业保险待遇信息").summary == "修订后的摘要"


def test_bad_rows_refuse_the_whole_file_with_reasons(rs_registrar):
    existing = Resource.objects.count()
    data = workbook(
        [
            resource_row(1, "医疗保险结算信息"),
            resource_row(2, "工伤保险信息", share_conditions="", share_basis=""),
            resource_row(3, "生育保险信息", format="电子表格"),  # cannot be shared through an interface
            resource_row(4, "就业登记信息", unit="440200-RS"),  # out of the importer's scope
            resource_row(5, "社保卡信息", code="203001/999999"),  # not an existing code
            resource_row(5, "重复行键", update_cycle="每十年"),
        ],
        [
            [1, "姓名", "XM", "字符型", "", ""],
            [9, "孤儿项", "", "C", "", ""],
            [1, "金额", "bad name", "Z", "-1", ""],
        ],
    )
    result = excel.CatalogImport().run(data, rs_registrar)
    assert not result.ok and Resource.objects.count() == existing
    errors = {row.number: "；".join(row.errors) for row in result.resources}
    assert errors[2] == ""
    assert errors[3] and errors[4] and errors[5] and errors[6] and errors[7]
    item_errors = [" ".join(r.errors) for r in result.items]
    assert item_errors[0] == "" and item_errors[1] and item_errors[2]
    annotated = load_workbook(io.BytesIO(result.annotated))
    last = annotated.worksheets[0].max_column
    assert annotated.worksheets[0].cell(row=3, column=last).value == errors[3]
    assert annotated.worksheets[1].cell(row=3, column=annotated.worksheets[1].max_column).value


def test_import_page_returns_marked_workbook(client_for, rs_registrar):
    from django.urls import reverse

    client = client_for("rs_specialist")
    assert client.get(reverse("catalog:import") + "?template=1")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    bad = workbook([resource_row(1, "x", classification="999")], [])
    response = client.post(reverse("catalog:import"), {"file": SimpleUploadedFile("catalog.xlsx", bad)})
    assert response.status_code == 422
    assert "import-errors" in response.content.decode()


def test_campaign_import_attaches_to_the_campaign_and_needs_participants(
    rs_registrar, campaign, units, users
):
    data = workbook([resource_row(1, "养老保险缴费信息", unit="440900-RS")], [])
    result = excel.CatalogImport(campaign).run(data, rs_registrar)
    assert result.ok and Resource.objects.get(name="养老保险缴费信息").campaign == campaign
    other = services.launch_campaign(
        users["maoming_bureau"],
        organiser=units["440900-SJJ"],
        name="公安专项普查",
        deadline=campaign.deadline,
        units=[units["440900-GA"]],
    )
    result = excel.CatalogImport(other).run(
        workbook([resource_row(1, "失业保险信息", unit="440900-RS")], []), rs_registrar
    )
    assert not result.ok and "未参加" in result.resources[0].errors[0]


# Formula injection and validation (issue 13) ----------------------------------------------------

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def test_formulas_imported_come_back_inert_in_the_export_and_re_import_unchanged(rs_registrar, units):
    wb = load_workbook(io.BytesIO(workbook([resource_row(n, "") for n in range(1, len(PAYLOADS) + 1)], [])))
    for row, payload in enumerate(PAYLOADS, start=2):
        cell = wb.worksheets[0].cell(row, 4, payload)
        cell.data_type = "s"  # typed as text, as a user's cell beginning with ' or a program's output
    buffer = io.BytesIO()
    wb.save(buffer)
    result = excel.CatalogImport().run(buffer.getvalue(), rs_registrar)
    assert result.ok, [r.errors for r in result.error_rows]
    exported = excel.export(Resource.objects.filter(name__in=PAYLOADS))
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    names = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in names) == sorted("'" + p for p in PAYLOADS)
    assert all(c.data_type == "s" for c in names)
    again = excel.CatalogImport().run(exported, rs_registrar)
    assert again.ok and again.updated == len(PAYLOADS)
    assert set(Resource.objects.filter(name__in=PAYLOADS).values_list("name", flat=True)) == set(PAYLOADS)


def test_an_imported_row_passes_the_models_validation_and_shows_every_error(rs_registrar):
    existing = Resource.objects.count()
    data = workbook(
        [
            resource_row(1, "x" * 10_000),
            resource_row(2, "发布日期", released_on="9999-12-31"),
            resource_row(3, "y" * 300, classification="999", released_on="9999-12-31", update_cycle="每十年"),
        ],
        [],
    )
    result = excel.CatalogImport().run(data, rs_registrar)
    assert not result.ok and Resource.objects.count() == existing
    errors = {row.number: row.errors for row in result.resources}
    assert any("200" in e for e in errors[2])
    assert any("9999-12-31" in e for e in errors[3])
    assert len(errors[4]) >= 4  # classification, cycle, the name's length and the date


def test_the_templates_example_rows_are_never_imported(rs_registrar):
    from cdohub.core.excel import ImportFileError

    with pytest.raises(ImportFileError):
        excel.CatalogImport().run(excel.template(), rs_registrar)


def test_a_release_date_of_9999_is_refused_by_the_api_as_by_the_import(client_for, rs_registrar, units):
    body = {
        "unit": units["440900-RS"].pk,
        "classification": "203001",
        "name": "养老保险缴费信息",
        "released_on": "9999-12-31",
        "items": [],
    }
    response = client_for("rs_specialist").post("/api/resources/", body, content_type="application/json")
    assert response.status_code == 400 and "released_on" in response.json(), response.content
    assert not Resource.objects.filter(name="养老保险缴费信息").exists()


def test_the_template_and_its_header_messages_are_in_chinese(db):
    from django.utils import translation

    from cdohub.core.excel import ImportFileError
    from cdohub.standards import excel as standards_excel

    with translation.override("zh-hans"):
        resources, items = load_workbook(io.BytesIO(excel.template())).worksheets
        elements = load_workbook(io.BytesIO(standards_excel.template())).worksheets[0]
    assert resources["D1"].value == "资源名称*" and items["B1"].value == "信息项名称*"
    assert elements["A1"].value == "内部标识符*"
    wb = Workbook()
    wb.active.append(["Row key", "Resource name"])
    wb.active.append([1, "人口基础信息"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        excel.CatalogImport().run(buffer.getvalue(), None)
    assert "分类代码" in str(caught.value) and "提供方单位编码" in str(caught.value)
