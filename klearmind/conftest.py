import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as database rows roll back but cache entries stay."""
    cache.clear()
    yield
    cache.clear()
