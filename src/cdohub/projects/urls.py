from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/dashboard/", views.dashboard, name="dashboard"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:pk>/documents/<str:name>/", views.project_document, name="project_document"),
    path("projects/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("projects/reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("projects/reviews/<int:pk>/opinion/", views.review_opinion, name="review_opinion"),
    path("projects/reviews/<int:pk>/checks/", views.review_rerun, name="review_rerun"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path("findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/documents/<str:name>/", views.finding_document, name="finding_document"),
]
