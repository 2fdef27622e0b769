from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("role-assignments", views.RoleAssignmentViewSet)
router.register("users", views.UserViewSet)
urlpatterns = router.urls
