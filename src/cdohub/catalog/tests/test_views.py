import pytest
from django.urls import reverse

from cdohub.catalog import services
from cdohub.catalog.models import Participation, Resource

from .conftest import ITEMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(users, units, complete, campaign):
    return services.create_resource(
        users["maoming_specialist"], unit=units["440900-GA"], campaign=campaign, items=ITEMS, **complete()
    )


def test_pages_render_for_registrar_and_bureau(client_for, registered, campaign):
    part = Participation.objects.get(campaign=campaign, unit=registered.unit)
    specialist, bureau = client_for("maoming_specialist"), client_for("maoming_bureau")
    for client in (specialist, bureau):
        for url in (
            reverse("catalog:search") + "?q=人口",
            reverse("catalog:resource_list"),
            registered.get_absolute_url(),
            reverse("catalog:campaign_list"),
            campaign.get_absolute_url(),
            part.get_absolute_url(),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
    page = bureau.get(campaign.get_absolute_url()).content.decode()
    assert "茂名市公安局" in page and "census-chart" in page
    assert bureau.get(reverse("catalog:campaign_create")).status_code == 200
    assert specialist.get(reverse("catalog:campaign_create")).status_code == 403
    assert specialist.get(reverse("catalog:resource_create")).status_code == 200


def test_search_page_finds_drafts_in_scope_only(client_for, registered):
    url = reverse("catalog:search") + "?q=SFZH"
    assert registered.name in client_for("maoming_specialist").get(url).content.decode()
    assert registered.name not in client_for("maonan_bureau").get(url).content.decode()


def test_create_and_edit_through_the_form(client_for, classes, units):
    client = client_for("maoming_specialist")
    data = {
        "unit": units["440900-GA"].pk,
        "classification": classes["211001"].pk,
        "name": "空气质量监测数据",
        "summary": "全市空气质量自动监测站点小时数据",
        "format": "database",
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional",
        "update_cycle": "realtime",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-name": "监测站点",
        "items-0-column_name": "ZDMC",
        "items-0-data_type": "C",
        "items-0-length": "100",
        "items-1-name": "PM2.5浓度",
        "items-1-column_name": "PM25",
        "items-1-data_type": "N",
    }
    response = client.post(reverse("catalog:resource_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get(name="空气质量监测数据")
    assert [i.column_name for i in resource.items.all()] == ["ZDMC", "PM25"]
    data.update({"share_type": "conditional", "version": resource.version})
    response = client.post(reverse("catalog:resource_edit", args=[resource.pk]), data)
    assert response.status_code == 200  # conditions and basis missing
    assert "is-invalid" in response.content.decode()
    data.update({"share_conditions": "仅用于环境执法", "share_basis": "《环境保护法》"})
    assert client.post(reverse("catalog:resource_edit", args=[resource.pk]), data).status_code == 302
    resource.refresh_from_db()
    assert resource.share_type == "conditional"


def test_census_submit_button_goes_once_submitted_and_pages_say_where(
    client_for, users, registered, campaign, complete
):
    part = Participation.objects.get(campaign=campaign, unit=registered.unit)
    organiser = campaign.organiser.name
    specialist = client_for("maoming_specialist")
    page = specialist.get(part.get_absolute_url()).content.decode()
    assert 'id="submit-census"' in page and organiser in page
    resource_page = specialist.get(registered.get_absolute_url()).content.decode()
    assert campaign.name in resource_page and 'id="resource-destination"' in resource_page

    response = specialist.post(
        reverse("catalog:participation_submit", args=[part.pk]), {"version": part.version}
    )
    assert response.status_code == 302
    page = specialist.get(part.get_absolute_url()).content.decode()
    assert 'id="submit-census"' not in page  # nothing left to send
    assert 'id="part-submitted"' in page and organiser in page
    resource_page = specialist.get(registered.get_absolute_url()).content.decode()
    assert f"等待{organiser}审核" in resource_page

    # A resource registered after the part went in brings the button back, for it alone.
    services.create_resource(
        users["maoming_specialist"],
        unit=registered.unit,
        campaign=campaign,
        items=ITEMS,
        **complete(name="户籍迁移信息"),
    )
    page = specialist.get(part.get_absolute_url()).content.decode()
    assert 'id="submit-census"' in page
