import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cdohub.catalog import rules, services
from cdohub.catalog.models import Participation, Resource
from cdohub.core.models import AuditEntry, Notification
from cdohub.core.workflow import Conflict

from .conftest import ITEMS

pytestmark = pytest.mark.django_db


def register(users, units, complete, **overrides):
    return services.create_resource(
        users["maoming_specialist"], unit=units["440900-GA"], items=ITEMS, **complete(**overrides)
    )


def test_code_follows_classification_and_sequence(users, units, complete):
    first = register(users, units, complete)
    second = register(users, units, complete, name="常住人口信息")
    assert first.code.startswith("101001/") and len(first.code) == len("101001/000001")
    assert int(second.code[-6:]) == int(first.code[-6:]) + 1
    assert first.provider_code == (units["440900-GA"].credit_code or "440900-GA")
    assert first.completeness == pytest.approx(11 / 12)  # all but related resources
    assert [i.column_name for i in first.items.all()] == ["XM", "SFZH", "CSRQ"]
    assert AuditEntry.objects.filter(action="resource.registered", object_id=str(first.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"share_type": "conditional", "share_conditions": "", "share_basis": ""}, "share_conditions"),
        (
            {"share_type": "none", "share_method": "", "share_conditions": "涉及隐私", "share_basis": ""},
            "share_basis",
        ),
        ({"format": "spreadsheet", "share_method": "database"}, "share_method"),
        (
            {"share_type": "none", "share_method": "api", "share_conditions": "x", "share_basis": "y"},
            "share_method",
        ),
        ({"open_type": "conditional", "open_conditions": ""}, "open_conditions"),
        ({"classification_code": "101"}, "classification"),
        ({"is_classified": True}, "is_classified"),
    ],
)
def test_metadata_rules_refuse_with_reasons(users, units, complete, classes, overrides, field):
    if "classification_code" in overrides:
        overrides = {"classification": classes[overrides.pop("classification_code")]}
    before = Resource.objects.count()
    with pytest.raises(ValidationError) as caught:
        register(users, units, complete, **overrides)
    assert field in caught.value.message_dict
    assert caught.value.message_dict[field][0]
    assert Resource.objects.count() == before


def test_classified_resource_is_title_only(users, units, classes):
    resource = services.create_resource(
        users["maoming_specialist"],
        unit=units["440900-GA"],
        classification=classes["301001"],
        name="重点人员管控信息",
        is_classified=True,
    )
    assert resource.completeness == 1.0
    entry = resource.__class__.objects.get(pk=resource.pk)
    assert entry.summary == "" and not entry.items.exists()


def test_items_are_checked_each(users, units, complete):
    bad = [*ITEMS, {"name": "姓名", "column_name": "bad name", "data_type": "Z", "length": "0"}]
    with pytest.raises(ValidationError) as caught:
        services.create_resource(
            users["maoming_specialist"], unit=units["440900-GA"], items=bad, **complete()
        )
    message = caught.value.message_dict["items"][0]
    assert message.startswith("Item 4") or message.startswith("第4") or "4" in message


def test_related_codes_must_exist(users, units, complete):
    with pytest.raises(ValidationError) as caught:
        register(users, units, complete, related_codes=["999999/000001"])
    assert "related_codes" in caught.value.message_dict


def test_out_of_scope_is_404_and_wrong_role_403(users, units, complete):
    with pytest.raises(Http404):
        services.create_resource(users["maonan_bureau"], unit=units["440900-GA"], items=ITEMS, **complete())
    with pytest.raises(PermissionDenied):
        services.create_resource(users["maoming_staff"], unit=units["440900-GA"], items=ITEMS, **complete())


