"""Failing rows say why they fail, on the pages and in Excel; the issue list exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdohub.quality import services
from cdohub.quality.models import Issue, RuleResult, Run
from cdohub.quality.reasons import explain

pytestmark = pytest.mark.django_db


def _result(kind, columns, **params):
    return RuleResult(kind=kind, columns=columns, params=params, label="", severity="error")


def test_each_kind_names_the_value_and_the_reason():
    names = {"gmsfhm": "公民身份号码"}
    short = explain(
        _result("validator", ["GMSFHM"], validator="resident_id"), {"gmsfhm": "440902*****1235"}, names
    )
    assert short.startswith("公民身份号码 = 440902*****1235") and "15" in short and "18" in short
    wrong = explain(
        _result("validator", ["GMSFHM"], validator="resident_id"), {"gmsfhm": "440902********1236"}
    )
    assert "GMSFHM = 440902********1236" in wrong and "校验码" in wrong
    assert explain(_result("not_null", ["XM"]), {"xm": ""}) == "XM 为空。"
    allowed = explain(_result("allowed", ["XB"], values=["男", "女"]), {"xb": "未知"})
    assert "未知" in allowed and "男、女" in allowed
    assert "最小值 0" in explain(_result("range", ["NL"], min=0, max=150), {"nl": -3})
    assert "最大值 150" in explain(_result("range", ["NL"], min=0, max=150), {"nl": 200})
    assert "2021-01-01" in explain(_result("range", ["RQ"], min="2021-01-01"), {"rq": "2020-05-01"})
    assert "3" in explain(_result("length", ["XM"], max=2), {"xm": "欧阳修"})
    assert "A=1" in explain(_result("unique", ["A", "B"]), {"a": 1, "b": 2})
    assert "rk_ref" in explain(_result("referential", ["X"], table="rk_ref", column="x"), {"x": "9"})


def test_run_page_and_its_excel_give_each_failing_rows_reason(bound, specialist, client_for, jobs):
    jobs(lambda: services.start_run(specialist, bound))
    run = Run.objects.get(resource=bound)
    client = client_for("maoming_specialist")
    page = client.get(reverse("quality:run_detail", args=[run.pk])).content.decode()
    assert 'class="text-danger-emphasis small reason"' in page and "不是有效的" in page
    assert "XB = 未知" in page or "性别 = 未知" in page

    response = client.get(reverse("quality:run_detail", args=[run.pk]) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("规则", "严重程度", "失败原因")
    failing = sum(len(r.samples) for r in run.results.all())
    assert failing and len(rows) == failing + 1
    assert all(row[2] for row in rows[1:])  # every row says why
    assert not any(str(v).startswith("440902199001011235") for row in rows for v in row if v)  # masked


def test_excel_cells_that_look_like_formulas_are_neutralised(bound, specialist, client_for, jobs):
    jobs(lambda: services.start_run(specialist, bound))
    run = Run.objects.get(resource=bound)
    result = run.results.filter(kind="not_null").get()
    result.samples = [{"gmsfhm": '=HYPERLINK("http://x")', "xm": "", "xb": "男", "csrq": "1990-01-01"}]
    result.sample_columns = ["gmsfhm", "xm", "xb", "csrq"]
    result.save()
    response = client_for("maoming_specialist").get(
        reverse("quality:run_detail", args=[run.pk]) + "?export=xlsx"
    )
    values = [
        v
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for v in row
    ]
    assert '\'=HYPERLINK("http://x")' in values and '=HYPERLINK("http://x")' not in values


def test_issue_list_exports_what_it_lists(bound, specialist, client_for, jobs):
    jobs(lambda: services.start_run(specialist, bound))
    client = client_for("maoming_specialist")
    assert 'id="export-issues"' in client.get(reverse("quality:issue_list")).content.decode()
    response = client.get(reverse("quality:issue_list"), {"status": "open", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "问题"
    listed = {row[0] for row in rows[1:]}
    for issue in Issue.objects.filter(resource=bound):
        assert issue.heading in listed
    outsider = client_for("maonan_bureau").get(
        reverse("quality:issue_list"), {"status": "all", "export": "xlsx"}
    )
    outside = {
        row[0] for row in load_workbook(io.BytesIO(outsider.content)).active.iter_rows(values_only=True)
    }
    assert not any(issue.heading in outside for issue in Issue.objects.filter(resource=bound))
