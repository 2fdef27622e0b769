"""The standards' pages, for those who may act and those who may not."""

import pytest
from django.urls import reverse

from cdohub.catalog.models import InformationItem
from cdohub.standards.models import CodeSet, DataElement, ElementLink

from .factories import population_item

pytestmark = pytest.mark.django_db


def test_pages_render_for_readers_and_maintainers(client_for):
    element = DataElement.objects.get(identifier="DE00004")
    code_set = CodeSet.objects.get(identifier="MZDM")
    for username in ("maoming_staff", "gd_bureau"):
        client = client_for(username)
        for url in (
            reverse("standards:element_list"),
            reverse("standards:element_list") + "?q=民族",
            element.get_absolute_url(),
            reverse("standards:codeset_list"),
            code_set.get_absolute_url(),
        ):
            assert client.get(url).status_code == 200, (username, url)
    page = client_for("gd_bureau").get(element.get_absolute_url()).content.decode()
    assert "基诺族" in page and "implied-rules" in page and "人口基础信息" in page  # values, rules, links
    assert "edit-element" in page
    assert "edit-element" not in client_for("maoming_staff").get(element.get_absolute_url()).content.decode()
    dates = (
        client_for("maoming_staff").get(reverse("standards:element_list") + "?data_type=D").content.decode()
    )
    assert "DE00005" in dates and "DE00001" not in dates
    partial = client_for("maoming_staff").get(
        reverse("standards:element_list") + "?q=民族", headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode() and "DE00004" in partial.content.decode()


def test_forms_are_for_bureaus(client_for, units):
    assert client_for("maoming_staff").get(reverse("standards:element_create")).status_code == 403
    assert client_for("maoming_specialist").get(reverse("standards:codeset_create")).status_code == 403
    bureau = client_for("maoming_bureau", lang="en")
    response = bureau.post(
        reverse("standards:codeset_create"),
        {
            "owner": units["440900-SJJ"].pk,
            "identifier": "MM-FORM-CS",
            "name": "表单代码集",
            "values_text": "1\t是\n2,否\n21\t子项\t2\n9\t其他, 未说明",
        },
    )
    code_set = CodeSet.objects.get(identifier="MM-FORM-CS")
    assert response.status_code == 302 and code_set.values.get(code="21").parent.code == "2"
    assert code_set.values.get(code="9").name == "其他, 未说明"  # a line with tabs keeps its commas
    response = bureau.post(
        reverse("standards:element_create"),
        {
            "owner": units["440900-SJJ"].pk,
            "identifier": "MM-FORM-DE",
            "name": "表单数据元",
            "data_type": "C",
            "pattern": "[0-9",
        },
    )
    assert response.status_code == 200 and "invalid" in response.content.decode()
    response = bureau.post(
        reverse("standards:element_create"),
        {
            "owner": units["440900-SJJ"].pk,
            "identifier": "MM-FORM-DE",
            "name": "表单数据元",
            "data_type": "C",
            "format": "n1",
            "code_set": code_set.pk,
        },
    )
    element = DataElement.objects.get(identifier="MM-FORM-DE")
    assert response.status_code == 302 and element.code_set == code_set
    edit = reverse("standards:element_edit", args=[element.pk])
    response = bureau.post(
        edit,
        {
            "owner": units["440900-SJJ"].pk,
            "identifier": "MM-FORM-DE",
            "name": "改名",
            "data_type": "C",
            "format": "n1",
            "code_set": code_set.pk,
            "version": element.version,
        },
    )
    assert response.status_code == 302 and DataElement.objects.get(pk=element.pk).name == "改名"
    publish = bureau.post(
        reverse("standards:element_publish", args=[element.pk]), {"version": element.version + 1}
    )
    assert (
        publish.status_code == 302 and DataElement.objects.get(pk=element.pk).status == "draft"
    )  # code set first
    bureau.post(reverse("standards:codeset_publish", args=[code_set.pk]))
    bureau.post(reverse("standards:element_publish", args=[element.pk]))
    assert DataElement.objects.get(pk=element.pk).status == "published"
    assert bureau.get(edit).status_code == 200
    province = DataElement.objects.get(identifier="DE00001")
    assert bureau.get(reverse("standards:element_edit", args=[province.pk])).status_code == 403


def test_the_link_page(client_for):
    item = population_item("440900-GA")
    url = reverse("standards:item_link", args=[item.pk])
    specialist = client_for("maoming_specialist")
    page = specialist.get(url).content.decode()
    assert "DE00001" in page and "link-preview" in page  # suggested by the item's own name
    mother = InformationItem.objects.filter(name="母亲公民身份号码").first()
    suggested = client_for("admin").get(reverse("standards:item_link", args=[mother.pk])).content.decode()
    assert 'data-identifier="DE00001"' in suggested.split("element-choice-list")[1].split("</a>")[0]
    found = specialist.get(url + "?q=性别", headers={"HX-Request": "true"}).content.decode()
    assert "DE00003" in found and "<html" not in found
    element = DataElement.objects.get(identifier="DE00001")
    preview = specialist.get(url + f"?element={element.pk}", headers={"HX-Request": "true"}).content.decode()
    assert "preview-rules" in preview and "resident_id" not in preview.split("preview-rules")[0]
    assert "link-element" in preview
    response = specialist.post(url, {"element": element.pk})
    assert response.status_code == 302 and ElementLink.objects.get(item=item).element == element
    page = specialist.get(url).content.decode()
    assert "current-rules" in page and "unlink" in page
    bureau = client_for("maoming_bureau")
    read_only = bureau.get(url).content.decode()
    assert "read-only" in read_only and "link-element" not in read_only
    assert bureau.post(url, {"element": element.pk}).status_code == 403
    assert bureau.post(reverse("standards:item_unlink", args=[item.pk])).status_code == 403
    draft = DataElement.objects.get(identifier="MM-DE-0001")
    specialist.post(url, {"element": draft.pk})
    assert ElementLink.objects.get(item=item).element == element  # a draft is not offered
    assert specialist.post(reverse("standards:item_unlink", args=[item.pk])).status_code == 302
    assert not ElementLink.objects.filter(item=item).exists()
    assert client_for("maonan_bureau").get(url).status_code == 404
