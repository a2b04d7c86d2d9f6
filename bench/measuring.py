"""What every benchmark here shares: its own database, set-based inserts, and percentiles of its timings."""

import time


def ensure_database(database_url: str) -> None:
    """Create the benchmark's database on the server if it is not there yet."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentiles(samples_ms):
    """p50, p95 and p99 of the samples (nearest rank)."""
    ordered = sorted(samples_ms)

    def at(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return at(50), at(95), at(99)


def insert_select(cursor, table, columns, source, label="", indent="  "):
    """INSERT INTO table (columns) SELECT ... FROM source; NOT NULL columns not given get the
    models' blank defaults ('' / false / 0 / [] / version 1 / now), so the rows match what
    the ORM would write without naming every blank text field."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    filled = dict(columns)
    for name, data_type in cursor.fetchall():
        if name in filled:
            continue
        if name == "version":
            filled[name] = "1"
        elif data_type in ("character varying", "text"):
            filled[name] = "''"
        elif data_type == "boolean":
            filled[name] = "false"
        elif data_type in ("integer", "smallint", "bigint", "numeric"):
            filled[name] = "0"
        elif data_type == "jsonb":
            filled[name] = "'[]'::jsonb"
        elif data_type.startswith("timestamp"):
            filled[name] = "now()"
        elif data_type == "date":
            filled[name] = "current_date"
        else:
            raise RuntimeError(f"{table}.{name} ({data_type}) needs a value")
    names = ", ".join(f'"{name}"' for name in filled)
    started = time.perf_counter()
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(filled.values())} FROM {source}")
    print(f"{indent}{table}{label}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return cursor.rowcount
