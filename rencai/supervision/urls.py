from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("my/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/plan/", views.plan_save, name="plan_save"),
    path("tasks/<int:pk>/plan/review/", views.plan_review, name="plan_review"),
    path("tasks/<int:pk>/reports/", views.report_submit, name="report_submit"),
    path("tasks/<int:pk>/notices/", views.notice_issue, name="notice_issue"),
    path("tasks/<int:pk>/start/", views.supervision_start, name="supervision_start"),
    path("notices/<int:pk>/respond/", views.notice_respond, name="notice_respond"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("missing/", views.missing_reports, name="missing_reports"),
    path("notifications/", views.notifications, name="notifications"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/<int:pk>/", views.scheme_detail, name="scheme_detail"),
]
