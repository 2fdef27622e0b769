"""Helpers shared by the standards tests (and the scope-isolation test)."""

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
    """Objects for the scope-isolation test (the actor is 茂南区's bureau administrator): the
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


def scope_rows(w):
    """(route, kwargs, method, data, status) for 茂南's bureau administrator."""
    public, other = w["public_element"], w["other_element"]
    public_set, other_set = w["public_code_set"], w["other_code_set"]
    item, hidden, link = w["public_item"], w["other_item"], w["public_link"]
    new = {"identifier": "X-1", "name": "x", "data_type": "C"}
    new_set = {"identifier": "X-CS", "name": "x", "values": [{"code": "1", "name": "x"}]}
    return [
        ("standards:element_list", {}, "get", None, 200),
        ("standards:element_create", {}, "get", None, 200),  # for its own bureau
        ("standards:element_detail", {"pk": public.pk}, "get", None, 200),
        ("standards:element_detail", {"pk": other.pk}, "get", None, 404),
        ("standards:element_edit", {"pk": public.pk}, "get", None, 403),
        ("standards:element_edit", {"pk": other.pk}, "post", {"name": "x"}, 404),
        ("standards:element_publish", {"pk": public.pk}, "post", {"version": public.version}, 403),
        ("standards:element_publish", {"pk": other.pk}, "post", {"version": other.version}, 404),
        ("standards:codeset_list", {}, "get", None, 200),
        ("standards:codeset_create", {}, "get", None, 200),
        ("standards:codeset_detail", {"pk": public_set.pk}, "get", None, 200),
        ("standards:codeset_detail", {"pk": other_set.pk}, "get", None, 404),
        ("standards:codeset_edit", {"pk": public_set.pk}, "post", {"name": "x"}, 403),
        ("standards:codeset_edit", {"pk": other_set.pk}, "get", None, 404),
        ("standards:codeset_publish", {"pk": public_set.pk}, "post", None, 403),
        ("standards:codeset_publish", {"pk": other_set.pk}, "post", None, 404),
        ("standards:import", {}, "get", None, 200),
        ("standards:item_link", {"item_id": item.pk}, "get", None, 200),  # the published catalog
        ("standards:item_link", {"item_id": item.pk}, "post", {"element": public.pk}, 403),
        ("standards:item_link", {"item_id": hidden.pk}, "get", None, 404),
        ("standards:item_link", {"item_id": hidden.pk}, "post", {"element": public.pk}, 404),
        ("standards:item_unlink", {"item_id": item.pk}, "post", None, 403),
        ("standards:item_unlink", {"item_id": hidden.pk}, "post", None, 404),
        ("dataelement-list", {}, "get", None, 200),
        ("dataelement-list", {}, "post", {**new, "owner": "440900-SJJ"}, 404),
        ("dataelement-detail", {"pk": public.pk}, "get", None, 200),
        ("dataelement-detail", {"pk": other.pk}, "get", None, 404),
        ("dataelement-detail", {"pk": public.pk}, "patch", {"name": "改名"}, 403),
        ("dataelement-detail", {"pk": other.pk}, "patch", {"name": "改名"}, 404),
        ("dataelement-publish", {"pk": public.pk}, "post", {}, 403),
        ("dataelement-publish", {"pk": other.pk}, "post", {}, 404),
        ("codeset-list", {}, "get", None, 200),
        ("codeset-list", {}, "post", {**new_set, "owner": "440900-SJJ"}, 404),
        ("codeset-detail", {"pk": public_set.pk}, "get", None, 200),
        ("codeset-detail", {"pk": other_set.pk}, "get", None, 404),
        ("codeset-detail", {"pk": public_set.pk}, "patch", {"name": "改名"}, 403),
        ("codeset-detail", {"pk": other_set.pk}, "patch", {"name": "改名"}, 404),
        ("codeset-publish", {"pk": public_set.pk}, "post", {}, 403),
        ("codeset-publish", {"pk": other_set.pk}, "post", {}, 404),
        ("elementlink-list", {}, "get", None, 200),
        ("elementlink-list", {}, "post", {"item": hidden.pk, "element": "DE00001"}, 404),
        ("elementlink-list", {}, "post", {"item": item.pk, "element": "DE00002"}, 403),
        ("elementlink-detail", {"pk": link.pk}, "get", None, 200),
        ("elementlink-detail", {"pk": link.pk}, "delete", None, 403),
    ]


def unchanged(w) -> bool:
    """Whether the refused calls left the world as it was."""
    fresh = {
        key: type(obj).objects.get(pk=obj.pk)
        for key, obj in w.items()
        if isinstance(obj, DataElement | CodeSet)
    }
    same = all(
        (f.name, f.status, f.version) == (w[k].name, w[k].status, w[k].version) for k, f in fresh.items()
    )
    link = ElementLink.objects.filter(pk=w["public_link"].pk).first()
    return (
        same
        and link is not None
        and link.element_id == w["public_link"].element_id
        and not ElementLink.objects.filter(item=w["other_item"]).exists()
        and not DataElement.objects.filter(identifier="X-1").exists()
        and not CodeSet.objects.filter(identifier="X-CS").exists()
    )
