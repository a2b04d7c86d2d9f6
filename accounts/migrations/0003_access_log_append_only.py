"""The database itself refuses to change or remove access-log rows."""

from django.db import migrations

TABLE = "accounts_accessevent"
MESSAGE = "the access log is append-only"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION accounts_accessevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accessevent_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION accounts_accessevent_refuse_change();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS accessevent_append_only ON {TABLE};
DROP FUNCTION IF EXISTS accounts_accessevent_refuse_change();
"""
SQLITE_UP = [
    f"CREATE TRIGGER accessevent_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER accessevent_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS accessevent_no_update;",
    "DROP TRIGGER IF EXISTS accessevent_no_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only trigger for {schema_editor.connection.vendor}")
        for sql in statements if isinstance(statements, list) else [statements]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
