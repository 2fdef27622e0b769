"""Jobs: discovery runs on the task worker (`cdohub serve` starts it; the tests run it at once)."""

from django.utils import translation
from django_tasks import task

from . import services


@task()
def discover_source(run_id: int, language: str) -> str:
    """Discover the source of run `run_id`; messages in the language of whoever asked."""
    with translation.override(language):
        return services.run_discovery(run_id)
