"""Jobs: quality runs on the task worker (`cdohub serve` starts it; the tests run it at once)."""

from django.utils import translation
from django_tasks import task

from . import services


@task()
def run_quality_scan(run_id: int, language: str) -> str:
    """Check the rules of run `run_id`; messages in the language of whoever asked."""
    with translation.override(language):
        return services.execute_run(run_id)
