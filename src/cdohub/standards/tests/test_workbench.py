"""Standards on the workbench: the drafts a bureau may publish (there is no review step before)."""

import pytest

from cdohub.accounts.models import User
from cdohub.core.workbench import contribution
from cdohub.standards.choices import StandardStatus
from cdohub.standards.models import CodeSet, DataElement
from cdohub.standards.services import ELEMENT_PUBLISHING

pytestmark = pytest.mark.django_db


def test_drafts_to_publish_are_those_the_bureau_may_publish():
    drafts = [
        *DataElement.objects.filter(status=StandardStatus.DRAFT),
        *CodeSet.objects.filter(status=StandardStatus.DRAFT),
    ]
    found = 0
    for user in User.objects.filter(is_active=True):
        result = contribution("standards.drafts").query(user, 1000)
        expected = {d.get_absolute_url() for d in drafts if ELEMENT_PUBLISHING.allows(d, "publish", user)}
        assert {i.url for i in result.items} == expected and result.count == len(expected), user.username
        found += len(expected)
    assert found
