"""A host name or a path no system could use is the user's mistake: a 400 in their language,
through the API as through the form, never a server error."""

import pytest

from cdohub.sources.tests.factories import make_source

LONG_LABEL_HOST = "a" * 64 + ".example.org"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host, lang, expected",
    [
        (LONG_LABEL_HOST, "en", "not a valid host name"),
        (LONG_LABEL_HOST, "zh-hans", "不是有效的主机名"),
        (".".join(["b" * 63] * 4), "en", "not a valid host name"),  # 255 characters
        ("db example.cn", "en", "not a valid host name"),
    ],
)
def test_api_refuses_a_host_no_resolver_accepts(client_for, host, lang, expected):
    client = client_for("maoming_specialist", lang=lang)
    body = {"unit": "440900-GA", "name": "超长主机", "kind": "postgresql", "host": host, "port": 5432}
    response = client.post("/api/sources/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert expected in response.json()["host"][0]


@pytest.mark.django_db
def test_api_change_refuses_a_long_host_label_and_keeps_the_source(client_for, users, police):
    source = make_source(police, users["maoming_specialist"])
    client = client_for("maoming_specialist")
    response = client.patch(
        f"/api/sources/{source.pk}/", {"host": LONG_LABEL_HOST}, content_type="application/json"
    )
    assert response.status_code == 400 and "不是有效的主机名" in response.json()["host"][0]
    source.refresh_from_db()
    assert source.host == "db.example.invalid"


@pytest.mark.django_db
@pytest.mark.parametrize("lang, expected", [("en", "too long"), ("zh-hans", "过长")])
def test_api_change_refuses_a_path_the_file_system_cannot_hold(
    client_for, users, police, source_root, lang, expected
):
    source = make_source(police, users["maoming_specialist"], kind="sqlite", host="", port=None, path="")
    client = client_for("maoming_specialist", lang=lang)
    long_path = str(source_root / ("x" * 300 + ".sqlite3"))
    response = client.patch(
        f"/api/sources/{source.pk}/", {"path": long_path}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert expected in response.json()["path"][0]


@pytest.mark.django_db
def test_form_refuses_the_same_host_and_path(client_for, source_root):
    client = client_for("maoming_specialist", lang="en")
    data = {"unit": "440900-GA", "name": "表单", "kind": "postgresql", "host": LONG_LABEL_HOST, "port": 5432}
    response = client.post("/sources/new/", data)
    assert response.status_code == 200 and "not a valid host name" in response.content.decode()
    data = {**data, "kind": "sqlite", "host": "", "path": str(source_root / ("x" * 300))}
    response = client.post("/sources/new/", data)
    assert response.status_code == 200 and "too long" in response.content.decode()
