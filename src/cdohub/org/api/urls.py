from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("units", views.UnitViewSet)
router.register("programs", views.PilotProgramViewSet)
router.register("scope-members", views.ScopeMemberViewSet)
urlpatterns = router.urls
