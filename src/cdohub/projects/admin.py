"""The admin site shows the projects app read-only: every change goes through the services, and a
decided review round (above all a veto) is final for everyone, administrators included."""

from django.contrib import admin

from .models import Check, Finding, FindingStep, Opinion, Project, Review


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CheckInline(admin.TabularInline):
    model = Check
    extra = 0
    fields = ["title", "result", "summary"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["project", "stage", "round", "status", "decided_by", "decided_at"]
    list_filter = ["stage", "status"]
    inlines = [CheckInline]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "kind", "status", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "status", "due_on"]
    list_filter = ["status", "category"]


admin.site.register(Opinion, ReadOnlyAdmin)
admin.site.register(FindingStep, ReadOnlyAdmin)
