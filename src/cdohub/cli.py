"""The `cdohub` console command: Django's management commands under the project's settings."""

import os
import sys

# Debug off, production defaults, plain HTTP on this machine: what `cdohub demo` and `serve` run.
DEFAULT_SETTINGS = "cdohub.settings.demo"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
