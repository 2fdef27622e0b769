from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Binding, Issue, Rule, Run


@admin.register(Binding)
class BindingAdmin(admin.ModelAdmin):
    list_display = ("resource", "source", "qualified_table", "schedule", "next_run_at")
    raw_id_fields = ("resource", "source", "created_by")

    @admin.display(description=_("table"), ordering="table")
    def qualified_table(self, binding):
        return f"{binding.schema}.{binding.table}" if binding.schema else binding.table


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("resource", "kind", "columns", "weight", "severity", "enabled", "origin")
    list_filter = ("kind", "origin", "severity")
    raw_id_fields = ("resource", "created_by")


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("resource", "status", "trigger", "score", "finished_at")
    list_filter = ("status", "trigger")
    raw_id_fields = ("resource", "binding", "requested_by")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "status", "due_on", "escalated_at")
    list_filter = ("status",)
    raw_id_fields = ("resource", "unit", "rule", "opened_run", "last_run", "closed_run", "answered_by")

    def has_change_permission(self, request, obj=None):
        return False
