from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("catalog/from-tables/", views.resources_from_tables, name="resources_from_tables"),
]
