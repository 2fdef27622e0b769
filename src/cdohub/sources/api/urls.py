from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("sources", views.DataSourceViewSet)
router.register("discovery-runs", views.DiscoveryRunViewSet)
router.register("discovered-tables", views.DiscoveredTableViewSet)
urlpatterns = router.urls
