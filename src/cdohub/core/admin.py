"""The admin site in the platform's name and language: its titles, the libraries' app names, the
permissions (stored by Django in English, "Can view user") named in the reader's language."""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group, Permission
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

admin.site.site_header = format_lazy("{} · {}", settings.CDOHUB["SITE_NAME"], _("Administration"))
admin.site.site_title = admin.site.site_header
admin.site.index_title = _("Site administration")

# Libraries name their apps in English only.
LIBRARY_APPS = {"axes": _("Sign-in attempts"), "django_tasks_database": _("Background tasks")}
for label, name in LIBRARY_APPS.items():
    if label in apps.app_configs:
        apps.get_app_config(label).verbose_name = name

ACTIONS = {"add": _("add"), "change": _("change"), "delete": _("delete"), "view": _("view")}


def permission_label(permission: Permission) -> str:
    """ "数据资源 | 查看" rather than the stored "catalog | data resource | Can view data resource"."""
    model = permission.content_type.model_class()
    subject = model._meta.verbose_name if model else permission.content_type.model
    action, _sep, _rest = permission.codename.partition("_")
    does = ACTIONS.get(action) if permission.codename == f"{action}_{permission.content_type.model}" else None
    return f"{subject} | {does or gettext(permission.name)}"


class PermissionLabels:
    """A ModelAdmin mixin: its permission lists name each permission in the reader's language."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.remote_field.model is Permission:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


class PasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """Django's admin form warns in English only that disabling a password loses it."""

    usable_password_help_text = format_lazy(  # type: ignore[assignment]
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password of this user is lost."),
    )


def _boolean_icon(value: bool | None) -> str:
    """Django's yes/no icon, its text alternative in the reader's language (Django writes the
    Python value, "True", for a screen reader to read out)."""
    name = {True: "yes", False: "no", None: "unknown"}[value]
    icon = static(f"admin/img/icon-{name}.svg")
    text = {True: _("Yes"), False: _("No"), None: _("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', icon, text)


# The admin looks the function up on its module each time it draws a yes/no cell.
admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, BaseGroupAdmin):  # type: ignore[misc]
    pass
