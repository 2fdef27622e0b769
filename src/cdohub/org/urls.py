from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/tree/", views.unit_tree, name="unit_tree"),
    path("units/tree/children/", views.unit_tree_children, name="unit_tree_children"),
    path("units/tree/search/", views.unit_tree_search, name="unit_tree_search"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit_edit"),
    path("units/<int:pk>/add/", views.unit_create, name="unit_add"),
    path("calendar/", views.official_calendar, name="official_calendar"),
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/<slug:code>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path(
        "programs/<slug:code>/nominations/import/",
        views.nomination_import,
        name="nomination_import",
    ),
    path("programs/<slug:code>/cities/<int:pk>/", views.city_scope, name="city_scope"),
    path("programs/<slug:code>/cities/<int:pk>/nominate/", views.city_nominate, name="city_nominate"),
    path(
        "programs/<slug:code>/cities/<int:pk>/withdraw/<int:member_pk>/",
        views.city_withdraw,
        name="city_withdraw",
    ),
]
