"""The roster and the project review read one answer (appointments.services.cdo_accounts): the
茂名市公安局 case, where filing a CDO without an account used to block reviews unseen."""

import pytest
from django.core.exceptions import ValidationError

from cdohub.appointments import services as appointments
from cdohub.appointments import status
from cdohub.appointments.tests.test_cdo_account import filed_police_cdo
from cdohub.projects import services
from cdohub.projects.policies import body_cdos, reviewing_body

from .factories import new_project, person

pytestmark = pytest.mark.django_db


def police_entry(program):
    return next(e for e in status.roster(program) if e.unit.code == "440900-GA")


def test_the_police_cdo_filed_without_an_account_shows_on_the_roster_what_blocks_the_review(
    users, program, units, english
):
    police = units["440900-GA"]
    specialist = person("ga_specialist", "data_specialist", "440900-GA")
    project = new_project(specialist, unit_code="440900-GA", name="茂名市警务数据平台（测试）", collects=[])
    assert reviewing_body(police).code == "440900"  # before the filing: the city CDO reviews

    appointment = filed_police_cdo(users, program, units)
    assert reviewing_body(police) == police  # the unit has its own CDO now
    entry = police_entry(program)
    assert entry.without_account and list(body_cdos(police)) == entry.accounts == []
    with pytest.raises(ValidationError, match="No account holds the chief data officer role of 茂名市公安局"):
        services.submit(specialist, project, "initiation")

    account = appointments.grant_cdo_account(users["maoming_bureau"], appointment, username="ga_cdo")
    entry = police_entry(program)
    assert not entry.disagrees and entry.accounts == list(body_cdos(police)) == [account]
    review = services.submit(specialist, project, "initiation")
    assert review.reviewing_body == police
    assert services.decide(account, review, "approve", review.version).status == "approved"


def test_the_city_cdo_account_reviews_and_the_roster_says_it_has_no_filed_appointment(program, users, units):
    maoming = units["440900"]
    entry = next(e for e in status.roster(program) if e.unit == maoming and e.post.key == "government_cdo")
    assert entry.account_without_appointment
    assert list(body_cdos(reviewing_body(units["440900-WJ"]))) == entry.accounts == [users["maoming_cdo"]]
