import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cdohub.core.models import AuditEntry
from cdohub.org.models import ScopeMember, Unit

HEADERS = ["单位编码*", "名称*", "类型*", "上级单位编码*", "行政区划代码*", "简称"]


def workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _named(content):
    f = io.BytesIO(content)
    f.name = "units.xlsx"
    return f


@pytest.mark.django_db
def test_template_downloads(client_for):
    response = client_for("maoming_bureau").get("/units/import/?template=1")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]][:2] == ["单位编码*", "名称*"]


@pytest.mark.django_db
def test_good_workbook_is_applied_in_file_order(client_for):
    content = workbook(
        [
            ["440900-DSJ", "茂名市大数据中心", "部门", "440900", "440900", "大数据中心"],
            ["440983-DSJ", "信宜市大数据中心", "data_bureau", "440983", "440983", ""],
        ]
    )
    response = client_for("maoming_bureau").post("/units/import/", {"file": _named(content)})
    assert response.status_code == 302
    unit = Unit.objects.get(code="440900-DSJ")
    assert unit.kind == "department" and Unit.objects.get_parent(unit).code == "440900"
    assert AuditEntry.objects.filter(action="unit.created", object_id=str(unit.pk)).exists()


@pytest.mark.django_db
def test_bad_workbook_is_rejected_whole_with_reasons(client_for):
    before = Unit.objects.count()
    content = workbook(
        [
            ["440900-OK", "茂名市合格单位", "部门", "440900", "440900", ""],  # valid on its own
            ["440900-GA", "重复编码", "部门", "440900", "440900", ""],  # duplicate code
            ["440900-X1", "未知区划", "部门", "440900", "449999", ""],  # unknown region
            ["440900-X2", "缺少上级", "部门", "NOPE", "440900", ""],  # missing parent
            ["440900-X3", "外省上级", "政府", "440900", "430100", ""],  # parent in another province
            ["440900-X4", "层级错误", "政府", "440900", "440103", ""],  # wrong level: a Guangzhou district
            ["440900-OK", "文件内重复", "部门", "440900", "440900", ""],  # duplicate within the file
            ["440900-X5", "", "部门", "440900", "440900", ""],  # missing name
        ]
    )
    response = client_for("maoming_bureau", "en").post("/units/import/", {"file": _named(content)})
    assert response.status_code == 422
    assert Unit.objects.count() == before  # nothing applied, not even the valid first row
    assert "nothing was imported" in response.content.decode()
    token = response.context["token"]
    errors = {row.number: row.errors for row in response.context["result"].rows}
    assert errors[2] == []
    assert "already exists" in errors[3][0]
    assert "Unknown region" in errors[4][0]
    assert "Missing parent" in errors[5][0]
    assert "Unknown region" in errors[6][0] or "another province" in errors[6][0]
    assert "Wrong level" in errors[7][0]
    assert "twice" in errors[8][0]
    assert "required" in errors[9][0]
    # Only the session that uploaded the workbook can download it back.
    assert client_for("maoming_bureau").get(reverse("core:import_result", args=[token])).status_code == 404


@pytest.mark.django_db
def test_annotated_workbook_has_an_error_column(client_for):
    client = client_for("maoming_bureau")
    content = workbook([["440900-GA", "重复编码", "部门", "440900", "440900", ""]])
    response = client.post("/units/import/", {"file": _named(content)})
    token = response.context["token"]
    download = client.get(reverse("core:import_result", args=[token]))
    assert download.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert ws.cell(row=1, column=7).value == "错误信息"
    assert "440900-GA" in ws.cell(row=2, column=7).value


@pytest.mark.django_db
def test_units_outside_scope_cannot_be_imported(client_for):
    content = workbook([["440904-NEW", "电白区新单位", "部门", "440904", "440904", ""]])
    response = client_for("maonan_bureau").post("/units/import/", {"file": _named(content)})
    # The user's language: Chinese by default.
    assert response.status_code == 422
    assert "未导入任何数据" in response.content.decode()
    assert "无权" in response.context["result"].rows[0].errors[0]
    assert not Unit.objects.filter(code="440904-NEW").exists()


@pytest.mark.django_db
def test_nomination_import_all_or_nothing(client_for, program):
    headers = ["试点市单位编码*", "被提名单位编码*", "备注"]
    bad = workbook([["440900", "440983", ""], ["440900", "440103", ""]], headers)
    client = client_for("maoming_bureau")
    response = client.post("/programs/guangdong-2021/nominations/import/", {"file": _named(bad)})
    assert response.status_code == 422
    assert not ScopeMember.objects.filter(unit__code="440983").exists()
    good = workbook([["440900", "440983", "第三个试点县"]], headers)
    response = client.post("/programs/guangdong-2021/nominations/import/", {"file": _named(good)})
    assert response.status_code == 302
    assert ScopeMember.objects.get(unit__code="440983").note == "第三个试点县"


@pytest.mark.django_db
def test_not_a_workbook(client_for):
    f = io.BytesIO(b"not excel")
    f.name = "units.xlsx"
    response = client_for("maoming_bureau").post("/units/import/", {"file": f})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
