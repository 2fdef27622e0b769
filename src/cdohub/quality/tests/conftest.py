"""Fixtures for the quality tests: a SQLite population source under a temporary allowed root,
a resource of 茂名市公安局 bound to it, jobs run at once."""

import pytest

from cdohub.sources.tests.conftest import pg_db, source_root  # noqa: F401  (fixtures)

from . import factories


@pytest.fixture
def specialist(users):
    return users["maoming_specialist"]  # data specialist of 茂名市公安局 (440900-GA)


@pytest.fixture
def police(units):
    return units["440900-GA"]


@pytest.fixture
def fast_retries(settings):
    settings.CDOHUB = {**settings.CDOHUB, "QUALITY_RETRY_SECONDS": 0, "QUALITY_RUN_ATTEMPTS": 3}


@pytest.fixture
def population(source_root, specialist, police):  # noqa: F811
    """(source, path) of a SQLite population table with bad IDs, discovered."""
    path = factories.population_file(source_root / "population.sqlite3")
    return factories.register(specialist, police, "人口库（质量测试）", kind="sqlite", path=str(path)), path


@pytest.fixture
def bound(population, specialist):
    """A resource bound to the population table, with three rules."""
    source, _ = population
    res = factories.resource(specialist)
    from cdohub.quality import services

    services.bind_resource(specialist, res, source=source, table="rk")
    factories.population_rules(specialist, res)
    return res


@pytest.fixture
def jobs(django_capture_on_commit_callbacks):
    """jobs(callable) → its result, with every job it queued run once it commits."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run
