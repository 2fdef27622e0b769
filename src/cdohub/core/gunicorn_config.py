"""gunicorn's configuration for `cdohub serve` (passed as `--config python:cdohub.core.gunicorn_config`).

`serve` becomes the gunicorn master, which keeps the background process (job worker and periodic
commands) beside its web workers and stops it when it stops: no separate supervisor process.
"""

import gc
import subprocess
import sys
from typing import Any

# Threads share a worker's memory; a few of them keep requests moving while others wait on the database.
worker_class = "gthread"
threads = 4
accesslog = "-"


def on_starting(server: Any) -> None:
    server.background = subprocess.Popen([sys.executable, "-m", "cdohub", "background"])


def on_exit(server: Any) -> None:
    server.background.terminate()
    server.background.wait(timeout=30)


def post_worker_init(worker: Any) -> None:
    """Load every view now, then take the start-up objects out of the garbage collector's sight.

    Measured (bench/load.py): without this, full collections rescan ~200,000 long-lived objects
    (modules, URL patterns, templates) and the collector costs ~4 ms of CPU per request; frozen, with
    a larger young generation, about 1 ms.
    """
    from django.urls import get_resolver

    get_resolver().resolve("/")  # imports every app's views, serializers and their libraries
    gc.freeze()
    gc.set_threshold(7000, 20, 20)
