import pytest
from django.core.management import call_command

from rencai.audit import selectors, spool
from rencai.audit.models import AuditEntry
from rencai.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def spooled(settings, tmp_path):
    settings.RENCAI_AUDIT_SPOOL = True
    settings.RENCAI_AUDIT_SPOOL_DIR = tmp_path / "spool"
    settings.RENCAI_AUDIT_SPOOL_MAX = 1000
    settings.RENCAI_AUDIT_SPOOL_SECONDS = 3600
    spool.flush()
    return tmp_path / "spool"


def test_spooled_events_join_the_chain_in_order_and_verify(spooled):
    audit_record(actor=None, action="before")
    for i in range(5):
        spool.audit_spooled(actor=None, action="certification.card.verify", object_id=f"c{i}", extra={"valid": True})
    assert not AuditEntry.objects.filter(action="certification.card.verify").exists()
    assert len(list(spooled.glob("spool-*.jsonl"))) == 1
    call_command("audit_verify")  # flushes first, then checks the whole chain
    checks = list(AuditEntry.objects.filter(action="certification.card.verify").order_by("seq"))
    assert [e.object_id for e in checks] == [f"c{i}" for i in range(5)]
    assert checks[0].seq == AuditEntry.objects.get(action="before").seq + 1
    audit_record(actor=None, action="after")
    assert selectors.audit_chain_verify().ok
    assert not list(spooled.glob("*.jsonl"))


def test_the_spool_flushes_itself_when_full(spooled, settings):
    settings.RENCAI_AUDIT_SPOOL_MAX = 3
    for i in range(7):
        spool.audit_spooled(actor=None, action="certification.card.verify", object_id=str(i))
    assert AuditEntry.objects.filter(action="certification.card.verify").count() == 6
    assert spool.flush() == 1


def test_a_claimed_file_left_by_a_failed_flush_is_retried(spooled):
    spool.audit_spooled(actor=None, action="certification.card.verify", object_id="x")
    (path,) = spooled.glob("spool-*.jsonl")
    path.rename(spooled / "claimed-999999-spool-1-1.jsonl")  # as if a flush (pid 999999, gone) died midway
    assert spool.flush() == 1
    assert AuditEntry.objects.filter(action="certification.card.verify", object_id="x").exists()


def test_a_live_process_file_is_left_to_its_owner(spooled):
    """Another process's open spool is not claimed from under it (its later writes would be lost)."""
    import os

    live = spooled / f"spool-{os.getppid()}.jsonl"
    live.write_text('{"created_at": "2026-11-23T10:00:00+00:00", "action": "x"}\n', encoding="utf-8")
    assert spool.flush() == 0 and live.exists()
