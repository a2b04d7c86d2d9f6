"""pg_trgm, for the possible-duplicate search when a contact names a new child.

casework.services.find_possible_duplicates asks PostgreSQL for the children born
the same day whose names are similar (pg_trgm's similarity()), instead of
fetching them all and comparing in Python. The birthday index narrows the rows;
no trigram index is needed. Nothing happens on other databases.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgresTrigramExtension(TrigramExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0003_triage_columns"),
    ]

    operations = [PostgresTrigramExtension()]
