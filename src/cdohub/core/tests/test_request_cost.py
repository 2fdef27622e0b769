"""What each request no longer pays for, and that the short cuts answer as the long way does."""

import functools
import subprocess
import sys

import pytest
from django.db.models.base import Model
from django.utils import translation
from django_tables2 import utils

from cdohub.catalog.choices import ResourceStatus
from cdohub.catalog.models import Resource
from cdohub.core import tables


class Renderer:
    def render(self, value, record, **extra):
        return value

    def __call__(self, value, bound_column):
        return value

    @classmethod
    def header(cls, table, *args):
        return table


def free(value, *args, record=None, **kwargs):
    return value


@pytest.mark.parametrize(
    "fn",
    [
        free,
        lambda value: value,
        Renderer().render,
        Renderer(),
        Renderer.header,
        functools.partial(free, 1),
    ],
    ids=["function", "lambda", "bound method", "callable object", "classmethod", "partial"],
)
def test_table_cell_signatures_are_read_once_and_agree_with_tables2(fn):
    assert utils.signature is tables.signature  # installed when the core app is ready
    assert tables.signature(fn) == tables._uncached(fn)
    tables._signature_of.cache_clear()
    tables.signature(fn)
    tables.signature(fn)
    assert tables._signature_of.cache_info().hits == 1


def test_an_unhashable_callable_is_read_the_long_way():
    class Unhashable(Renderer):
        __hash__ = None  # type: ignore[assignment]

    fn = Unhashable()
    assert tables.signature(fn) == tables._uncached(fn) == (("value", "bound_column"), None)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_choice_labels_are_djangos_in_each_language(language):
    resource = Resource(status=ResourceStatus.SUBMITTED)
    with translation.override(language):
        djangos = Model._get_FIELD_display(resource, Resource._meta.get_field("status"))
        assert resource.get_status_display() == djangos == str(ResourceStatus.SUBMITTED.label)
    resource.status = "no-such-status"
    assert resource.get_status_display() == "no-such-status"  # an unknown value shows as itself


def test_choice_labels_follow_the_language_switch():
    resource = Resource(status=ResourceStatus.PUBLISHED)
    with translation.override("en"):
        english = resource.get_status_display()
    with translation.override("zh-hans"):
        chinese = resource.get_status_display()
    assert english == "Published" and chinese != english


def test_a_web_worker_freezes_what_it_loaded_at_start():
    script = (
        "import django, gc\n"
        "django.setup()\n"
        "from cdohub.core import gunicorn_config\n"
        "gunicorn_config.post_worker_init(None)\n"
        "import cdohub.catalog.views\n"  # loaded by the URLconf before the freeze
        "print(gc.get_freeze_count() > 50000, gc.get_threshold()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "7000"]
