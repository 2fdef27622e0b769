from django.urls import path

from . import views
from .models import Appointment, ImplementationPlan

app_name = "appointments"
A, P = {"model": Appointment}, {"model": ImplementationPlan}
urlpatterns = [
    path("cdo/", views.AppointmentListView.as_view(), name="appointment_list"),
    path("cdo/new/", views.appointment_create, name="appointment_create"),
    path("cdo/bodies/", views.derived_bodies, name="derived_bodies"),
    path("cdo/status/", views.filing_dashboard, name="filing_dashboard"),
    path("cdo/overdue/", views.overdue, name="overdue"),
    path("cdo/roster/", views.roster, name="roster"),
    path("cdo/<int:pk>/", views.AppointmentDetailView.as_view(), name="appointment_detail"),
    path("cdo/<int:pk>/edit/", views.appointment_edit, name="appointment_edit"),
    path("cdo/<int:pk>/cdo-account/", views.appointment_grant_cdo, name="appointment_grant_cdo"),
    path("cdo/<int:pk>/end/", views.appointment_end, name="appointment_end"),
    path("cdo/<int:pk>/submit/", views.filing_submit, A, name="appointment_submit"),
    path("cdo/<int:pk>/decide/", views.filing_decide, A, name="appointment_decide"),
    path("cdo/<int:pk>/document/", views.filing_document, A, name="appointment_document"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views.filing_submit, P, name="plan_submit"),
    path("plans/<int:pk>/decide/", views.filing_decide, P, name="plan_decide"),
    path("plans/<int:pk>/document/", views.filing_document, P, name="plan_document"),
    path("public/roster/<slug:code>/", views.public_roster, name="public_roster"),
]
