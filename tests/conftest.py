import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login-attempt counters and API throttles live in the cache (Redis in CI)."""
    cache.clear()
    yield
    cache.clear()
