"""gunicorn's configuration for `cdohub serve` (passed as `--config python:cdohub.core.gunicorn_config`).

`serve` becomes the gunicorn master, which keeps the background process (job worker and periodic
commands) beside its web workers and stops it when it stops: no separate supervisor process.
"""

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
