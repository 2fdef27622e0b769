"""`cdohub serve`: the gunicorn master itself (no supervisor process), threaded workers, one background
process for the job worker and the periodic schedule; heavy libraries are not loaded at start-up; the
demo's mail lands in an outbox folder."""

import os
import subprocess
import sys
import threading

from django.core.management import call_command

from cdohub.core import gunicorn_config


def test_serve_becomes_the_gunicorn_master_with_threaded_workers(monkeypatch, tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    executed = []
    monkeypatch.setattr(os, "execv", lambda path, argv: executed.append(argv))
    call_command("serve", bind="127.0.0.1:8123")
    [argv] = executed
    assert argv[1:4] == ["-m", "gunicorn", "cdohub.wsgi:application"]
    assert "python:cdohub.core.gunicorn_config" in argv and "127.0.0.1:8123" in argv
    assert gunicorn_config.worker_class == "gthread" and gunicorn_config.threads > 1


def test_the_master_starts_and_stops_the_one_background_process(monkeypatch):
    started = []

    class Process:
        def __init__(self, argv):
            started.append(argv)
            self.stopped = False

        def terminate(self):
            self.stopped = True

        def wait(self, timeout):
            return 0

    monkeypatch.setattr(subprocess, "Popen", Process)
    server = type("Arbiter", (), {})()
    gunicorn_config.on_starting(server)
    assert started == [[sys.executable, "-m", "cdohub", "background"]]
    gunicorn_config.on_exit(server)
    assert server.background.stopped


def test_background_runs_the_periodic_schedule_beside_the_job_worker(monkeypatch):
    ran = {}

    def fake_call_command(name, *args, **options):
        ran[name] = threading.current_thread().name

    monkeypatch.setattr("cdohub.core.management.commands.background.call_command", fake_call_command)
    call_command("background")
    for thread in threading.enumerate():
        if thread.name == "periodic":
            thread.join(timeout=5)
    assert ran == {"db_worker": threading.main_thread().name, "periodic": "periodic"}


def test_start_up_does_not_load_duckdb(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cdohub.settings.demo", "CDOHUB_DATA_DIR": str(tmp_path)}
    script = "import django, sys; django.setup(); print('duckdb' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_demo_sends_mail_to_an_outbox_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CDOHUB_EMAIL_BACKEND"}
    env.update(DJANGO_SETTINGS_MODULE="cdohub.settings.demo", CDOHUB_DATA_DIR=str(tmp_path))
    script = (
        "import django; django.setup(); from django.core.mail import send_mail; "
        "send_mail('催办', '请于期限前完成备案。', None, ['a@example.gov.cn'])"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)
    [message] = (tmp_path / "outbox").iterdir()
    assert "请于期限前完成备案。" in message.read_text()
