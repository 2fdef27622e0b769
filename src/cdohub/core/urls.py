from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("home/", views.home, name="home"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/digest/", views.notification_digest, name="notification_digest"),
    path("imports/<str:token>/", views.import_result, name="import_result"),
]
