"""Django's Redis cache, kept answering while Redis does not.

allauth keeps its rate limits in the default cache, so a Redis outage would otherwise turn
sign-in, sign-up and password reset into 500s. Here each call that meets a refused or
timed-out Redis is answered by this process's own memory instead: the limits still hold,
counted per process rather than shared, until Redis answers again. After a failure Redis
is left alone for ``FAILOVER_RETRY_AFTER`` seconds, so a hung Redis costs one socket
timeout per process and period, not one per call.

    "BACKEND": "core.cache.FailoverRedisCache",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1, "FAILOVER_RETRY_AFTER": 5}

The upper-case options are this class's; the rest go to redis-py, as with ``RedisCache``.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """One Redis server's state in this process, shared by every thread's cache object
    (Django makes one cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0  # monotonic time before which Redis is not tried
        self.warned_at = None  # monotonic time of the last warning; None while Redis answers

    def resting(self):
        return time.monotonic() < self.retry_at

    def failed(self, error, *, location, retry_after, warn_every):
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + retry_after
            warn = self.warned_at is None or now - self.warned_at >= warn_every
            if warn:
                self.warned_at = now
        if warn:
            logger.warning(
                "Redis cache at %s is not answering (%s: %s): this process keeps the "
                "cache, and so the sign-in rate limits, in its own memory until it does.",
                location,
                error.__class__.__name__,
                error,
            )

    def answered(self, *, location):
        if self.warned_at is None:  # the usual case, without taking the lock
            return
        with self.lock:
            recovered, self.warned_at = self.warned_at is not None, None
        if recovered:
            logger.warning("Redis cache at %s answers again: the shared cache is back.", location)


_outages = {}
_outages_lock = threading.Lock()


def _outage_for(location):
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _with_failover(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if not self._outage.resting():
            try:
                result = redis_method(self, *args, **kwargs)
            except REDIS_UNAVAILABLE as error:
                self._outage.failed(
                    error,
                    location=self._location,
                    retry_after=self.failover_retry_after,
                    warn_every=self.failover_warn_every,
                )
            else:
                self._outage.answered(location=self._location)
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every call; redis-py fills its tables of
    response callbacks on each, ~0.17 ms, several times a page (the page caches, the
    rate limits): a quarter of a cached page's own time (bench/README.md). A ``redis.Redis``
    over a pool is safe to share between threads: each command takes its own connection.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class FailoverRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.failover_retry_after = float(options.pop("FAILOVER_RETRY_AFTER", 5))
        self.failover_warn_every = float(options.pop("FAILOVER_WARN_EVERY", 60))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient
        self._location = server if isinstance(server, str) else ",".join(server)
        # The address without its password, for the log.
        self._location = self._location.rpartition("@")[2]
        self._outage = _outage_for(self._location)
        # LocMemCache shares its storage between objects of the same name: one per process.
        self._fallback = LocMemCache(
            f"redis-failover:{self._location}",
            {**params, "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )

    add = _with_failover("add")
    get = _with_failover("get")
    set = _with_failover("set")
    touch = _with_failover("touch")
    delete = _with_failover("delete")
    get_many = _with_failover("get_many")
    has_key = _with_failover("has_key")
    incr = _with_failover("incr")
    set_many = _with_failover("set_many")
    delete_many = _with_failover("delete_many")
    clear = _with_failover("clear")
