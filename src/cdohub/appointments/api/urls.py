from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("appointments", views.AppointmentViewSet)
router.register("plans", views.ImplementationPlanViewSet)
router.register("filing-status", views.FilingStatusViewSet, basename="filing-status")
router.register("roster", views.RosterViewSet, basename="roster")
urlpatterns = router.urls
