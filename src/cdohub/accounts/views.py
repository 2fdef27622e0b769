from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdohub.core.permissions import can, restrict
from cdohub.org.models import Unit

from . import services
from .forms import GrantRoleForm, TokenForm
from .models import ApiToken, RoleAssignment, User


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this once an account has failed to sign in too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def unit_members(request, pk):
    """The users and role assignments of a unit: 404 outside the viewer's scope."""
    unit = get_object_or_404(Unit, pk=pk)
    if not can(request.user, "view", RoleAssignment(unit=unit)):
        raise Http404
    can_grant = can(request.user, "change", RoleAssignment(unit=unit))
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST":
        if not can_grant:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.grant_role(
                    request.user, form.cleaned_data["username"], form.cleaned_data["role"], unit
                )
                messages.success(request, _("Role granted."))
                return redirect("accounts:unit_members", pk=unit.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
    assignments = restrict(request.user, "view", RoleAssignment.objects.filter(unit=unit)).select_related(
        "user", "granted_by"
    )
    members = restrict(request.user, "view", User.objects.filter(home_unit=unit))
    return render(
        request,
        "accounts/unit_members.html",
        {
            "unit": unit,
            "assignments": assignments,
            "members": members,
            "form": form,
            "can_grant": can_grant,
        },
    )


@login_required
@require_POST
def revoke(request, pk):
    assignment = get_object_or_404(restrict(request.user, "view", RoleAssignment.objects.all()), pk=pk)
    try:
        services.revoke_role(request.user, assignment)
        messages.success(request, _("Role revoked."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:unit_members", pk=assignment.unit_id)


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.create_token(
            request.user, request.user, form.cleaned_data["name"], form.cleaned_data["days"]
        )
        form = TokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": request.user.role_assignments.select_related("unit"),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
            "form": form,
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(request.user, token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in user changes their own password (the old one first)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        services.change_password(self.request.user, form.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # stay signed in here, signed out elsewhere
        messages.success(self.request, _("Your password is changed."))
        return redirect(self.success_url)


class PasswordResetView(auth_views.PasswordResetConfirmView):
    """The page of a reset link an administrator sent: the user sets a new password."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        services.change_password(form.user, form.user, form.cleaned_data["new_password1"], via="reset_link")
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password is set. Sign in with it."))
        return redirect(self.success_url)


@login_required
@require_POST
def send_password_reset(request, pk):
    """An administrator in scope sends a member a link to set a new password."""
    member = get_object_or_404(restrict(request.user, "view", User.objects.all()), pk=pk)
    try:
        services.send_password_reset(request.user, member, request.build_absolute_uri("/"))
        messages.success(request, _("A password reset link was sent to %(email)s.") % {"email": member.email})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return (
        redirect("accounts:unit_members", pk=member.home_unit_id) if member.home_unit_id else redirect("home")
    )
