"""The standards in Excel: template, export, import round trip, and an import with bad rows."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from cdohub.core.excel import open_workbook, read_sheet
from cdohub.core.models import AuditEntry
from cdohub.standards import excel
from cdohub.standards.models import CodeSet, DataElement

pytestmark = pytest.mark.django_db


def workbook(elements: list[list], codes: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([c.key for c in excel.ELEMENT_COLUMNS])
    for row in elements:
        ws.append(row)
    ws2 = wb.create_sheet("codes")
    ws2.append([c.key for c in excel.CODE_COLUMNS])
    for row in codes:
        ws2.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def element_row(
    identifier, name, data_type="字符型", max_length="", fmt="", code_set="", validator="", owner="440900-SJJ"
):
    return [identifier, name, "", data_type, max_length, "", fmt, "", code_set, validator, "", owner, ""]


def test_template_has_both_sheets():
    wb = load_workbook(io.BytesIO(excel.template()))
    assert len(wb.worksheets) == 2
    assert wb.worksheets[0]["A2"].value == "DE00001" and wb.worksheets[1]["E2"].value == "1"


def test_export_then_import_round_trip(users):
    province = users["gd_bureau"]
    data = excel.export(elements=DataElement.objects.filter(identifier__in=["DE00003", "DE00001"]))
    workbook_ = open_workbook(data)
    elements = read_sheet(workbook_, 0, excel.ELEMENT_COLUMNS)
    codes = read_sheet(workbook_, 1, excel.CODE_COLUMNS)
    assert [r["identifier"] for r in elements] == ["DE00001", "DE00003"]
    assert elements[1]["code_set"] == "XBDM" and elements[0]["validator"] == "resident_id"
    assert [r["code"] for r in codes] == ["0", "1", "2", "9"] and codes[0]["owner"] == "440000-SJJ"
    before = {e.identifier: (e.version, e.max_length) for e in DataElement.objects.all()}
    result = excel.StandardsImport().run(data, province)  # the same, published standards again
    assert result.ok, [r.errors for r in result.error_rows]
    assert result.updated == 3 and result.created == 0
    after = {e.identifier: (e.version, e.max_length) for e in DataElement.objects.all()}
    assert after["DE00001"][1] == before["DE00001"][1] and set(after) == set(before)


def test_import_creates_code_sets_and_elements(users):
    data = workbook(
        [
            element_row("MM-DE-0100", "茂名户籍类别代码", max_length="1", fmt="n1", code_set="MM-HJLB"),
            element_row("MM-DE-0101", "茂名居民卡号", fmt="n..19"),
            element_row("MM-DE-0102", "联系电话", validator="Mobile phone number"),
        ],
        [
            ["MM-HJLB", "户籍类别代码", "茂名市地方标准", "440900-SJJ", "1", "本地户籍", ""],
            ["MM-HJLB", "", "", "", "2", "外地户籍", ""],
            ["MM-HJLB", "", "", "", "21", "省内外地", "2"],
        ],
    )
    result = excel.StandardsImport().run(data, users["maoming_bureau"])
    assert result.ok, [r.errors for r in result.error_rows]
    assert result.created == 4
    element = DataElement.objects.get(identifier="MM-DE-0100")
    assert element.code_set.identifier == "MM-HJLB" and element.status == "draft"
    assert CodeSet.objects.get(identifier="MM-HJLB").values.get(code="21").parent.code == "2"
    assert DataElement.objects.get(identifier="MM-DE-0101").max_length is None
    assert DataElement.objects.get(identifier="MM-DE-0102").validator == "mobile"  # read by its label
    assert AuditEntry.objects.filter(action="standards.imported").exists()


def test_import_with_bad_rows_applies_nothing(users, english):
    data = workbook(
        [
            element_row("MM-DE-0200", "好的一行", max_length="10", fmt="c..10"),
            element_row("DE00001", "重复的标识符"),  # the province's: out of 茂名's hands
            element_row("MM-DE-0201", "格式错误", fmt="x12"),
            element_row("MM-DE-0202", "坏的类型", data_type="不存在"),
            element_row("MM-DE-0203", "未知代码集", code_set="NOPE"),
            element_row("MM-DE-0200", "同一文件重复"),
        ],
        [
            ["MM-CS-9", "测试代码集", "", "440900-SJJ", "1", "一", ""],
            ["MM-CS-9", "", "", "", "1", "重复的码", ""],
            ["MM-CS-9", "", "", "", "3", "三", "7"],
        ],
    )
    result = excel.StandardsImport().run(data, users["maoming_bureau"])
    assert not result.ok and result.applied == 0
    by_row = {r.number: "；".join(r.errors) for r in result.elements}
    assert by_row[2] == ""
    assert "may not change" in by_row[3]
    assert "x12" in by_row[4]
    assert "data type" in by_row[5].lower()
    assert "NOPE" in by_row[6]
    assert "already in row 2" in by_row[7]
    codes = {r.number: "；".join(r.errors) for r in result.codes}
    assert "appears twice" in codes[3] and "not in the set" in codes[4]
    assert not DataElement.objects.filter(identifier__startswith="MM-DE-02").exists()
    assert not CodeSet.objects.filter(identifier="MM-CS-9").exists()
    assert not AuditEntry.objects.filter(action="standards.imported").exists()
    annotated = load_workbook(io.BytesIO(result.annotated))
    sheet = annotated.worksheets[0]
    assert sheet.cell(row=1, column=sheet.max_column).value == "Errors"
    assert "x12" in sheet.cell(row=4, column=sheet.max_column).value
    assert sheet.cell(row=2, column=sheet.max_column).value is None


def test_import_page_and_list_exports(client_for):
    bureau = client_for("maoming_bureau")
    assert bureau.get("/standards/import/").status_code == 200
    template = bureau.get("/standards/import/?template=1")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    export = bureau.get("/standards/?q=代码&export=xlsx")
    rows = read_sheet(open_workbook(export.content), 0, excel.ELEMENT_COLUMNS)
    assert rows and all("代码" in r["name"] for r in rows)
    sets = bureau.get("/standards/code-sets/?export=xlsx")
    assert {r["code_set"] for r in read_sheet(open_workbook(sets.content), 1, excel.CODE_COLUMNS)} >= {
        "XBDM",
        "MZDM",
    }
    assert client_for("maoming_specialist").get("/standards/import/").status_code == 403
    bad = workbook([element_row("MM-DE-0300", "坏", fmt="??")], [])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = bureau.post("/standards/import/", {"file": SimpleUploadedFile("s.xlsx", bad)})
    assert response.status_code == 422 and "import-errors" in response.content.decode()


def test_an_imported_row_passes_the_models_field_validation(users):
    data = workbook(
        [element_row("MM-DE-0200", "名" * 10_000, max_length="1"), element_row("MM-DE-0201", "合格数据元")],
        [["MM-XX", "码" * 10_000, "", "440900-SJJ", "1", "一", ""]],
    )
    result = excel.StandardsImport().run(data, users["maoming_bureau"])
    assert not result.ok and not DataElement.objects.filter(identifier__startswith="MM-DE-02").exists()
    assert any("10000" in e for e in result.elements[0].errors) and not result.elements[1].errors
    assert any("10000" in e for e in result.codes[0].errors)


def test_the_templates_example_rows_are_never_imported(users):
    from cdohub.core.excel import ImportFileError

    with pytest.raises(ImportFileError):
        excel.StandardsImport().run(excel.template(), users["gd_bureau"])


def test_a_formula_imported_as_a_name_is_exported_inert(users):
    data = workbook([element_row("MM-DE-0300", "@SUM(A1)"), element_row("MM-DE-0301", "+1+1")], [])
    result = excel.StandardsImport().run(data, users["maoming_bureau"])
    assert result.ok, [r.errors for r in result.error_rows]
    exported = excel.export(elements=DataElement.objects.filter(identifier__startswith="MM-DE-030"))
    names = [row[1] for row in load_workbook(io.BytesIO(exported)).worksheets[0].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in names] == [("'@SUM(A1)", "s"), ("'+1+1", "s")]
