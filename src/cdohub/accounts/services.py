from datetime import timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cdohub.accounts import events
from cdohub.core import audit
from cdohub.core.permissions import Scope, require
from cdohub.core.services import service
from cdohub.org.choices import ADMIN_ROLES, Role

from .models import ApiToken, RoleAssignment, User


@service
def grant_role(actor, user: User, role: str, unit) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    require(actor, "change", RoleAssignment(user=user, role=role, unit=unit))
    scope = Scope.of(actor)
    if role == Role.SYSADMIN and not (scope.superuser or Role.SYSADMIN in scope.roles):
        raise PermissionDenied(_("Only a system administrator may grant that role."))
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError(_("The user already holds this role on this unit."))
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, granted_by=actor)
    audit.record_event(events.ROLE_GRANTED, assignment, user=user.username, role=role, unit=unit.pk)
    return assignment


@service
def revoke_role(actor, assignment: RoleAssignment) -> None:
    require(actor, "change", assignment)
    if assignment.role in ADMIN_ROLES and not _other_admins(assignment).exists():
        raise ValidationError(
            _("This is the last administrator role on %(unit)s: grant another one before removing it.")
            % {"unit": assignment.unit}
        )
    audit.record_event(
        events.ROLE_REVOKED,
        assignment,
        user=assignment.user.username,
        role=assignment.role,
        unit=assignment.unit_id,
    )
    assignment.delete()


def _other_admins(assignment: RoleAssignment):
    """The unit's other administrator roles, locked so two revocations cannot both pass the check."""
    admins = RoleAssignment.objects.select_for_update().filter(unit=assignment.unit_id, role__in=ADMIN_ROLES)
    return admins.exclude(pk=assignment.pk)


@service
def create_user(actor, *, username, password, home_unit, display_name="", email="") -> User:
    require(actor, "change", User(home_unit=home_unit))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("That user name is taken."))
    user = User(username=username, home_unit=home_unit, display_name=display_name, email=email)
    user.set_password(password)
    user.save()
    audit.record_event(events.USER_CREATED, user, unit_id=home_unit.pk if home_unit else None)
    return user


@service
def create_token(actor, user: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    if actor != user:
        require(actor, "change", user)
    key = ApiToken.new_key()
    expires = timezone.now() + timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key), expires_at=expires
    )
    audit.record_event(events.TOKEN_CREATED, token, user=user.username)
    return token, key


@service
def revoke_token(actor, token: ApiToken) -> None:
    if actor != token.user:
        require(actor, "change", token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit.record_event(events.TOKEN_REVOKED, token, user=token.user.username)


# Passwords -----------------------------------------------------------------------------------


@service
def change_password(actor, user: User, password: str, via: str = "change") -> None:
    """A user's new password, set by the user (on the profile, or through a reset link)."""
    if actor != user:
        raise PermissionDenied(_("Only the user sets their own password."))
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    axes_reset(username=user.get_username())  # a lock-out from failed sign-ins ends with the new password
    audit.record_event(events.PASSWORD_CHANGED, user, user=user.username, via=via)


@service
def send_password_reset(actor, user: User, site: str) -> None:
    """An administrator in scope mails the user a one-time link to set a new password.

    `site` is the address the link starts with (scheme and host). The link works until the password
    is changed or PASSWORD_RESET_TIMEOUT passes; nobody but the user sees it.
    """
    require(actor, "change", user)
    if not user.email:
        raise ValidationError(_("%(user)s has no e-mail address to send the link to.") % {"user": user})
    path = reverse(
        "accounts:password_reset",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    subject = _("Reset your password")
    body = _("An administrator asked for your password to be reset. Set a new one here: %(link)s") % {
        "link": site.rstrip("/") + path
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    audit.record_event(events.PASSWORD_RESET_SENT, user, user=user.username, email=user.email)
