"""Shared fixtures. The Guangdong demo is loaded once into the test database and rolled back
around every test; browser tests (transactional) load it again themselves."""

import os
import shutil
from importlib import import_module

import pytest
from django.db import connection


def pytest_report_header(config):
    return f"database: {os.environ.get('CDOHUB_DATABASE_URL', 'sqlite (default)')}"


def load_demo():
    from cdohub.accounts.models import User
    from cdohub.core.management.commands.demo import DEMO_PASSWORD, load_all

    admin = User(username="admin", is_superuser=True, is_staff=True, display_name="系统管理员")
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    load_all(admin)
    return admin


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_audit_delete_trigger():
    """Django empties SQLite tables with DELETE between transactional tests, which the audit log
    refuses: the flush, and only it, drops the trigger and puts it back in the same transaction."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    operations = DatabaseWrapper.ops_class
    trigger = import_module("cdohub.core.migrations.0003_audit_refuses_delete")
    flush = operations.execute_sql_flush
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            operations,
            "execute_sql_flush",
            lambda self, sql_list: flush(self, [trigger.DROP, *sql_list, trigger.SQLITE]),
        )
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def committed_demo(db):
    """For transactional tests: the demo, loaded again if an earlier such test flushed it."""
    from cdohub.accounts.models import User
    from cdohub.core.checkpoints import checkpoint_file

    if not User.objects.filter(username="admin").exists():
        checkpoint_file().unlink(missing_ok=True)  # the flush emptied the log its checkpoints signed
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


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request in English leaves English active in
    the thread, and the next test would meet it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """Service-level messages in English, for tests that match on them."""
    from django.utils import translation

    with translation.override("en"):
        yield


# Browser tests ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server, committed_demo):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls above are done.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15000)
        # Whatever the Content-Security-Policy blocks, chromium reports on the console: fail on it.
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        yield page, live_server.url
        browser.close()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"


def sign_in(page, base, username, then="/dashboard/"):
    """Sign in; the browser lands on the workbench (the home page), then goes on to `then` (the
    program dashboard, where the older tests start; None stays on the workbench)."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo@2021!")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")
    if then:
        page.goto(f"{base}{then}")


def confirm(page, selector):
    """Press the button of a final act and confirm it in the dialog that asks first."""
    page.click(selector)
    page.wait_for_selector("#confirm-dialog.show #confirm-ok")
    with page.expect_navigation():  # the form is sent on confirming
        page.click("#confirm-ok")
