"""The fund ledger is append-only in the database too: a trigger refuses UPDATE (both databases) and DELETE
(PostgreSQL; SQLite's test flush empties tables with DELETE, and the models refuse deletes there)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION benefits_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '资金台账记录不可修改或删除;请登记冲正。';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER benefits_ledger_no_update BEFORE UPDATE OR DELETE ON benefits_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION benefits_ledger_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS benefits_ledger_no_update ON benefits_ledgerentry;
DROP FUNCTION IF EXISTS benefits_ledger_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER benefits_ledger_no_update BEFORE UPDATE ON benefits_ledgerentry
BEGIN SELECT RAISE(ABORT, '资金台账记录不可修改;请登记冲正。'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS benefits_ledger_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
