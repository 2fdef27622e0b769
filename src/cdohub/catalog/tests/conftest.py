import datetime

import pytest

from cdohub.catalog import services
from cdohub.catalog.models import Classification
from cdohub.core import clock


@pytest.fixture
def classes(db):
    class ByCode(dict):
        def __missing__(self, code):
            self[code] = Classification.objects.get(code=code)
            return self[code]

    return ByCode()


@pytest.fixture
def complete(classes):
    """The metadata of a complete, unconditionally shared database resource."""

    def make(**overrides):
        values = {
            "classification": classes["101001"],
            "name": "人口基础信息",
            "summary": "全市户籍人口和常住人口的基础信息",
            "format": "database",
            "share_type": "unconditional",
            "share_method": "api",
            "open_type": "none",
            "open_conditions": "含个人信息",
            "update_cycle": "daily",
            "released_on": datetime.date(2021, 6, 1),
            "source_system": "人口库",
        }
        values.update(overrides)
        return values

    return make


ITEMS = [
    {"name": "姓名", "column_name": "XM", "data_type": "C", "length": 50},
    {"name": "公民身份号码", "column_name": "SFZH", "data_type": "C", "length": 18},
    {"name": "出生日期", "column_name": "CSRQ", "data_type": "D"},
]


@pytest.fixture
def campaign(users, units):
    return services.launch_campaign(
        users["maoming_bureau"],
        organiser=units["440900-SJJ"],
        name="茂名市政务数据普查（测试）",
        deadline=clock.today() + datetime.timedelta(days=40),
        units=[units["440900-GA"], units["440900-RS"]],
        required_fields=["items", "released_on"],
    )
