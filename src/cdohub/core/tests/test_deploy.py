"""Security headers: every response carries the Content-Security-Policy; production redirects to
HTTPS, sends HSTS and secure-only cookies, and `cdohub check --deploy` is clean with the environment
docs/admin.md documents."""

import base64
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/no-such-page/", "/api/docs/"])
def test_every_response_carries_the_content_security_policy(client, path):
    header = client.get(path)["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def production_env(tmp_path, **extra) -> dict:
    # a fresh process as an operator starts it: none of the test session's own settings (the
    # browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process, for one)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CDOHUB_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="cdohub.settings.prod",
        CDOHUB_DATA_DIR=str(tmp_path),
        CDOHUB_SECRET_KEY="k" * 10 + "Production-Secret-Key-With-Enough-Variety-0123456789",
        CDOHUB_CREDENTIAL_KEYS=Fernet.generate_key().decode(),
        CDOHUB_AUDIT_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        CDOHUB_ALLOWED_HOSTS="cdo.example.gov.cn",
        **extra,
    )
    return env


def cdohub(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cdohub", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    done = cdohub("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_production_redirects_to_https_with_hsts_and_secure_cookies(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_REDIRECT_EXEMPT)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=production_env(tmp_path), capture_output=True, text=True
    )
    assert done.stdout.split(" ", 4) == ["True", "True", "True", "True", "['^healthz$']\n"], done.stderr
