from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("standards/", views.element_list, name="element_list"),
    path("standards/elements/new/", views.element_create, name="element_create"),
    path("standards/elements/<int:pk>/", views.element_detail, name="element_detail"),
    path("standards/elements/<int:pk>/edit/", views.element_edit, name="element_edit"),
    path("standards/elements/<int:pk>/publish/", views.element_publish, name="element_publish"),
    path("standards/code-sets/", views.codeset_list, name="codeset_list"),
    path("standards/code-sets/new/", views.codeset_create, name="codeset_create"),
    path("standards/code-sets/<int:pk>/", views.codeset_detail, name="codeset_detail"),
    path("standards/code-sets/<int:pk>/edit/", views.codeset_edit, name="codeset_edit"),
    path("standards/code-sets/<int:pk>/publish/", views.codeset_publish, name="codeset_publish"),
    path("standards/import/", views.standards_import, name="import"),
    path("standards/items/<int:item_id>/link/", views.item_link, name="item_link"),
    path("standards/items/<int:item_id>/unlink/", views.item_unlink, name="item_unlink"),
]
