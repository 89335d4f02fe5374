"""The REST API under /api/ (OpenAPI docs at /api/docs). Each app contributes a Router."""

from django.db import connection
from ninja import NinjaAPI, Schema

from rencai.core.api_auth import DEFAULT_AUTH
from rencai.core.exceptions import ApplicationError

api = NinjaAPI(
    title="rencai 智慧人才平台 API",
    version="1",
    description="政策任务、督查考核、人才库、认定与人才码、待遇兑现。会话(浏览器,需 CSRF)或 Bearer 令牌认证;数据按机构范围隔离。",
    auth=DEFAULT_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


class ErrorOut(Schema):
    code: str
    message: str
    extra: dict = {}


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, {"code": exc.code, "message": exc.message, "extra": exc.extra},
                               status=exc.status_code)


class HealthOut(Schema):
    status: str
    database: str
    version: str


@api.get("/health", auth=None, response=HealthOut, tags=["system"], summary="健康检查")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db = "ok"
    except Exception:  # pragma: no cover - reported, not raised
        db = "error"
    return {"status": "ok" if db == "ok" else "degraded", "database": db, "version": "1"}


def _mount():
    from rencai.accounts.api import router as accounts_router
    from rencai.audit.api import router as audit_router
    from rencai.orgs.api import router as orgs_router

    api.add_router("/auth", accounts_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/audit", audit_router)
    api.add_router("/talents", "rencai.talents.api.router")
    api.add_router("/policies", "rencai.policies.api.router")
    api.add_router("/supervision", "rencai.supervision.api.router")
    api.add_router("/certification", "rencai.certification.api.router")
    api.add_router("/benefits", "rencai.benefits.api.router")
    api.add_router("/reports", "rencai.reports.api.router")


_mount()
