"""The Redis cache backend keeps one client per connection pool instead of one per call."""

from klearmind.pages.redis_cache import RedisCache


def test_every_call_shares_one_client_per_pool():
    cache = RedisCache("redis://127.0.0.1:6379/15", {})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(write=False)


def test_each_server_keeps_its_own_client():
    cache = RedisCache("redis://127.0.0.1:6379/14,redis://127.0.0.1:6379/13", {})
    writer = cache._cache.get_client("a", write=True)
    reader = cache._cache.get_client("a")
    assert writer is not reader
    assert writer.connection_pool is not reader.connection_pool
