"""The embedded default: one machine, SQLite, debug pages."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("CDOHUB_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
