from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
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
