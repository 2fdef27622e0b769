import os
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
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
        self.stdout.write(
            f"CDO Hub on http://{options['bind']}/  (database: "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
        self.stdout.flush()
        # This process becomes the gunicorn master (no supervisor left holding the project's memory);
        # the master starts and stops the background process (core/gunicorn_config.py).
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cdohub.wsgi:application",
                "--config",
                "python:cdohub.core.gunicorn_config",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
            ],
        )