def test_campaign_submission_review_and_return(users, units, complete, campaign):
    specialist, bureau = users["maoming_specialist"], users["maoming_bureau"]
    good = services.create_resource(
        specialist, unit=units["440900-GA"], campaign=campaign, items=ITEMS, **complete()
    )
    bare = services.create_resource(
        specialist,
        unit=units["440900-GA"],
        campaign=campaign,
        **complete(name="出入境证件信息", released_on=None),
    )
    part = Participation.objects.get(campaign=campaign, unit=units["440900-GA"])
    with pytest.raises(ValidationError) as caught:  # the campaign wants items and a release date
        services.submit_participation(specialist, part, part.version)
    assert "出入境证件信息" in " ".join(caught.value.messages)
    good.refresh_from_db()
    assert good.status == "draft"  # all or nothing

    services.update_resource(specialist, bare, items=ITEMS[:1], released_on=good.released_on)
    part = services.submit_participation(specialist, part, part.version)
    assert part.status == "submitted"
    assert set(Resource.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"submitted"}

    with pytest.raises(PermissionDenied):  # the drafter never decides
        services.publish_resource(specialist, good, good.version + 1)
    good.refresh_from_db()
    services.publish_resource(bureau, good, good.version)
    bare.refresh_from_db()
    with pytest.raises(ValidationError):
        services.return_resource(bureau, bare, bare.version, "")
    services.return_resource(bureau, bare, bare.version, "摘要过于简略，请补充数据范围")
    part.refresh_from_db()
    assert part.status == "returned"
    bare.refresh_from_db()
    assert bare.return_reason.startswith("摘要")
    with pytest.raises(Conflict):
        services.publish_resource(bureau, bare, bare.version - 1)
    assert [d.action for d in bare.decisions.all()] == ["submit", "return"]


def test_published_resource_cannot_be_edited(users, units, complete):
    resource = register(users, units, complete)
    resource = services.submit_resource(users["maoming_specialist"], resource, resource.version)
    resource = services.publish_resource(users["maoming_bureau"], resource, resource.version)
    with pytest.raises(ValidationError):
        services.update_resource(users["maoming_specialist"], resource, name="改名")


def test_deletion_keeps_the_snapshot_in_the_audit_log(users, units, complete):
    resource = register(users, units, complete)
    pk = resource.pk
    services.delete_resource(users["maoming_specialist"], resource)
    event = AuditEntry.objects.get(action="resource.deleted", object_id=str(pk))
    assert event.data["title"] == "人口基础信息" and len(event.data["items"]) == 3


def test_completeness_counts_core_metadata():
    assert rules.completeness({"name": "x"}, []) == pytest.approx(1 / 12)
    assert rules.data_type_for("character varying(18)") == "C"
    assert rules.data_type_for("timestamp with time zone") == "T"
    assert rules.data_type_for("DATE") == "D"
    assert rules.data_type_for("bigint") == "I"
    assert rules.data_type_for("decimal(12,2)") == "N"


def test_submission_tells_the_reviewers_of_the_nearest_body_only(
    users, units, complete, django_capture_on_commit_callbacks
):
    specialist = users["maoming_specialist"]
    resource = services.create_resource(specialist, unit=units["440900-GA"], items=ITEMS, **complete())
    earlier = Notification.objects.count() and Notification.objects.latest("pk").pk
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_resource(specialist, resource, resource.version)
    told = set(Notification.objects.filter(pk__gt=earlier).values_list("recipient__username", flat=True))
    assert "maoming_bureau" in told  # the city reviews its departments' resources
    assert "gd_bureau" not in told  # the province, which could, is not troubled with it


def test_editing_items_keeps_the_rows_of_the_items_that_stay(users, units, complete):
    specialist = users["maoming_specialist"]
    resource = services.create_resource(specialist, unit=units["440900-GA"], items=ITEMS, **complete())
    before = {item.column_name: item.pk for item in resource.items.all()}
    first, *rest = ITEMS
    added = {"name": "户籍地址", "column_name": "HJDZ", "data_type": "C", "length": 200}
    resource = services.update_resource(specialist, resource, items=[*rest, {**first, "length": 20}, added])
    after = {item.column_name: (item.pk, item.position, item.length) for item in resource.items.all()}
    assert after[first["column_name"]] == (before[first["column_name"]], len(ITEMS), 20)  # moved, changed
    assert all(after[i["column_name"]][0] == before[i["column_name"]] for i in rest)
    assert after["HJDZ"][0] not in before.values()
    resource = services.update_resource(specialist, resource, items=rest)
    assert sorted(i.pk for i in resource.items.all()) == sorted(before[i["column_name"]] for i in rest)
