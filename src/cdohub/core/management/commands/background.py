"""The background process of `cdohub serve`: the job worker, with the periodic commands beside it.

One process instead of two: the periodic schedule (`cdohub periodic`) runs in a thread of the job
worker's process, so the platform's code and libraries are loaded once for both.
"""

import threading
from typing import Any

from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "Run the job worker and, in a thread beside it, the periodic commands."

    def handle(self, *args: Any, **options: Any) -> None:
        threading.Thread(target=call_command, args=["periodic"], name="periodic", daemon=True).start()
        call_command("db_worker", reload=False)  # the main thread: it handles the stop signals
