from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("reset/<uidb64>/<token>/", views.PasswordResetView.as_view(), name="password_reset"),
    path("users/<int:pk>/password-reset/", views.send_password_reset, name="send_password_reset"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("units/<int:pk>/members/", views.unit_members, name="unit_members"),
    path("assignments/<int:pk>/revoke/", views.revoke, name="revoke"),
]
