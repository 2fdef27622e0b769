from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("quality-bindings", views.BindingViewSet, basename="quality-binding")
router.register("quality-rules", views.RuleViewSet, basename="quality-rule")
router.register("quality-runs", views.RunViewSet, basename="quality-run")
router.register("quality-issues", views.IssueViewSet, basename="quality-issue")
router.register("quality-scores", views.ScoreViewSet, basename="quality-score")
urlpatterns = router.urls
