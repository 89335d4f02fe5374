from datetime import datetime

from ninja import Router, Schema, Status

from rencai.core.scope import scope_for

from . import services

router = Router(tags=["auth"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[str]
    everything: bool


class TokenIn(Schema):
    name: str
    days: int = 365


class TokenOut(Schema):
    key: str
    prefix: str
    expires_at: datetime | None


@router.get("/me", response=MeOut, summary="当前用户与角色")
def me(request):
    scope = scope_for(request.user)
    return {"id": request.user.pk, "username": request.user.username, "full_name": request.user.full_name,
            "roles": sorted(scope.roles), "everything": scope.everything}


@router.post("/tokens", response={201: TokenOut}, summary="为自己创建接口令牌(只显示一次)")
def token_create(request, payload: TokenIn):
    token, key = services.api_token_create(actor=request.user, user=request.user, name=payload.name, days=payload.days)
    return Status(201, {"key": key, "prefix": token.prefix, "expires_at": token.expires_at})
