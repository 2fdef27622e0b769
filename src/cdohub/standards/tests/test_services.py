"""The standards' services: who may maintain and link, what is refused and why, and the audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cdohub.core.models import AuditEntry
from cdohub.core.workflow import Conflict
from cdohub.standards import services
from cdohub.standards.models import CodeSet, DataElement, ElementLink

from .factories import population_item

pytestmark = pytest.mark.django_db

GENDER = [{"code": "1", "name": "男性"}, {"code": "2", "name": "女性"}]


def new_element(actor, owner, **fields):
    values = {"identifier": "DE-T-001", "name": "测试号码", "data_type": "C", "format": "an18"}
    values.update(fields)
    return services.create_element(actor, owner=owner, **values)


def test_a_bureau_drafts_and_publishes_a_code_set_and_element(users, units, english):
    bureau = users["maoming_bureau"]
    code_set = services.create_code_set(
        bureau,
        owner=units["440900-SJJ"],
        identifier="MM-XB",
        name="性别",
        standard="GB/T 2261.1-2003",
        values=[*GENDER, {"code": "21", "name": "子类", "parent": "2"}],
    )
    assert [v["parent"] for v in services.code_values(code_set)] == ["", "", "2"]
    element = new_element(bureau, units["440900-SJJ"], format="n1", code_set=code_set)
    assert element.status == "draft"
    with pytest.raises(ValidationError, match="code set"):
        services.publish_element(bureau, element, element.version)
    services.publish_code_set(bureau, code_set, code_set.version)
    published = services.publish_element(bureau, element, element.version)
    assert published.status == "published" and published.published_at is not None
    events = set(
        AuditEntry.objects.filter(object_type__startswith="standards.", kind="event").values_list(
            "action", flat=True
        )
    )
    assert {
        "standards.code_set_created",
        "standards.code_set_published",
        "standards.element_created",
    } <= events
    assert AuditEntry.objects.filter(action="standards.element_published", object_id=str(element.pk)).exists()


def test_only_bureaus_in_scope_maintain_standards(users, units, english):
    with pytest.raises(Http404):  # 茂名's bureau is out of 茂南's sight
        new_element(users["maonan_bureau"], units["440900-SJJ"])
    with pytest.raises((PermissionDenied, Http404)):  # a data specialist maintains no standards
        new_element(users["maoming_specialist"], units["440900-GA"])
    with pytest.raises(ValidationError, match="bureau"):  # a department is not a data bureau
        new_element(users["maoming_bureau"], units["440900-GA"])
    published = DataElement.objects.get(identifier="DE00002")
    with pytest.raises(PermissionDenied):  # read by all, changed only by the province
        services.update_element(users["maoming_bureau"], published, name="改名")
    assert not DataElement.objects.filter(identifier="DE-T-001").exists()


def test_bad_input_is_refused_with_the_reason(users, units, english):
    bureau, owner = users["maoming_bureau"], units["440900-SJJ"]
    with pytest.raises(ValidationError) as refused:
        new_element(bureau, owner, identifier="DE00001")
    assert "already in use" in refused.value.message_dict["identifier"][0]
    with pytest.raises(ValidationError) as refused:
        new_element(bureau, owner, format="", pattern="(a)\\1")
    assert "not supported" in refused.value.message_dict["pattern"][0]
    with pytest.raises(ValidationError) as refused:
        new_element(bureau, owner, format="", pattern="[")
    assert "invalid" in refused.value.message_dict["pattern"][0]
    with pytest.raises(ValidationError) as refused:
        new_element(bureau, owner, max_length=20)
    assert "at most 18" in refused.value.message_dict["max_length"][0]
    with pytest.raises(ValidationError) as refused:
        services.create_code_set(
            bureau,
            owner=owner,
            identifier="MM-DUP",
            name="x",
            values=[*GENDER, {"code": "1", "name": "又一个"}],
        )
    assert "appears twice" in refused.value.message_dict["values"][0]
    with pytest.raises(ValidationError) as refused:
        services.create_code_set(bureau, owner=owner, identifier="XBDM", name="x", values=GENDER)
    assert "already in use" in refused.value.message_dict["identifier"][0]
    draft = services.create_code_set(bureau, owner=owner, identifier="MM-EMPTY", name="空")
    with pytest.raises(ValidationError, match="at least one value"):
        services.publish_code_set(bureau, draft)
    hidden = services.create_code_set(
        users["gd_bureau"], owner=units["440000-SJJ"], identifier="GD-DRAFT", name="省草案", values=GENDER
    )
    with pytest.raises(ValidationError) as refused:  # another bureau's draft code set is not offered
        new_element(users["maonan_bureau"], units["440902-SJJ"], format="n1", code_set=hidden)
    assert "code_set" in refused.value.message_dict
    assert not CodeSet.objects.filter(identifier="MM-DUP").exists()


def test_a_published_standard_keeps_what_its_rules_follow_from(users, english):
    bureau = users["gd_bureau"]
    element = DataElement.objects.get(identifier="DE00002")
    with pytest.raises(ValidationError, match="keeps what its quality rules follow from"):
        services.update_element(bureau, element, max_length=60, format="c..60")
    mended = services.update_element(
        bureau, element, definition="登记的姓氏名称", seen_version=element.version
    )
    assert mended.definition == "登记的姓氏名称" and mended.max_length == 50
    with pytest.raises(Conflict):
        services.update_element(bureau, mended, definition="再改", seen_version=element.version)
    gender = CodeSet.objects.get(identifier="XBDM")
    with pytest.raises(ValidationError, match="keeps its identifier and values"):
        services.update_code_set(bureau, gender, values=GENDER)
    renamed = services.update_code_set(bureau, gender, name="人的性别代码（2003）")
    assert renamed.name == "人的性别代码（2003）" and renamed.values.count() == 4


def test_a_draft_code_set_is_edited_with_its_values(users, units):
    bureau = users["maoming_bureau"]
    code_set = services.create_code_set(
        bureau, owner=units["440900-SJJ"], identifier="MM-HY", name="婚姻", values=GENDER
    )
    changed = services.update_code_set(
        bureau,
        code_set,
        seen_version=code_set.version,
        values=[{"code": "20", "name": "已婚"}, {"code": "21", "name": "初婚", "parent": "20"}],
    )
    assert services.code_values(changed) == [
        {"code": "20", "name": "已婚", "parent": ""},
        {"code": "21", "name": "初婚", "parent": "20"},
    ]
    entry = AuditEntry.objects.get(action="standards.code_values_changed", object_id=str(code_set.pk))
    assert entry.data["before"][0]["code"] == "1"


def test_registrars_link_and_unlink_items(users, english):
    specialist = users["maoming_specialist"]
    item = population_item("440900-GA")  # 茂名's draft 人口基础信息
    element = DataElement.objects.get(identifier="DE00001")
    link = services.link_item(specialist, item, element)
    assert (link.element, link.linked_by, link.unit_id) == (element, specialist, item.resource.unit_id)
    assert services.rules_for_item(item) == [
        {"kind": "validator", "params": {"validator": "resident_id"}, "severity": "error", "weight": 2.0}
    ]
    entry = AuditEntry.objects.filter(action="standards.item_linked", object_id=str(link.pk)).latest("id")
    assert entry.data["element"] == "DE00001" and entry.data["rules"][0]["kind"] == "validator"
    relinked = services.link_item(specialist, item, DataElement.objects.get(identifier="DE00002"))
    assert relinked.pk == link.pk and ElementLink.objects.filter(item=item).count() == 1
    services.unlink_item(specialist, item)
    assert not ElementLink.objects.filter(item=item).exists()
    assert AuditEntry.objects.filter(action="standards.item_unlinked").exists()
    with pytest.raises(ValidationError, match="not linked"):
        services.unlink_item(specialist, item)


def test_linking_is_refused_to_others_and_for_drafts(users, english):
    item = population_item("440900-GA")
    element = DataElement.objects.get(identifier="DE00001")
    with pytest.raises(Http404):  # 茂南 cannot see 茂名's draft resource
        services.link_item(users["maonan_bureau"], item, element)
    with pytest.raises(PermissionDenied):  # the bureau sees it but does not register it
        services.link_item(users["maoming_bureau"], item, element)
    published_item = population_item("440000-GA", status="published")
    with pytest.raises(PermissionDenied):  # the published catalog is read by all, linked by its registrars
        services.link_item(users["maoming_specialist"], published_item, element)
    draft = DataElement.objects.get(identifier="MM-DE-0001")
    with pytest.raises(ValidationError, match="published data element"):
        services.link_item(users["maoming_specialist"], item, draft)
    assert not ElementLink.objects.filter(item=item).exists()


def test_a_published_resource_s_items_may_be_linked(users):
    """Linking is quality metadata, not a change of the registered resource (see policies)."""
    item = population_item("440000-GA", name="出生日期", status="published")
    assert item.resource.status == "published"
    from cdohub.accounts.demo import DemoAccounts

    specialist = DemoAccounts(users["admin"]).specialist(item.resource.unit)
    link = services.link_item(specialist, item, DataElement.objects.get(identifier="DE00017"))
    assert link.element.identifier == "DE00017"
    assert services.rules_for_item(item) == []  # a date stored as a date: nothing more to check


def test_an_item_that_cannot_hold_the_element_is_not_linked(users, english):
    specialist = users["maoming_specialist"]
    birth = population_item("440900-GA", name="出生日期")  # a date column
    with pytest.raises(ValidationError, match="stores dates"):
        services.link_item(specialist, birth, DataElement.objects.get(identifier="DE00001"))
    sex = population_item("440900-GA", name="性别")  # one character
    with pytest.raises(ValidationError, match="at most 1 characters"):
        services.link_item(specialist, sex, DataElement.objects.get(identifier="DE00001"))
    assert services.link_item(specialist, sex, DataElement.objects.get(identifier="DE00003"))
    assert not ElementLink.objects.filter(item=birth).exists()
