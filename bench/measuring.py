"""What every benchmark here shares: its own database, and percentiles of its timings."""


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
