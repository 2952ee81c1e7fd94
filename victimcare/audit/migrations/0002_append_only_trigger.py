from django.db import migrations

# On PostgreSQL the database itself refuses to change or remove an access record, whatever the code does.
FORWARD = """
CREATE OR REPLACE FUNCTION audit_accessrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_accessrecord is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accessrecord_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_accessrecord
    FOR EACH ROW EXECUTE FUNCTION audit_accessrecord_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS audit_accessrecord_no_update_delete ON audit_accessrecord;
DROP FUNCTION IF EXISTS audit_accessrecord_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
