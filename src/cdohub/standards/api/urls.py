from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("data-elements", views.DataElementViewSet)
router.register("code-sets", views.CodeSetViewSet)
router.register("element-links", views.ElementLinkViewSet)
urlpatterns = router.urls
