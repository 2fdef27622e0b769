import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.core.management.base import CommandParser

from cdohub.cli import DEFAULT_SETTINGS


class Command(BaseCommand):
    help = "Serve the site with gunicorn and run the background job worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS),
        }
        # Beside the web server: the job worker, and the periodic commands (reminders, escalations,
        # due quality checks).
        helpers = [
            subprocess.Popen([sys.executable, "-m", "cdohub", "db_worker"], env=env),
            subprocess.Popen([sys.executable, "-m", "cdohub", "periodic"], env=env),
        ]
        self.stdout.write(
            f"CDO Hub on http://{options['bind']}/  (database: "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        # A service manager stops us with SIGTERM: leave through `finally`, taking the children along.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cdohub.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
            ],
            env=env,
        )
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in (web, *helpers):
                child.terminate()
            for child in (web, *helpers):
                child.wait(timeout=10)
