"""Bad input: wrong credentials, a closed port, a server that hangs, paths outside the allowed
folders. Each gives a clear error within the time limit, saves nothing at registration, and
marks an existing source unhealthy."""

import secrets
import time

import pytest
from django.core.exceptions import ValidationError

from cdohub.core.jobs import RunStatus
from cdohub.datakit.connectors import SourceConfig, SourceError, connector_for
from cdohub.sources import services
from cdohub.sources.choices import Health
from cdohub.sources.models import DataSource


def maria_user(maria_db, password):
    user = f"cdohub_src_{secrets.token_hex(3)}"
    maria_db.users.append(user)
    maria_db.run(
        f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'",
        f"GRANT SELECT ON `{maria_db.name}`.* TO '{user}'@'%'",
    )
    return user


@pytest.mark.django_db
def test_wrong_password_saves_nothing_and_marks_an_existing_source_unhealthy(
    maria_db, specialist, police, english
):
    maria_db.run("CREATE TABLE t (x INT COMMENT '数值') COMMENT = '表'")
    user = maria_user(maria_db, "right-Pw-1")
    fields = maria_db.source_fields(username=user)
    before = DataSource.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.register_source(specialist, police, name="错误密码", password="wrong-Pw-1", **fields)
    message = " ".join(refused.value.messages)
    assert "nothing was saved" in message and f"Sign-in refused: check the user name ({user})" in message
    assert "wrong-Pw-1" not in message
    assert DataSource.objects.count() == before

    source = services.register_source(specialist, police, name="正确密码", password="right-Pw-1", **fields)
    maria_db.run(f"ALTER USER '{user}'@'%' IDENTIFIED BY 'changed-Pw-2'")
    source = services.check_source(specialist, source)
    assert source.health == Health.UNHEALTHY and "Sign-in refused" in source.last_error
    # A blank password on an edit keeps the stored (now wrong) one, so the change is refused…
    with pytest.raises(ValidationError, match="Sign-in refused"):
        services.update_source(specialist, source, host="localhost")
    # …and the new one is tested, stored, and makes the source healthy again.
    source = services.update_source(specialist, source, password="changed-Pw-2")
    assert source.health == Health.HEALTHY and source.config().password == "changed-Pw-2"


@pytest.mark.django_db
def test_unknown_postgresql_role_and_database(pg_db, english):
    params = pg_db.params
    base = {"kind": "postgresql", "host": params["host"], "port": params["port"]}
    with pytest.raises(SourceError, match="Sign-in refused") as auth:
        connector_for(SourceConfig(**base, database=pg_db.name, username="no_such_role")).check()
    assert auth.value.code == "auth"
    with pytest.raises(SourceError, match="does not exist") as missing:
        connector_for(SourceConfig(**base, database="no_such_db_x", username=params["user"])).check()
    assert missing.value.code == "no_database"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_closed_port_is_refused_at_once(kind, closed_port, specialist, police, english):
    started = time.monotonic()
    with pytest.raises(ValidationError, match="refused the connection"):
        services.register_source(
            specialist, police, name="无服务", kind=kind, host="127.0.0.1", port=closed_port, username="u"
        )
    assert time.monotonic() - started < 2
    assert not DataSource.objects.filter(name="无服务").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind, limit", [("postgresql", 2), ("mysql", 1)])  # libpq waits 2 s at least
def test_a_server_that_hangs_times_out_within_the_limit(kind, limit, silent_server, limits, english):
    limits(connect=limit)
    config = SourceConfig(kind=kind, host="127.0.0.1", port=silent_server, username="u", database="d")
    started = time.monotonic()
    with pytest.raises(SourceError, match=f"did not answer within {limit} seconds") as hung:
        connector_for(config).check()
    elapsed = time.monotonic() - started
    assert hung.value.code == "timeout"
    assert limit * 0.9 < elapsed < limit * 2, elapsed  # within twice the limit


@pytest.mark.django_db
def test_discovery_of_a_hanging_source_fails_and_keeps_the_last_snapshot(
    source_root, silent_server, limits, specialist, police, discover, english
):
    (source_root / "a.csv").write_text("x\n1\n")
    source = services.register_source(specialist, police, name="文件", kind="files", path=str(source_root))
    good = discover(specialist, source)
    assert good.status == RunStatus.SUCCEEDED
    # The source moves to a server that accepts connections and never answers.
    limits(connect=2)
    DataSource.objects.filter(pk=source.pk).update(
        kind="postgresql", host="127.0.0.1", port=silent_server, path=""
    )
    source.refresh_from_db()
    started = time.monotonic()
    failed = discover(specialist, source)
    assert time.monotonic() - started < 4
    assert failed.status == RunStatus.FAILED and "did not answer within 2 seconds" in failed.error
    assert failed.tables.count() == 0
    source.refresh_from_db()
    assert source.health == Health.UNHEALTHY and source.last_error == failed.error
    assert source.last_successful_run() == good and good.tables.count() == 1
    assert services.diff(failed) is None


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["sqlite", "files"])
def test_paths_outside_the_allowed_folders_are_refused(
    kind, source_root, tmp_path, specialist, police, english
):
    link = source_root / "etc"
    link.symlink_to("/etc")
    for path in ("/etc", "/etc/passwd", str(link), str(source_root / ".." / "x"), "../../etc"):
        with pytest.raises(ValidationError) as refused:
            services.register_source(specialist, police, name="越界", kind=kind, path=path)
        assert "outside the folders data sources may be read from" in refused.value.message_dict["path"][0]
    assert not DataSource.objects.filter(name="越界").exists()


@pytest.mark.django_db
def test_missing_empty_and_wrong_files(source_root, english):
    def error(kind, path):
        with pytest.raises(SourceError) as found:
            connector_for(SourceConfig(kind=kind, path=str(path))).check()
        return found.value

    assert error("files", source_root / "nope").code == "folder_missing"
    (source_root / "empty").mkdir()
    assert error("files", source_root / "empty").code == "folder_empty"
    (source_root / "not.sqlite").write_text("hello")
    assert error("sqlite", source_root / "not.sqlite").code == "not_sqlite"
    assert error("sqlite", source_root / "nope.sqlite").code == "folder_missing"
