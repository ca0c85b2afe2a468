"""Django's PostgreSQL backend, whose kept connections cannot hang a request on a hung server.

A kept connection (``CONN_MAX_AGE``) saves a connect per request, three to four times the
throughput of a page that renders (bench/README.md). Without more, a server that accepts but
never answers (hung, SIGSTOPped, a half-dead network) holds each request on its kept
connection until gunicorn kills the worker, since libpq has no client-side timeout once
connected, and the server's ``statement_timeout`` needs a server that runs.

So every exchange with the server is bounded on the client, by psycopg's own wait timeout:

- the health check Django makes before reusing a kept connection (``CONN_HEALTH_CHECKS``)
  gets ``HEALTH_CHECK_SECONDS``: a hung server is noticed within a second, the connection is
  dropped, and the fresh connect fails within ``connect_timeout``: a 503 in seconds;
- any other exchange gets ``OPTIONS["wait_limit"]`` seconds (the settings make it one more
  than the statement timeout, so the server's own cancel comes first when it can).

A connection whose exchange ran out of time is closed: its protocol state is unknown.

A connect that failed is not tried again by this process for ``RECONNECT_AFTER`` seconds:
the error page that follows, and the next requests, fail at once instead of each waiting
out ``connect_timeout`` again.
"""

import threading
import time

import psycopg
from django.db.backends.postgresql import base

HEALTH_CHECK_SECONDS = 1.0
RECONNECT_AFTER = 2.0


class _LastFailedConnect:
    """When this process last failed to connect (monotonic time), shared by its threads."""

    lock = threading.Lock()
    at = None


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server is bounded by ``wait_limit``."""

    wait_limit = None  # seconds, or None for no bound

    def wait(self, gen, interval=0.1, timeout=None):  # psycopg's signature
        limit = self.wait_limit
        if limit is not None and (timeout is None or timeout > limit):
            timeout = limit
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except psycopg.errors._WaitTimeout:  # noqa: SLF001 - psycopg's own timeout error
            self.pgconn.finish()  # half an exchange: the connection cannot be used again
            raise psycopg.OperationalError(
                f"the database did not answer within {timeout:g} s; connection closed"
            ) from None


class _Psycopg:
    """The psycopg module as Django's backend uses it, connecting with BoundedConnection."""

    connect = staticmethod(BoundedConnection.connect)

    def __getattr__(self, name):
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()

    def get_connection_params(self):
        params = super().get_connection_params()
        self._wait_limit = params.pop("wait_limit", None)
        return params

    def get_new_connection(self, conn_params):
        failed_at = _LastFailedConnect.at
        if failed_at is not None and time.monotonic() - failed_at < RECONNECT_AFTER:
            raise psycopg.OperationalError(
                "the database did not take a connection a moment ago; not trying again yet"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError:
            with _LastFailedConnect.lock:
                _LastFailedConnect.at = time.monotonic()
            raise
        _LastFailedConnect.at = None
        connection.wait_limit = self._wait_limit
        return connection

    def is_usable(self):
        if self.connection is None:
            return False
        limit = self.connection.wait_limit
        self.connection.wait_limit = HEALTH_CHECK_SECONDS
        try:
            return super().is_usable()
        finally:
            self.connection.wait_limit = limit
