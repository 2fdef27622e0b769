from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from cdohub.core.admin import PasswordChangeForm, PermissionLabels

from .models import RoleAssignment, User


@admin.register(User)
class UserAdmin(PermissionLabels, BaseUserAdmin):
    change_password_form = PasswordChangeForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Platform"), {"fields": ("display_name", "phone", "home_unit")}),
    )
    raw_id_fields = ["home_unit"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    raw_id_fields = ["user", "unit", "granted_by"]
