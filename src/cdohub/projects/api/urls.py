from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("project-reviews", views.ReviewViewSet, basename="projectreview")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("project-supervision", views.SupervisionViewSet, basename="project-supervision")
urlpatterns = router.urls
