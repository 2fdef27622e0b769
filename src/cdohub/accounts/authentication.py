from axes.handlers.proxy import AxesProxyHandler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer cdo_…` with a token created on the user's token page or by CLI."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="ignore").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(header[1])).first()
        if token is None or not token.is_usable or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if AxesProxyHandler.is_locked(request._request, {"username": token.user.get_username()}):
            # A lock-out after failed sign-ins stops the account's tokens too, until it cools off.
            raise exceptions.AuthenticationFailed(_("The account is locked after too many failed sign-ins."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
