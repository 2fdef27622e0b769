"""Credentials: encrypted at rest, rotatable, and never in a page, an API response or the audit log."""

import json
import secrets

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from cdohub.core.models import AuditEntry
from cdohub.datakit.connectors import SourceError
from cdohub.sources import crypto, services
from cdohub.sources.models import DataSource


def stored_secret(source) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM sources_datasource WHERE id = %s", [source.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_password_is_encrypted_and_never_shown(pg_db, client_for, django_capture_on_commit_callbacks):
    pg_db.run("CREATE TABLE 人员 (sfzh varchar(18))", "COMMENT ON TABLE 人员 IS '人员'")
    password = f"Pw-机密-{secrets.token_hex(6)}"
    second = f"Pw-另一个-{secrets.token_hex(6)}"
    first_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    fields = pg_db.source_fields(username=pg_db.params["user"])  # the test server trusts any password
    client = client_for("maoming_specialist", lang="en")

    response = client.post(
        reverse("sources:source_create"),
        {"unit": "440900-GA", "name": "社保库", **fields, "password": password},
    )
    assert response.status_code == 302, response.content.decode()
    source = DataSource.objects.get(name="社保库")
    assert password not in stored_secret(source) and crypto.decrypt(stored_secret(source)) == password

    edit = reverse("sources:source_edit", args=[source.pk])
    response = client.post(edit, {**fields, "name": "社保库", "schemas": "public", "password": ""})
    assert response.status_code == 302
    source.refresh_from_db()
    assert crypto.decrypt(source.secret) == password  # a blank password keeps the stored one
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("sources:source_check", args=[source.pk])).status_code == 302
        assert client.post(reverse("sources:source_discover", args=[source.pk])).status_code == 302
    run = source.runs.get()
    assert run.status == "succeeded", run.error

    api = "/api/sources/"
    body = {"unit": "440900-GA", "name": "社保库二", **fields, "password": second}
    created = client.post(api, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert "password" not in created.json() and created.json()["has_password"] is True
    other = DataSource.objects.get(name="社保库二")
    patched = client.patch(
        f"{api}{other.pk}/", {"password": "", "schemas": "public"}, content_type="application/json"
    )
    assert patched.status_code == 200 and crypto.decrypt(DataSource.objects.get(pk=other.pk).secret) == second

    pages = [
        reverse("sources:source_list"),
        reverse("sources:source_detail", args=[source.pk]),
        edit,
        reverse("sources:run_detail", args=[run.pk]),
        api,
        f"{api}{source.pk}/",
        f"/api/discovery-runs/{run.pk}/",
        f"/api/discovered-tables/?run={run.pk}",
        "/api/schema/",
    ]
    secret_forms = [password, second, source.secret, other.secret]
    for url in pages:
        content = client.get(url).content.decode()
        assert not [s for s in secret_forms if s in content], url
    assert 'name="password"' in client.get(edit).content.decode()
    assert 'value="' + password not in client.get(edit).content.decode()

    entries = AuditEntry.objects.filter(id__gt=first_entry or 0)
    actions = set(entries.values_list("action", flat=True))
    assert {"source.registered", "source.changed", "source.checked", "source.discovered"} <= actions
    for entry in entries:
        text = json.dumps(entry.data, ensure_ascii=False) + entry.object_repr
        assert not [s for s in secret_forms if s in text], entry.action
        assert "secret" not in entry.data


@pytest.mark.django_db
def test_keys_rotate(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [old]}
    token = crypto.encrypt("口令-1")
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [new, old]}  # a new key first, the old kept
    assert crypto.decrypt(token) == "口令-1"
    rotated = crypto.rotate(token)
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [new]}
    assert crypto.decrypt(rotated) == "口令-1"
    with pytest.raises(SourceError) as lost:
        crypto.decrypt(token)
    assert lost.value.code == "secret"
    # Without configured keys, a key derived from SECRET_KEY encrypts.
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": []}
    assert crypto.decrypt(crypto.encrypt("口令-2")) == "口令-2"


@pytest.mark.django_db
def test_rotate_command_reencrypts_every_source(settings, units, users):
    from django.core.management import call_command

    from .factories import make_source

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [old]}
    source = make_source(units["440900-GA"], users["maoming_specialist"], password="口令-3")
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [new, old]}
    call_command("rotate_source_credentials", verbosity=0)
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [new]}
    source.refresh_from_db()
    assert source.config().password == "口令-3"
    assert services.rotate_credentials() >= 1


def test_checks_refuse_bad_keys_and_warn_without_keys(settings):
    from cdohub.sources import checks

    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": ["not-a-key"]}
    assert [e.id for e in checks.credential_keys(None)] == ["sources.E001"]
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [Fernet.generate_key().decode()]}
    assert checks.credential_keys(None) == [] and checks.credential_keys_set(None) == []
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": []}
    assert [w.id for w in checks.credential_keys_set(None)] == ["sources.W001"]


@pytest.mark.django_db
def test_a_password_the_keys_cannot_read_is_asked_for_again(settings, units, users, english):
    from django.core.exceptions import ValidationError

    from .factories import make_source

    source = make_source(units["440900-GA"], users["maoming_specialist"], host="127.0.0.1", port=1)
    settings.CDOHUB = {**settings.CDOHUB, "CREDENTIAL_KEYS": [Fernet.generate_key().decode()]}
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(ValidationError) as refused:
        services.update_source(users["maoming_specialist"], source, host="localhost")
    assert "enter it again" in refused.value.message_dict["password"][0]
    checked = services.check_source(users["maoming_specialist"], source)
    assert checked.health == "unhealthy" and "enter it again" in checked.last_error
