"""The platform's own settings, plus one bare view to compare card verification against (bench only)."""

from rencai.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench.classify_server.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
RENCAI_VERIFY_RATE_PER_MINUTE = 10**9  # the limiter still runs; one loopback client must not be throttled
LOGGING = {"version": 1, "disable_existing_loggers": True}
RENCAI_AUDIT_SPOOL = True
RENCAI_CARD_CACHE = True  # PostgreSQL only: card rows in memory, invalidated by LISTEN/NOTIFY
