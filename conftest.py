"""Shared fixtures. The Guangdong demo is loaded once into the test database and rolled back
around every test; browser tests (transactional) load it again themselves."""

import os

import pytest
from django.db import connection


def pytest_report_header(config):
    return f"database: {os.environ.get('CDOHUB_DATABASE_URL', 'sqlite (default)')}"


def load_demo():
    from cdohub.accounts.models import User
    from cdohub.core import audit
    from cdohub.core.management.commands.demo import DEMO_PASSWORD, demo_modules

    admin = User(username="admin", is_superuser=True, is_staff=True, display_name="系统管理员")
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    with audit.acting_as(admin, "command"):
        for module in demo_modules():
            module.load(admin)
    return admin


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def vendor():
    return connection.vendor


@pytest.fixture
def users(db):
    from cdohub.accounts.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def units(db):
    from cdohub.org.models import Unit

    class Units(dict):
        def __missing__(self, code):
            self[code] = Unit.objects.get(code=code)
            return self[code]

    return Units()


@pytest.fixture
def program(db):
    from cdohub.org.models import PilotProgram

    return PilotProgram.objects.get(code="guangdong-2021")


@pytest.fixture
def client_for(db):
    """client_for("maonan_bureau") → a test client signed in as that demo user, speaking `lang`."""
    from django.test import Client

    from cdohub.accounts.models import User

    def make(username, lang="zh-hans"):
        c = Client(headers={"Accept-Language": lang})
        c.force_login(User.objects.get(username=username))
        return c

    return make


@pytest.fixture
def english():
    """Service-level messages in English, for tests that match on them."""
    from django.utils import translation

    with translation.override("en"):
        yield
