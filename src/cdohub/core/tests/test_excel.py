"""Excel in core: formula neutralising on every written workbook, limits checked before parsing,
the template's example row, and the import page's error table."""

import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from cdohub.core.excel import ImportFileError, export_rows, neutralise, open_workbook
from cdohub.core.forms import ImportForm
from cdohub.core.validators import plausible_date
from cdohub.org.importers import UnitImport

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def xlsx(rows, headers=("单位编码*", "名称*", "类型*", "上级单位编码*", "行政区划代码*")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_export_makes_every_formula_payload_inert(payload):
    sheet = load_workbook(io.BytesIO(export_rows("x", ["名称"], [[payload]]))).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == "'" + payload.replace("\r", "\n")  # XML keeps \n


def test_numbers_stay_numbers_and_plain_text_is_untouched():
    sheet = load_workbook(
        io.BytesIO(export_rows("x", ["a", "b", "c", "d"], [[-12, 3.5, "-12.5", "茂名"]]))
    ).active
    assert [c.value for c in sheet[2]] == [-12, 3.5, "-12.5", "茂名"]
    assert sheet["A2"].data_type == "n" and neutralise(-1) == -1


def test_a_neutralised_cell_imports_as_it_was_entered():
    data = xlsx([["'=1+1", "'@SUM(A1)", "部门", "440900", "440900"]])
    rows = UnitImport().read(data)
    assert rows[0]["code"] == "=1+1" and rows[0]["name"] == "@SUM(A1)"


# Limits, before parsing -------------------------------------------------------------------------


def zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook whose one sheet unpacks to `unpacked_mb` MB of the same byte."""
    real = zipfile.ZipFile(io.BytesIO(xlsx([["a", "b", "部门", "1", "1"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in real.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, real.read(info))
        with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                sheet.write(block)
    return buffer.getvalue()


def limits(settings, **values):
    settings.CDOHUB = {**settings.CDOHUB, **values}


def test_a_zip_bomb_is_refused_before_it_is_parsed(settings):
    bomb = zip_bomb(64)
    assert len(bomb) < 1024 * 1024  # small on disk, 64 MB unpacked
    limits(settings, IMPORT_MAX_UNPACKED_BYTES=16 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="16"):
        open_workbook(bomb)
    assert time.monotonic() - started < 2


def understated(data: bytes, name: str, size: int) -> bytes:
    """`data` with the zip directory claiming that part `name` unpacks to `size` bytes."""
    data, start = bytearray(data), 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        length = int.from_bytes(data[start + 28 : start + 30], "little")
        if data[start + 46 : start + 46 + length] == name.encode():
            data[start + 24 : start + 28] = size.to_bytes(4, "little")
        start += 4
    return bytes(data)


def test_a_part_that_understates_its_size_is_caught_while_unpacking(settings):
    limits(settings, IMPORT_MAX_UNPACKED_BYTES=4 * 1024 * 1024)
    bomb = understated(zip_bomb(8), "xl/worksheets/sheet1.xml", 1024)
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml").file_size == 1024
    with pytest.raises(ImportFileError):
        open_workbook(bomb)


def test_too_many_rows_are_refused_before_parsing(settings):
    limits(settings, IMPORT_MAX_ROWS=10)
    open_workbook(xlsx([["a", "b", "部门", "1", "1"]] * 10))
    with pytest.raises(ImportFileError, match="10"):
        open_workbook(xlsx([["a", "b", "部门", "1", "1"]] * 11))


def test_a_file_too_large_is_refused_before_it_is_read(settings):
    limits(settings, IMPORT_MAX_BYTES=1024)
    upload = SimpleUploadedFile("big.xlsx", b"x" * 2048)
    form = ImportForm(files={"file": upload})
    assert not form.is_valid() and "MB" in form.errors["file"][0]
    assert upload.tell() == 0  # not a byte read
    with pytest.raises(ImportFileError):
        open_workbook(b"x" * 2048)


def test_random_bytes_are_not_a_workbook():
    with pytest.raises(ImportFileError):
        open_workbook(b"PK\x03\x04" + bytes(range(256)) * 40)


# The template's example row, errors, headers --------------------------------------------------


@pytest.mark.django_db
def test_the_templates_example_row_is_never_imported(users):
    with pytest.raises(ImportFileError):
        UnitImport().run(UnitImport().template(), users["admin"])
    wb = load_workbook(io.BytesIO(UnitImport().template()))
    wb.active["B2"] = "茂名市公安局（改写示例行）"  # the user wrote over the example: that is data
    buffer = io.BytesIO()
    wb.save(buffer)
    assert [row["name"] for row in UnitImport().read(buffer.getvalue())] == ["茂名市公安局（改写示例行）"]


def test_missing_headers_are_named_as_the_template_names_them():
    with translation.override("en"), pytest.raises(ImportFileError) as caught:
        UnitImport().read(xlsx([["440900-X", "x", "部门", "440900", "440900"]], headers=["Code", "名称"]))
    assert "单位编码" in str(caught.value) and "行政区划代码" in str(caught.value)


@pytest.mark.django_db
def test_the_import_page_lists_every_error_of_every_row(client_for):
    content = xlsx(
        [
            ["440900-GA", "x" * 10_000, "没有这种", "449999", "449998"],
            ["440900-Z9", "合格单位", "部门", "440900", "440900"],
            ["440900-Z9", "重复编码", "未知", "440900", "440900"],
        ]
    )
    client = client_for("maoming_bureau")
    response = client.post(reverse("org:unit_import"), {"file": SimpleUploadedFile("units.xlsx", content)})
    assert response.status_code == 422
    html = response.content.decode()
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "<td>2</td>" in table and "<td>4</td>" in table and "<td>3</td>" not in table
    first = table[table.index("<td>2</td>") : table.index("<td>4</td>")]
    assert first.count("<li>") >= 4  # duplicate code, kind, region, parent and the name's length
    assert "名称：确保该变量包含不超过 200 字符" in first  # in Chinese, the field named
    token = re.search(r'href="(/imports/[0-9a-f]+/)"', html).group(1)
    download = client.get(token)
    annotated = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    marked = annotated.cell(row=2, column=annotated.max_column).value
    assert annotated.cell(row=1, column=annotated.max_column).value == "错误信息"
    assert marked.count("；") == first.count("<li>") - 1 and "名称：确保该变量包含不超过 200 字符" in marked


def test_a_date_must_be_plausible():
    import datetime

    from django.core.exceptions import ValidationError

    plausible_date(datetime.date(2021, 6, 1))
    for wrong in (datetime.date(9999, 12, 31), datetime.date(1899, 12, 31)):
        with pytest.raises(ValidationError):
            plausible_date(wrong)
