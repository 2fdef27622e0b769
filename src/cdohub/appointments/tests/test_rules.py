"""The appointing and filing bodies, derived from the Guangdong program file for every kind of unit."""

import pytest
from django.core.exceptions import ValidationError

from cdohub.appointments import rules, services

# (unit code, post, appointed by, filed with): 粤办函〔2021〕63号 三(一).
EXPECTED = [
    # City and county government CDOs: the municipal leading group appoints; the provincial bureau files.
    ("440900", "government_cdo", "440900-LDXZ", "440000-SJJ"),
    ("440902", "government_cdo", "440900-LDXZ", "440000-SJJ"),
    ("440100", "government_cdo", "440100-LDXZ", "440000-SJJ"),
    ("442000001000", "government_cdo", "442000-LDXZ", "440000-SJJ"),  # a 中山 town (city without districts)
    # Department CDOs: the department appoints; the same level's data management department files.
    ("440000-GA", "department_cdo", "440000-GA", "440000-SJJ"),
    ("440900-GA", "department_cdo", "440900-GA", "440900-SJJ"),
    ("440902-RS", "department_cdo", "440902-RS", "440902-SJJ"),
    ("440900-SJJ", "department_cdo", "440900-SJJ", "440900-SJJ"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "post", "appointed_by", "filed_with"), EXPECTED)
def test_bodies_follow_the_plan(program, units, code, post, appointed_by, filed_with):
    bodies = rules.derive_bodies(program, rules.post(program, post), units[code])
    assert (bodies.appointing.code, bodies.filing.code) == (appointed_by, filed_with)


@pytest.mark.django_db
def test_every_unit_kind_in_the_demo_is_covered(program):
    from cdohub.org.models import Unit

    kinds_with_posts = {k for p in rules.posts(program).values() for k in p.unit_kinds}
    covered = {Unit.objects.get(code=row[0]).kind for row in EXPECTED}
    assert kinds_with_posts <= covered
    demo_kinds = set(Unit.objects.values_list("kind", flat=True))
    assert demo_kinds - kinds_with_posts == {"leading_group"}  # a leading group has no CDO


@pytest.mark.django_db
def test_units_without_a_rule_are_refused_with_a_reason(program, units, english):
    gov_cdo = rules.post(program, "government_cdo")
    with pytest.raises(ValidationError, match="no Prefecture-level city government above"):
        rules.derive_bodies(program, gov_cdo, units["440000"])  # the province is not a pilot government
    with pytest.raises(ValidationError, match="not a post of a Leading group"):
        rules.derive_bodies(program, gov_cdo, units["440900-LDXZ"])
    with pytest.raises(ValidationError, match="no post nope"):
        rules.post(program, "nope")


@pytest.mark.django_db
def test_a_clerk_cannot_choose_the_bodies(program, units, users, english):
    with pytest.raises(ValidationError, match="Unknown fields: appointing_body, filing_body"):
        services.create_appointment(
            users["maoming_lgo"],
            program,
            units["440900"],
            "government_cdo",
            person_name="张三",
            position="副市长",
            rank="deputy",
            appointing_body=units["440900"],
            filing_body=units["440900-SJJ"],
            effective_on="2026-11-01",
        )


@pytest.mark.django_db
def test_units_outside_the_pilot_scope_have_no_filing(program, units, users, english):
    from cdohub.accounts import services as account_services

    shantou_lgo = account_services.create_user(
        users["admin"], username="shantou_lgo", password="x-Demo@2021!", home_unit=units["440500-LDXZ"]
    )
    account_services.grant_role(users["admin"], shantou_lgo, "leading_group_office", units["440500"])
    with pytest.raises(ValidationError, match="not in the pilot scope"):
        services.create_appointment(
            shantou_lgo,
            program,
            units["440500"],
            "government_cdo",
            person_name="李四",
            position="副市长",
            rank="deputy",
            in_charge_of_digital_government=True,
            effective_on="2026-11-01",
        )


def test_the_shipped_program_file_passes_the_system_check():
    from cdohub.appointments.checks import program_rules

    assert program_rules() == []
