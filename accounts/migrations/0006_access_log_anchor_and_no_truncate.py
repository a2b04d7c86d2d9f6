"""Signed anchors for the access log's end; neither the log nor its anchors can be truncated.

TRUNCATE fires no row triggers, so the log's UPDATE/DELETE trigger (0003) never
saw it. The anchors refuse UPDATE, DELETE and TRUNCATE like the log. SQLite has
no TRUNCATE: its unqualified DELETE meets the DELETE trigger.
"""

from django.db import migrations, models

EVENTS = "accounts_accessevent"
ANCHORS = "accounts_accessloganchor"
MESSAGE = "the access log is append-only"

POSTGRES_UP = [
    # The function is 0003's; a statement-level trigger may call it too.
    f"""CREATE TRIGGER accessevent_no_truncate
        BEFORE TRUNCATE ON {EVENTS}
        FOR EACH STATEMENT EXECUTE FUNCTION accounts_accessevent_refuse_change();""",
    f"""CREATE TRIGGER accessloganchor_append_only
        BEFORE UPDATE OR DELETE ON {ANCHORS}
        FOR EACH ROW EXECUTE FUNCTION accounts_accessevent_refuse_change();""",
    f"""CREATE TRIGGER accessloganchor_no_truncate
        BEFORE TRUNCATE ON {ANCHORS}
        FOR EACH STATEMENT EXECUTE FUNCTION accounts_accessevent_refuse_change();""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS accessloganchor_no_truncate ON {ANCHORS};",
    f"DROP TRIGGER IF EXISTS accessloganchor_append_only ON {ANCHORS};",
    f"DROP TRIGGER IF EXISTS accessevent_no_truncate ON {EVENTS};",
]
SQLITE_UP = [
    f"CREATE TRIGGER accessloganchor_no_update BEFORE UPDATE ON {ANCHORS} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER accessloganchor_no_delete BEFORE DELETE ON {ANCHORS} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS accessloganchor_no_update;",
    "DROP TRIGGER IF EXISTS accessloganchor_no_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"No append-only trigger for {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_two_factor")]

    operations = [
        migrations.CreateModel(
            name="AccessLogAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("anchored_at", models.DateTimeField()),
                ("last_event_id", models.BigIntegerField()),
                ("last_hash", models.CharField(max_length=64, unique=True)),
                ("event_count", models.BigIntegerField(help_text="Rows up to and including the last one.")),
                ("signature", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "access log anchor",
                "ordering": ["-last_event_id"],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
