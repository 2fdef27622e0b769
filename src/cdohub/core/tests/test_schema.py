from django.core.management import call_command


def test_the_openapi_schema_validates_without_a_warning(tmp_path):
    # Fails on any warning: clashing component or enum names make clients generate wrong types.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/catalog-search/" in (tmp_path / "schema.yml").read_text(encoding="utf-8")
