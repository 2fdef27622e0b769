"""The accounts app's audit events: who may act, and who signed in."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

ROLE_GRANTED = event("role.granted", _("Role granted"), "user", "role", "unit")
ROLE_REVOKED = event("role.revoked", _("Role revoked"), "user", "role", "unit")
USER_CREATED = event("user.created", _("Account created"))
TOKEN_CREATED = event("token.created", _("API token created"), "user")
TOKEN_REVOKED = event("token.revoked", _("API token revoked"), "user")
SIGNED_IN = event("auth.login", _("Signed in"))
SIGN_IN_FAILED = event("auth.login_failed", _("Sign-in failed"), "username", "ip")
PASSWORD_CHANGED = event("user.password_changed", _("Password changed"), "user", "via")
PASSWORD_RESET_SENT = event("user.password_reset_sent", _("Password reset link sent"), "user", "email")
