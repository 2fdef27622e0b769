from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/check/", views.source_check, name="source_check"),
    path("sources/<int:pk>/discover/", views.source_discover, name="source_discover"),
    path("sources/runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("sources/runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("sources/runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
]
