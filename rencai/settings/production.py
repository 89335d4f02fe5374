"""Production: refuses to start with DEBUG on or a secret missing from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool

if env_bool("DEBUG", False):
    raise ImproperlyConfigured("生产环境禁止开启 DEBUG(请将 DEBUG 设为 0)。")
for _name in ("RENCAI_SECRET_KEY", "RENCAI_FIELD_KEY", "DATABASE_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"生产环境必须通过环境变量设置 {_name}。")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("RENCAI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
