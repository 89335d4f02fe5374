from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/export/", views.unit_export, name="unit_export"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/toggle/", views.unit_toggle, name="unit_toggle"),
]
