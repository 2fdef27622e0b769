from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("resources", views.ResourceViewSet)
router.register("census-campaigns", views.CampaignViewSet)
router.register("census-participations", views.ParticipationViewSet)
router.register("classifications", views.ClassificationViewSet)
router.register("catalog-search", views.CatalogSearchViewSet, basename="catalog-search")
urlpatterns = router.urls
