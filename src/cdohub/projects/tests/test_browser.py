"""The one-vote veto end to end in a real chromium (the issue's "Done when"): a 茂名 department
submits a project that re-collects population data the catalog already holds; its CDO sees the
failed reuse check and vetoes, citing it; an administrator's attempt to override fails; a second
round uses the shared resource and is approved; at acceptance the registration check fails until
the resource is published."""

import pytest

from cdohub.appointments.demo import letter
from cdohub.catalog import services as catalog_services
from cdohub.projects.models import Project, Review
from conftest import confirm, sign_in

from .factories import health_records, person, population

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def documents(tmp_path):
    paths = {}
    for key, title in (("feasibility", "可行性研究报告"), ("design", "初步设计"), ("acceptance", "验收报告")):
        path = tmp_path / f"{key}.pdf"
        path.write_bytes(letter(title).read())
        paths[key] = str(path)
    return paths


def sign_out(page):
    page.locator("form[action$='/logout/'] button").click()


def check_result(page, code):
    return page.locator(f"#check-{code}").get_attribute("data-result")


def test_veto_cannot_be_overridden_and_a_second_round_is_accepted(browser_page, documents):
    page, base = browser_page
    specialist = person("wj_specialist", "data_specialist", "440900-WJ", "茂名市卫健局数据专员")
    specialist.set_password("Demo@2021!")
    specialist.save()
    shared = population()

    # The health commission drafts and submits a project that collects population data itself.
    sign_in(page, base, "wj_specialist")
    page.goto(f"{base}/projects/new/")
    page.select_option("#id_unit", label="茂名市卫生健康局")
    page.fill("#id_name", "茂名市全民健康信息平台")
    page.select_option("#id_kind", value="new")
    page.fill("#id_budget", "860")
    page.select_option("#id_funding_source", value="budget")
    page.fill("#id_systems", "全民健康信息平台")
    page.fill("#id_collects", "人口基础信息：姓名、公民身份号码、出生日期")
    page.select_option("#id_security_level", value="3")
    page.set_input_files("#id_feasibility_study", documents["feasibility"])
    page.set_input_files("#id_design", documents["design"])
    page.fill("#id_outputs-0-name", "居民电子健康档案")
    page.select_option("#id_outputs-0-share_type", value="conditional")
    page.click("#save-project")
    page.wait_for_selector("#submit-initiation")
    project_url = page.url
    confirm(page, "#submit-initiation")
    page.wait_for_selector("#checks")
    first_url = page.url
    assert check_result(page, "reuse") == "failed"
    sign_out(page)

    # Its CDO (the city's: the commission has no CDO of its own) sees the failed check and vetoes.
    sign_in(page, base, "maoming_cdo")
    page.goto(first_url)
    assert "广东省公安厅「人口基础信息」" in page.locator("#check-reuse").inner_text()
    confirm(page, "#veto")  # without reasons: refused
    page.wait_for_selector(".alert-danger")
    assert page.locator("#review-status").inner_text() != "已否决（一票否决）"
    page.fill("#id_reasons", "人口基础信息已由省公安厅在目录中共享，不得重复采集。")
    page.check("#cite-reuse")
    confirm(page, "#veto")
    page.wait_for_selector("#veto-record")
    assert "人口基础信息已由省公安厅" in page.locator("#veto-record").inner_text()
    sign_out(page)

    # The administrator cannot override it: no decision form, the API refuses, the admin is read-only.
    sign_in(page, base, "admin")
    page.goto(first_url)
    assert page.locator("#decide-form").count() == 0
    review = Review.objects.get(project__name="茂名市全民健康信息平台", round=1)
    status = page.evaluate(
        """async ([url, version]) => {
            const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")).split("=")[1];
            const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
                "X-CSRFToken": token}, body: JSON.stringify({decision: "approve", version: version})});
            return r.status;
        }""",
        [f"/api/project-reviews/{review.pk}/decide/", review.version],
    )
    assert status == 403
    page.goto(f"{base}/admin/projects/review/{review.pk}/change/")
    assert page.locator("input[name=_save]").count() == 0
    review.refresh_from_db()
    assert review.status == "vetoed"
    sign_out(page)

    # Round 2: the commission uses the shared resource instead of collecting it.
    sign_in(page, base, "wj_specialist")
    page.goto(project_url)
    page.click("#edit-project")
    page.fill("#id_collects", "")
    page.fill("#id_uses", shared.code)
    page.click("#save-project")
    page.wait_for_selector("#submit-initiation")
    assert shared.code in page.locator("#uses").inner_text()
    confirm(page, "#submit-initiation")
    page.wait_for_selector("#checks")
    second_url = page.url
    assert second_url != first_url and check_result(page, "reuse") == "not_applicable"
    sign_out(page)

    sign_in(page, base, "maoming_cdo")
    page.goto(second_url)
    confirm(page, "#approve")
    page.wait_for_selector("#decision-record")
    assert Project.objects.get(name="茂名市全民健康信息平台").status == "initiated"
    sign_out(page)

    # Acceptance: the commission registered its data resource; it is not published yet.
    project = Project.objects.get(name="茂名市全民健康信息平台")
    resource = health_records(specialist, project)
    catalog_services.submit_resource(specialist, resource)
    sign_in(page, base, "wj_specialist")
    page.goto(project_url)
    page.click("#edit-project")
    page.set_input_files("#id_acceptance_report", documents["acceptance"])
    page.fill("#id_outputs-0-resource", resource.code)
    page.click("#save-project")
    page.wait_for_selector("#submit-acceptance")
    confirm(page, "#submit-acceptance")
    page.wait_for_selector("#checks")
    acceptance_url = page.url
    assert check_result(page, "outputs_registered") == "failed"
    sign_out(page)

    # The city bureau publishes the resource; the CDO runs the checks again and accepts.
    sign_in(page, base, "maoming_bureau")
    page.goto(f"{base}/catalog/resources/{resource.pk}/")
    confirm(page, "#review-form button[value=publish]")
    page.wait_for_selector("#resource-status")
    sign_out(page)
    sign_in(page, base, "maoming_cdo")
    page.goto(acceptance_url)
    assert check_result(page, "outputs_registered") == "failed"
    page.click("#rerun-checks")
    page.wait_for_selector("#checks")
    assert check_result(page, "outputs_registered") == "passed"
    assert check_result(page, "sharing_in_place") == "passed"
    confirm(page, "#approve")
    page.wait_for_selector("#decision-record")
    page.goto(project_url)
    assert page.locator("#project-status").inner_text() == "验收通过"
    rounds = page.locator("#rounds tbody tr")
    assert rounds.count() == 3
