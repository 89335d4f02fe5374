"""The embedded default: one machine, SQLite in var/, demo data."""

from .base import *  # noqa: F401,F403
