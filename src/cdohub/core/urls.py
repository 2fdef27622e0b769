from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("imports/<str:token>/", views.import_result, name="import_result"),
]
