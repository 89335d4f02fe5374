import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rencai.audit import selectors
from rencai.audit.models import AuditChainHead, AuditEntry
from rencai.audit.services import audit_record, diff_for_audit


def _three_entries(actor):
    return [audit_record(actor=actor, action=f"test.step{i}", object_type="test", object_id=i, changes={"n": {"old": i, "new": i + 1}})
            for i in range(3)]


def test_chain_links_each_entry_to_the_previous(city_staff):
    # when
    entries = _three_entries(city_staff)
    # then
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert entries[2].seq == entries[1].seq + 1
    assert AuditChainHead.objects.get(id=1).hash == entries[2].hash
    assert selectors.audit_chain_verify().ok


def test_edited_row_is_named_by_verify(city_staff):
    # given
    entries = _three_entries(city_staff)
    target = entries[1]
    # when: someone edits one row directly in SQL
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE id = %s", ["篡改", target.pk])
    # then
    result = selectors.audit_chain_verify()
    assert not result.ok
    assert result.first_bad_seq == target.seq
    assert result.first_bad_id == target.pk
    with pytest.raises(CommandError, match=f"序号 {target.seq}"):
        call_command("audit_verify")


def test_deleted_middle_row_is_detected(city_staff):
    entries = _three_entries(city_staff)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[1].pk])
    result = selectors.audit_chain_verify()
    assert not result.ok
    assert result.first_bad_seq == entries[1].seq


def test_deleted_last_row_is_detected(city_staff):
    entries = _three_entries(city_staff)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[-1].pk])
    result = selectors.audit_chain_verify()
    assert not result.ok
    assert result.first_bad_seq == entries[-1].seq


def test_verify_command_succeeds_on_intact_chain(city_staff, capsys):
    _three_entries(city_staff)
    call_command("audit_verify")
    assert "审计日志完整" in capsys.readouterr().out


def test_verify_exit_code_is_non_zero_on_tamper(city_staff):
    """The console entry point exits non-zero (CommandError -> exit 1)."""
    from rencai.cli import main

    entries = _three_entries(city_staff)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'x' WHERE id = %s", [entries[0].pk])
    with pytest.raises(SystemExit) as exc:
        main(["audit", "verify"])
    assert exc.value.code == 1


def test_sensitive_fields_are_recorded_as_changed_without_values():
    changes = diff_for_audit({"name": "张三", "id_number": "110101199003070011"},
                             {"name": "张三丰", "id_number": "110101199003070038"}, sensitive={"id_number"})
    assert changes == {"name": {"old": "张三", "new": "张三丰"}, "id_number": {"changed": True}}


def test_request_context_is_recorded(city_staff, client_for):
    client = client_for(city_staff)
    client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.7", HTTP_X_REQUEST_ID="req-123")
    entry = AuditEntry.objects.get(action="auth.logout")
    assert (entry.ip, entry.request_id, entry.actor_id) == ("192.0.2.7", "req-123", city_staff.pk)
