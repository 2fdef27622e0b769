from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("quality/", views.dashboard, name="dashboard"),
    path("quality/resources/<int:pk>/", views.resource_quality, name="resource_quality"),
    path("quality/resources/<int:pk>/bind/", views.resource_bind, name="resource_bind"),
    path("quality/resources/<int:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("quality/resources/<int:pk>/run/", views.run_start, name="run_start"),
    path("quality/rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("quality/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("quality/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("quality/runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("quality/runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("quality/issues/", views.issue_list, name="issue_list"),
    path("quality/issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("quality/issues/<int:pk>/answer/", views.issue_answer, name="issue_answer"),
]
