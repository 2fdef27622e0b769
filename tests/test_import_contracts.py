"""The public-surface contract (scripts/import_contracts.py) finds a reach into another app's
internals, and lets the public modules, tests and demo-to-demo imports through."""

import grimp
import pytest

from scripts.import_contracts import PublicSurfaceContract

APPS = ["hub.low", "hub.high"]


def _check(*imports: tuple[str, str]):
    graph = grimp.ImportGraph()
    for module in ("hub", *APPS):
        graph.add_module(module)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    contract = PublicSurfaceContract(
        name="surface",
        session_options={"root_packages": ["hub"]},
        contract_options={
            "apps": APPS,
            "public": ["services", "models", "choices", "events"],
            "peers": ["demo"],
        },
    )
    return contract.check(graph, verbose=False)


@pytest.mark.parametrize(
    "imported", ["hub.low.services", "hub.low.models", "hub.low.choices", "hub.low.events", "hub.low"]
)
def test_the_public_modules_may_be_used(imported):
    assert _check(("hub.high.views", imported)).kept


def test_a_reach_into_another_apps_internals_breaks_the_contract():
    check = _check(("hub.high.views", "hub.low.services"), ("hub.high.services", "hub.low.policies"))
    assert not check.kept
    assert [(i, j) for i, j, _lines in check.metadata["reaches"]] == [
        ("hub.high.services", "hub.low.policies")
    ]


def test_tests_migrations_and_demo_builders_are_left_their_setup():
    assert _check(
        ("hub.high.tests.test_x", "hub.low.tests.factories"),
        ("hub.high.migrations.0001_initial", "hub.low.validators"),
        ("hub.high.demo", "hub.low.demo"),
    ).kept
    assert not _check(("hub.high.demo", "hub.low.views")).kept
