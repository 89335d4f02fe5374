from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.stats_refresh, name="stats_refresh"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/bind/", views.metric_bind, name="metric_bind"),
    path("annual/", views.annual_page, name="annual"),
    path("annual/jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("annual/jobs/<int:pk>/files/<str:key>", views.job_file, name="job_file"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/publish/", views.open_data_publish, name="open_data_publish"),
    path("open-data/<int:pk>/", views.open_data_release, name="open_data_release"),
    path("open-data/<int:pk>/<slug:code>.<str:fmt>", views.open_data_file, name="open_data_file"),
]
