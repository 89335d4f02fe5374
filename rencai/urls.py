from django.contrib import admin
from django.urls import include, path

from rencai.certification import views as certification_views

from .api import api

admin.site.site_header = "rencai 智慧人才平台 · 管理后台"
admin.site.site_title = "rencai 管理后台"

urlpatterns = [
    path("", include("rencai.core.urls")),
    path("accounts/", include("rencai.accounts.urls")),
    path("orgs/", include("rencai.orgs.urls")),
    path("audit/", include("rencai.audit.urls")),
    path("talents/", include("rencai.talents.urls")),
    path("policies/", include("rencai.policies.urls")),
    path("supervision/", include("rencai.supervision.urls")),
    path("certification/", include("rencai.certification.urls")),
    path("verify/<str:token>", certification_views.verify, name="verify"),
    path("benefits/", include("rencai.benefits.urls")),
    path("reports/", include("rencai.reports.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
