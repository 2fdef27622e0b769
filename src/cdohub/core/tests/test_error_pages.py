"""What a user sees when something goes wrong: Chinese 403/404/500 pages with a way back home (English
on request), no debug page in the default the demo and `serve` run, no secret in any error output or
log, a refusal logged in one line, and a health check that tells nothing about the database."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from cdohub.accounts.models import User
from cdohub.sources import services
from cdohub.sources.tests.factories import make_source

STORED_PASSWORD = "Stored-Secret-Pw-7731"


def formatted(records) -> str:
    """Every captured log record as a handler would write it, tracebacks included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang, title, back", [("zh-hans", "页面不存在", "返回首页"), ("en", "Not found", "Back to the home page")]
)
def test_unknown_url_is_a_plain_404_in_the_users_language(lang, title, back):
    response = Client(headers={"Accept-Language": lang}).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert title in page and back in page and 'href="/"' in page
    assert "URLconf" not in page and "urlpatterns" not in page


@pytest.mark.django_db
def test_a_refusal_is_a_chinese_403_logged_without_traceback(caplog, units):
    nobody = User.objects.create_user("no_roles", password="x-Pw-12345")
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(nobody)
    with caplog.at_level(logging.INFO):
        response = client.get("/sources/new/")
    page = response.content.decode()
    assert response.status_code == 403 and "无权操作" in page and "返回首页" in page
    forbidden = [r for r in caplog.records if r.name == "django.request" and r.status_code == 403]
    assert forbidden and all(r.exc_info is None for r in forbidden)
    assert "Traceback" not in formatted(caplog.records)


@pytest.mark.django_db
@pytest.mark.parametrize("lang, title", [("zh-hans", "系统出错了"), ("en", "Something went wrong")])
def test_a_server_error_shows_no_secret_in_the_page_or_the_log(
    caplog, monkeypatch, users, units, lang, title
):
    """The stored password is decrypted and held in the failing call's locals: neither the page nor
    the log may show it."""
    specialist = users["maoming_specialist"]
    source = make_source(units["440900-GA"], specialist, password=STORED_PASSWORD)

    class CrashingConnector:
        def __init__(self, config):
            self.config = config

        def check(self):
            raise RuntimeError("driver crashed while connecting")

    monkeypatch.setattr(services, "connector_for", lambda config: CrashingConnector(config))
    client = Client(headers={"Accept-Language": lang}, raise_request_exception=False)
    client.force_login(specialist)
    with caplog.at_level(logging.DEBUG):
        response = client.patch(
            f"/api/sources/{source.pk}/", {"host": "db2.example.invalid"}, content_type="application/json"
        )
    page = response.content.decode()
    assert response.status_code == 500
    assert title in page and 'href="/"' in page
    assert "Traceback" not in page and "driver crashed" not in page
    log = formatted(caplog.records)
    assert "driver crashed" in log  # the administrator still gets the traceback…
    assert STORED_PASSWORD not in page and STORED_PASSWORD not in log  # …but never the password
    assert source.secret not in page and source.secret not in log


@pytest.mark.django_db
def test_healthz_shows_no_database_location(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert set(body["database"]) == {"vendor"}
    assert str(settings.DATA_DIR) not in response.content.decode()


def settings_of(module: str, tmp_path, **env) -> dict:
    """Some settings as a fresh process under `module` (or the console command's default) sees them."""
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CDOHUB_SECRET_KEY")}
    base.update(CDOHUB_DATA_DIR=str(tmp_path), **env)
    if module:
        base["DJANGO_SETTINGS_MODULE"] = module
    script = (
        "import json, os; from cdohub import cli; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "cli.DEFAULT_SETTINGS); from django.conf import settings as s; "
        "print(json.dumps({'module': os.environ['DJANGO_SETTINGS_MODULE'], 'debug': s.DEBUG, "
        "'key': s.SECRET_KEY}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=base, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_the_demo_and_serve_run_with_debug_off_and_a_kept_secret_key(tmp_path):
    default = settings_of("", tmp_path)
    assert default["module"] == "cdohub.settings.demo" and default["debug"] is False
    assert len(default["key"]) >= 50 and "insecure" not in default["key"]
    assert settings_of("", tmp_path)["key"] == default["key"]  # the same key on the next start
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    given = settings_of("", tmp_path, CDOHUB_SECRET_KEY="from-the-environment")
    assert given["key"] == "from-the-environment"


@pytest.mark.django_db
def test_an_expired_form_is_a_chinese_403_with_a_way_home():
    response = Client(enforce_csrf_checks=True, headers={"Accept-Language": "zh-hans"}).post(
        "/accounts/login/", {"username": "admin", "password": "x"}
    )
    page = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in page and "返回首页" in page


@pytest.mark.django_db
def test_a_request_not_understood_is_a_chinese_400(settings):
    settings.ALLOWED_HOSTS = ["cdo.example.gov.cn"]
    response = Client(headers={"Accept-Language": "zh-hans"}).get(
        "/accounts/login/", HTTP_HOST="evil.example"
    )
    page = response.content.decode()
    assert response.status_code == 400 and "无法识别的请求" in page and "返回首页" in page
