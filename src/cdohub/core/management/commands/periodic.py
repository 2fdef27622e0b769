"""Run the platform's periodic commands (settings CDOHUB["PERIODIC"]) for as long as it lives.

One process for every schedule: deadline reminders, escalations, due quality checks. A command
that fails is logged and tried again at its next turn; the others go on.
"""

import logging
import time
from typing import Any, cast

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.core.management.base import CommandParser

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic commands of settings CDOHUB['PERIODIC'] on their intervals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run each command once and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        periodic = cast(list[tuple[float, tuple[str, ...]]], settings.CDOHUB["PERIODIC"])
        schedule = [(seconds, list(command)) for seconds, command in periodic]
        due = [0.0] * len(schedule)
        while True:
            for i, (seconds, command) in enumerate(schedule):
                if time.monotonic() >= due[i]:
                    try:
                        call_command(*command)
                    except Exception:  # one failing command must not stop the others
                        log.exception("periodic command %s failed", " ".join(command))
                    due[i] = time.monotonic() + seconds
            if options["once"]:
                return
            time.sleep(max(1.0, min(due) - time.monotonic()))
