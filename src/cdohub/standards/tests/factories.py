"""Helpers shared by the standards tests (and the permission tests)."""

from cdohub.catalog.models import InformationItem
from cdohub.org.models import Unit
from cdohub.standards import services
from cdohub.standards.models import CodeSet, DataElement, ElementLink


def population_item(unit_code: str, name: str = "公民身份号码", status: str | None = None) -> InformationItem:
    """An item of the demo's 人口基础信息 of `unit_code` (published for 440000-GA, a draft for 440900-GA)."""
    items = InformationItem.objects.filter(
        resource__unit__code=unit_code, resource__name="人口基础信息", name=name
    )
    if status:
        items = items.filter(resource__status=status)
    return items.select_related("resource").first()


def world(admin):
    """Objects for the permission tests, seen from 茂南区: the
    province's published standards (read by all, changed by none but the province), 茂名's drafts
    (out of 茂南's sight), and items of a published and of a draft resource."""
    from cdohub.accounts.models import User

    maoming = User.objects.get(username="maoming_bureau")
    other_set = services.create_code_set(
        maoming,
        owner=Unit.objects.get(code="440900-SJJ"),
        identifier="MM-CS-TEST",
        name="茂名测试代码集",
        values=[{"code": "1", "name": "是"}, {"code": "2", "name": "否"}],
    )
    public_item = population_item("440000-GA", status="published")
    return {
        "public_element": DataElement.objects.get(identifier="DE00001"),
        "other_element": DataElement.objects.get(identifier="MM-DE-0001"),
        "public_code_set": CodeSet.objects.get(identifier="XBDM"),
        "other_code_set": other_set,
        "public_item": public_item,
        "other_item": population_item("440900-GA"),
        "public_link": ElementLink.objects.get(item=public_item),
    }
