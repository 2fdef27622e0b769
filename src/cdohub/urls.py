from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cdohub.core import views as core_views

api_patterns = [
    path("", include("cdohub.org.api.urls")),
    path("", include("cdohub.accounts.api.urls")),
    path("", include("cdohub.appointments.api.urls")),
    path("", include("cdohub.sources.api.urls")),
    path("", include("cdohub.catalog.api.urls")),
    path("", include("cdohub.standards.api.urls")),
    path("", include("cdohub.quality.api.urls")),
    path("", include("cdohub.projects.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its start-up script is served from its own URL: the Content-Security-Policy allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/swagger_ui.html"),
        name="docs",
    ),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("cdohub.core.urls")),
    path("accounts/", include("cdohub.accounts.urls")),
    path("", include("cdohub.org.urls")),
    path("", include("cdohub.appointments.urls")),
    path("", include("cdohub.sources.urls")),
    path("", include("cdohub.catalog.urls")),
    path("", include("cdohub.standards.urls")),
    path("", include("cdohub.quality.urls")),
    path("", include("cdohub.projects.urls")),
    path("", include("cdohub.auditlog.urls")),
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
