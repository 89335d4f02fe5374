from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/tasks/<int:number>/", views.task_edit, name="task_edit"),
    path("<int:pk>/units/", views.unit_map, name="unit_map"),
    path("<int:pk>/lead-rule/", views.confirm_lead_rule, name="confirm_lead_rule"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]
