from django.urls import path

from . import views

app_name = "auditlog"

urlpatterns = [
    path("audit/", views.log, name="log"),
    path("audit/verify/", views.verify, name="verify"),
    path("audit/export/", views.export, name="export"),
]
