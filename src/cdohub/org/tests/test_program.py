import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from cdohub.core.models import AuditEntry
from cdohub.org import services
from cdohub.org.models import Milestone, Region, ScopeMember, Unit


@pytest.mark.django_db
def test_regions_cover_guangdong_and_zhongshan_towns():
    assert Region.objects.filter(level="prefecture", parent__code="440000").count() == 21
    pilots = ["440100", "440300", "440400", "440600", "440200", "441600", "440700", "440900", "441200"]
    for code in pilots:
        assert Region.objects.filter(parent__code=code, level="county").count() >= 3, code
    zhongshan = Region.objects.get(code="442000")
    assert not zhongshan.has_districts
    assert Region.objects.get(code="442000118000").name == "小榄镇"
    assert Region.objects.filter(parent=zhongshan, level="town").count() >= 20
    assert Region.objects.get(code="440900").has_districts


@pytest.mark.django_db
def test_program_loaded_from_its_file(program):
    assert program.document_number == "粤办函〔2021〕63号"
    assert str(program.issued_on) == "2021-04-23"
    assert set(program.dimensions) == {
        "objectives",
        "scope",
        "organisation",
        "responsibilities",
        "steps",
        "safeguards",
    }
    assert [str(m.due_on) for m in program.milestones.all()] == ["2021-05-31", "2022-06-30"]
    members = ScopeMember.objects.filter(program=program, parent=None)
    assert members.filter(category="pilot_department").count() == 6
    assert members.filter(category="pilot_city").count() == 10
    assert [r["min"] for r in program.scope_rules] == [3, 5]


@pytest.mark.django_db
def test_reloading_the_program_file_is_idempotent(program, users):
    services.load_program(users["admin"], settings.CDOHUB["PROGRAM_FILES"][0])
    assert ScopeMember.objects.filter(program=program, parent=None).count() == 16
    assert Milestone.objects.filter(program=program).count() == 2
    with pytest.raises(PermissionDenied):
        services.load_program(users["maoming_bureau"], settings.CDOHUB["PROGRAM_FILES"][0])


@pytest.mark.django_db
def test_demo_compliance_maoming_one_county_short(program):
    rows = {c.member.unit.code: c for c in services.scope_compliance(program)}
    assert len(rows) == 10
    assert [code for code, c in rows.items() if not c.compliant] == ["440900"]
    maoming = rows["440900"]
    assert maoming.counts() == {"counties": 2, "departments": 5}
    assert [s.missing for s in maoming.rules] == [1, 0]
    assert rows["442000"].counts()["counties"] == 3  # towns and streets count for 中山


@pytest.mark.django_db
def test_nominating_a_third_county_makes_maoming_compliant(program, users, units):
    city = ScopeMember.objects.get(program=program, unit=units["440900"])
    member = services.nominate(users["maoming_bureau"], city, units["440983"])
    assert member.category == "pilot_county"
    assert services.scope_compliance(program, cities=[city])[0].compliant
    event = AuditEntry.objects.get(action="scope.nominated", object_id=str(member.pk))
    assert event.actor_name == "maoming_bureau"
    member_id = member.pk
    services.withdraw(users["maoming_bureau"], member)
    assert not services.scope_compliance(program, cities=[city])[0].compliant
    assert AuditEntry.objects.filter(action="scope.withdrawn", object_id=str(member_id)).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(member_id)).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_nomination_rules(program, users, units):
    maoming = ScopeMember.objects.get(program=program, unit=units["440900"])
    guangzhou = ScopeMember.objects.get(program=program, unit=units["440100"])
    bureau = users["maoming_bureau"]
    with pytest.raises(ValidationError, match="already in the pilot scope"):
        services.nominate(bureau, maoming, units["440902"])
    with pytest.raises(ValidationError, match="not directly under"):
        services.nominate(bureau, maoming, units["440902-RS"])  # a county department
    with pytest.raises(ValidationError, match="not directly under"):
        services.nominate(users["admin"], maoming, units["440103"])  # a Guangzhou district
    with pytest.raises(PermissionDenied):
        services.nominate(bureau, guangzhou, units["440103"])  # another city's scope
    with pytest.raises(PermissionDenied):
        services.nominate(users["maonan_bureau"], maoming, units["440983"])  # a county admin
    zhongshan = ScopeMember.objects.get(program=program, unit=units["442000"])
    town = Unit.objects.filter(region__code="442000118000").get()
    if not ScopeMember.objects.filter(unit=town).exists():
        assert services.nominate(users["admin"], zhongshan, town).category == "pilot_county"


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_unit_placement_rules(units):
    regions = {r.code: r for r in Region.objects.all()}
    maoming, maonan = units["440900"], units["440902"]
    assert services.placement_errors("government", regions["440983"], maoming) == []
    assert services.placement_errors("department", regions["440900"], maoming) == []
    assert "Wrong level" in services.placement_errors("government", regions["440103"], maoming)[0]
    assert "same region" in services.placement_errors("department", regions["440902"], maoming)[0]
    assert (
        "belong to a government"
        in services.placement_errors("department", regions["440900"], units["440900-GA"])[0]
    )
    hunan = Region(code="430000", name="湖南省", level="province")
    assert "another province" in services.placement_errors("government", hunan, maonan)[0]
    assert "Unknown region" in services.placement_errors("government", None, maonan)[0]
