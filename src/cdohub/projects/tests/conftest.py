import pytest

from .factories import person


@pytest.fixture
def wj(db):
    """茂名市卫生健康局: not a pilot department, so 茂名's government CDO reviews its projects."""
    return {
        "specialist": person("wj_specialist", "data_specialist", "440900-WJ", "茂名市卫健局数据专员"),
        "cdo": person("maoming_cdo", "cdo", "440900"),
        "bureau": person("maoming_bureau", "bureau_admin", "440900"),
        "admin": person("admin", "sysadmin", "440000"),
    }
