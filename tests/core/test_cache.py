"""The Redis cache reuses one redis-py client per connection pool (core/cache.py)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from core.cache import FailoverRedisCache

pytestmark = pytest.mark.services


def test_every_call_gets_the_same_client_and_it_answers():
    cache = caches["default"]
    assert isinstance(cache, FailoverRedisCache)
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    cache.set("reused-client", 1)
    assert cache.get("reused-client") == 1


def test_threads_share_the_client_and_each_gets_its_own_answers():
    cache = caches["default"]
    shared = cache._cache  # one client object, as a worker's threads share it

    def round_trip(number):
        key = cache.make_and_validate_key(f"thread-{number}")
        shared.set(key, number, 60)
        return shared.get(key, None)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(round_trip, range(200))) == list(range(200))
