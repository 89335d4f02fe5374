"""API authentication: the browser's session (with CSRF) or a bearer token for machine clients."""

from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    openapi_description = "接口令牌:Authorization: Bearer rc_…(在用户页面或命令行创建)"

    def authenticate(self, request, token):
        from rencai.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


session_auth = SessionAuth(csrf=True)
token_auth = TokenAuth()
DEFAULT_AUTH = [token_auth, session_auth]
