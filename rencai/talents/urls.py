from django.urls import path

from . import views

app_name = "talents"
urlpatterns = [
    path("", views.talent_list, name="talent_list"),
    path("count/", views.talent_count, name="talent_count"),
    path("export/", views.talent_export, name="talent_export"),
    path("template/", views.import_template, name="import_template"),
    path("imports/", views.import_create, name="import_create"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/report/", views.import_report, name="import_report"),
    path("<int:pk>/", views.talent_detail, name="talent_detail"),
    path("<int:pk>/unmask/", views.talent_unmask, name="talent_unmask"),
]
