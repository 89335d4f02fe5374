from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.type_list, name="type_list"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim_review"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim_pay"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("talents/<int:talent_id>/", views.talent_benefits, name="talent_benefits"),
    path("auto-grant/", views.auto_grant, name="auto_grant"),
]
