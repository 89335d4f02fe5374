from django.urls import path

from . import views

app_name = "certification"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("catalogues/<int:pk>/", views.catalogue_detail, name="catalogue_detail"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/preview/", views.version_preview, name="version_preview"),
    path("rules/check/", views.rule_check, name="rule_check"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("certifications/", views.certification_list, name="certification_list"),
    path("certifications/<int:pk>/", views.certification_detail, name="certification_detail"),
    path("certifications/<int:pk>/card.pdf", views.card_pdf, name="card_pdf"),
    path("my/", views.my_cards, name="my_cards"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("publicity/", views.publicity, name="publicity"),
    path("calculator/", views.calculator, name="calculator"),
]
