"""Card rows for verification held in process memory on PostgreSQL, invalidated by LISTEN/NOTIFY.

A check would otherwise pay one database round trip, which on PostgreSQL costs more than the rest of the request.
Every service that changes a card's or certification's status sends `NOTIFY rencai_cards` inside its transaction
(PostgreSQL delivers it at commit, drops it on rollback); each process keeps one listening connection in a daemon
thread and empties its cache on every notification, so a blacklisting still suspends the card at once everywhere.
Rows are cached only while the listener is connected (a dropped listener empties the cache and disables it until
it is back), and a row read while a notification arrived is not kept. Entries also expire after a minute, which
bounds how long a renamed holder's masked name can lag. Off unless RENCAI_CARD_CACHE is set and the database is
PostgreSQL; SQLite reads the row every time (it is in-process and cheap there).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings
from django.db import connection

CHANNEL = "rencai_cards"
TTL_SECONDS = 60
MAX_ENTRIES = 100_000
logger = logging.getLogger(__name__)


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: dict[str, tuple[float, object]] = {}
        self.generation = 0
        self.listening = False
        self.pid = None
        self.stop_event = threading.Event()

    def enabled(self) -> bool:
        return bool(getattr(settings, "RENCAI_CARD_CACHE", False)) and connection.vendor == "postgresql"

    def _ensure_listener(self) -> None:
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()  # a forked worker starts its own listener and its own (empty) cache
            self.rows.clear()
            self.listening = False
            params = connection.get_connection_params()
            self.stop_event = threading.Event()
            threading.Thread(target=self._listen, args=(params, self.stop_event), name="rencai-card-cache",
                             daemon=True).start()

    def _listen(self, params: dict, stop: threading.Event) -> None:
        import psycopg

        params = {k: v for k, v in params.items() if k not in ("cursor_factory", "context", "prepare_threshold")}
        while not stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    with self.lock:
                        self.rows.clear()
                        self.generation += 1
                        self.listening = True
                    while not stop.is_set():
                        for _notice in conn.notifies(timeout=1.0):
                            with self.lock:
                                self.rows.clear()
                                self.generation += 1
            except Exception:  # noqa: BLE001 - any failure: stop caching, retry
                logger.warning("card cache listener lost its connection; reading cards from the database")
            with self.lock:
                self.listening = False
                self.rows.clear()
                self.generation += 1
            stop.wait(1)

    def get(self, public_id: str, loader):
        if not self.enabled():
            return loader(public_id)
        self._ensure_listener()
        now = time.monotonic()
        with self.lock:
            listening, generation = self.listening, self.generation
            hit = self.rows.get(public_id) if listening else None
        if hit is not None and hit[0] > now:
            return hit[1]
        row = loader(public_id)
        if listening:
            with self.lock:
                if self.listening and self.generation == generation:
                    if len(self.rows) >= MAX_ENTRIES:
                        self.rows.clear()
                    self.rows[public_id] = (now + TTL_SECONDS, row)
        return row

    def stop(self, seconds: float = 3.0) -> None:
        """Close the listener (tests, before their database is dropped); the next use starts a new one."""
        self.stop_event.set()
        deadline = time.monotonic() + seconds
        while self.listening and time.monotonic() < deadline:
            time.sleep(0.05)
        with self.lock:
            self.pid = None
            self.rows.clear()

    def wait_until_listening(self, seconds: float = 5.0) -> bool:
        """For tests and the benchmark: start the listener and wait for it."""
        self._ensure_listener()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.listening:
                return True
            time.sleep(0.02)
        return False


cache = _Cache()


def cards_changed() -> None:
    """Tell every process to drop its cached cards (call inside the transaction that changed them)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '*')", [CHANNEL])
