from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("catalog/", views.catalog_search, name="search"),
    path("catalog/resources/", views.ResourceListView.as_view(), name="resource_list"),
    path("catalog/classifications/", views.classification_nodes, name="classification_nodes"),
    path("catalog/resources/new/", views.resource_create, name="resource_create"),
    path("catalog/resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("catalog/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("catalog/resources/<int:pk>/submit/", views.resource_submit, name="resource_submit"),
    path("catalog/resources/<int:pk>/decide/", views.resource_decide, name="resource_decide"),
    path("catalog/resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("catalog/from-tables/", views.resources_from_tables, name="resources_from_tables"),
    path("catalog/import/", views.catalog_import, name="import"),
    path("catalog/synonyms/", views.synonym_list, name="synonym_list"),
    path("catalog/synonyms/import/", views.synonym_import_page, name="synonym_import"),
    path("catalog/synonyms/<int:pk>/", views.synonym_edit, name="synonym_edit"),
    path("catalog/synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
    path("census/", views.campaign_list, name="campaign_list"),
    path("census/new/", views.campaign_create, name="campaign_create"),
    path("census/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("census/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("census/parts/<int:pk>/", views.participation_detail, name="participation_detail"),
    path("census/parts/<int:pk>/submit/", views.participation_submit, name="participation_submit"),
]
