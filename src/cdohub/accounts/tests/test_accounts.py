import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.test import override_settings

from cdohub.accounts import services
from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast
from cdohub.core.models import AuditEntry


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2():
    user = User(username="argon")
    user.set_password("Correct horse 9!")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("Correct horse 9!")


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_eight_failures_lock_the_account_and_are_logged(client):
    for _ in range(7):
        response = _sign_in(client, "maoming_cdo", "wrong")
        assert response.status_code == 200  # the form again, with an error
    response = _sign_in(client, "maoming_cdo", "wrong")
    assert response.status_code == 429
    assert "locked-out" in response.content.decode()
    # Locked: even the right password is refused now.
    assert _sign_in(client, "maoming_cdo", "Demo@2021!").status_code == 429
    assert AccessFailureLog.objects.filter(username="maoming_cdo").count() >= 8
    assert AccessAttempt.objects.get(username="maoming_cdo").failures_since_start >= 8
    assert AuditEntry.objects.filter(action="auth.login_failed", data__username="maoming_cdo").count() >= 8
    # Another account is not affected.
    assert _sign_in(client, "maoming_lgo", "Demo@2021!").status_code == 302


@pytest.mark.django_db
def test_sign_in_succeeds_and_is_audited(client):
    response = _sign_in(client, "maoming_bureau", "Demo@2021!")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor_name="maoming_bureau").exists()


@pytest.mark.django_db
def test_api_token_authenticates_until_revoked(client, users):
    user = users["maonan_bureau"]
    token, key = services.create_token(user, user, "etl")
    assert token.key_hash != key and key.startswith("cdo_")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get("/api/units/?mine=true", **auth)
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert "440902" in codes and "440904" not in codes
    services.revoke_token(user, token)
    assert client.get("/api/units/", **auth).status_code == 401
    assert client.get("/api/units/", HTTP_AUTHORIZATION="Bearer cdo_nonsense").status_code == 401


@pytest.mark.django_db
def test_role_grants_are_scoped(users, units):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    county_admin = users["maonan_bureau"]
    staff = users["maoming_staff"]
    grant = services.grant_role(county_admin, staff, "data_specialist", units["440902-RS"])
    assert AuditEntry.objects.filter(action="role.granted", object_id=str(grant.pk)).exists()
    with pytest.raises(Http404):  # another county: not even visible
        services.grant_role(county_admin, staff, "data_specialist", units["440904-RS"])
    with pytest.raises(PermissionDenied):  # a city CDO sees the city but may not grant roles
        services.grant_role(users["maoming_cdo"], staff, "staff", units["440902"])
    with pytest.raises(PermissionDenied):  # only system administrators grant sysadmin
        services.grant_role(county_admin, staff, "sysadmin", units["440902"])


@pytest.mark.django_db
def test_api_token_is_refused_while_the_account_is_locked_or_inactive(client, users):
    user = users["maonan_bureau"]
    _token, key = services.create_token(user, user, "etl")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/units/", **auth).status_code == 200
    for _ in range(8):
        _sign_in(client, "maonan_bureau", "wrong")
    assert client.get("/api/units/", **auth).status_code == 401
    AccessAttempt.objects.all().delete()
    assert client.get("/api/units/", **auth).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/units/", **auth).status_code == 401


@pytest.mark.django_db
def test_the_last_admin_role_on_a_unit_cannot_be_removed(client_for, users, units):
    from django.core.exceptions import ValidationError

    admin = users["maonan_bureau"]
    own = admin.role_assignments.get(role="bureau_admin", unit=units["440902"])
    with pytest.raises(ValidationError, match="最后一个管理员"):
        services.revoke_role(admin, own)
    response = client_for("maonan_bureau").delete(f"/api/role-assignments/{own.pk}/")
    assert response.status_code == 400 and "最后一个管理员" in response.content.decode()
    page = client_for("maonan_bureau").post(f"/accounts/assignments/{own.pk}/revoke/", follow=True)
    assert "最后一个管理员" in page.content.decode()
    assert admin.role_assignments.filter(pk=own.pk).exists()
    # With a second administrator in place, the first may step down.
    services.grant_role(admin, users["maoming_staff"], "bureau_admin", units["440902"])
    services.revoke_role(admin, own)
    assert not admin.role_assignments.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_a_user_changes_their_password_and_it_is_audited(client_for, users):
    client = client_for("maonan_bureau")
    assert 'id="change-password"' in client.get("/accounts/me/").content.decode()
    new = {"new_password1": "Neues-Passwort-2026", "new_password2": "Neues-Passwort-2026"}
    assert client.post("/accounts/me/password/", {"old_password": "wrong", **new}).status_code == 200
    response = client.post("/accounts/me/password/", {"old_password": "Demo@2021!", **new})
    assert response.status_code == 302
    assert User.objects.get(username="maonan_bureau").check_password("Neues-Passwort-2026")
    assert client.get("/accounts/me/").status_code == 200  # still signed in here
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.actor_name == "maonan_bureau" and entry.data == {"user": "maonan_bureau", "via": "change"}
    assert "Neues" not in str(entry.data)


@pytest.mark.django_db
def test_an_administrator_sends_a_reset_link_that_sets_a_new_password(
    client, client_for, users, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    member = users["maonan_bureau"]
    for _ in range(8):  # locked out after forgetting the password
        _sign_in(client, "maonan_bureau", "wrong")
    with pytest.raises(Http404):  # another county's administrator
        services.send_password_reset(cast()["dianbai_bureau"], member, "http://testserver")
    with pytest.raises(PermissionDenied):  # in scope, but no administrator
        services.send_password_reset(users["maoming_cdo"], member, "http://testserver")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("maoming_bureau").post(f"/accounts/users/{member.pk}/password-reset/")
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="user.password_reset_sent", actor_name="maoming_bureau").exists()
    (mail,) = mailoutbox
    assert mail.to == [member.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    new = {"new_password1": "Zuruecksetzen-2026", "new_password2": "Zuruecksetzen-2026"}
    assert client.post(form.redirect_chain[-1][0], new).status_code == 302
    assert User.objects.get(pk=member.pk).check_password("Zuruecksetzen-2026")
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert entry.data == {"user": "maonan_bureau", "via": "reset_link"}
    assert 'id="invalid-link"' in client.get(link, follow=True).content.decode()  # used once only
    assert _sign_in(client, "maonan_bureau", "Zuruecksetzen-2026").status_code == 302  # no longer locked


@pytest.mark.django_db
def test_the_sign_in_page_names_the_platform_not_the_host(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<a class="navbar-brand fw-bold" href="/">首席数据官工作平台</a>' in page
    assert "testserver" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["13800138000", "020-83133333", ""])
def test_a_plausible_phone_number_is_kept(phone):
    User(username="with-phone", phone=phone).full_clean(exclude=["password"])


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "1380013800099", "phone me"])
def test_an_implausible_phone_number_is_refused_in_chinese(phone):
    with pytest.raises(ValidationError) as refused:
        User(username="with-phone", phone=phone).full_clean(exclude=["password"])
    assert "电话" in " ".join(refused.value.message_dict["phone"])
