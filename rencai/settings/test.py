"""Test settings: fast hashing, in-memory mail, immediate tasks."""

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEBUG = False
RENCAI_AUDIT_SPOOL = False  # card checks audited synchronously in tests; test_spool covers the spooled path
RENCAI_CARD_CACHE = False  # tests roll back, so NOTIFY never arrives; test_cardcache enables it on committed data
