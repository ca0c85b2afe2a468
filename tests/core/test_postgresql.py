"""The PostgreSQL backend bounds every wait on the client (core/postgresql/base.py)."""

import time

import pytest
from django.db import OperationalError, connection, connections

from core.postgresql import base

pytestmark = pytest.mark.services  # PostgreSQL's backend: never skipped under CI


@pytest.fixture
def bounded(transactional_db):
    """The default connection, open, with a half-second bound on every wait."""
    connection.ensure_connection()
    connection.connection.wait_limit = 0.5
    yield connection
    connection.close()


def test_a_connection_gets_the_statement_timeout_plus_one(transactional_db):
    connection.ensure_connection()
    assert connection.connection.wait_limit == 16  # the settings' statement_timeout (15 s) + 1
    connection.close()


def test_a_wait_past_the_bound_fails_in_time_and_closes_the_connection(bounded):
    started = time.monotonic()
    with (
        pytest.raises(OperationalError, match="did not answer within 0.5 s"),
        bounded.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(3)")
    assert time.monotonic() - started < 2
    assert not bounded.is_usable()


def test_an_answer_within_the_bound_is_untouched(bounded):
    with bounded.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.1), 42")
        assert cursor.fetchone()[1] == 42
    assert bounded.is_usable()


def test_the_health_check_has_its_own_short_bound_and_restores_the_other(bounded):
    assert base.HEALTH_CHECK_SECONDS <= 1
    assert bounded.is_usable()
    assert bounded.connection.wait_limit == 0.5


def test_a_broken_kept_connection_is_replaced_on_the_next_request(transactional_db):
    """As after a hung server: Django's health check drops it, the next query reconnects."""
    connection.ensure_connection()
    connection.connection.wait_limit = 0.2
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1)")
    connection.close_if_unusable_or_obsolete()  # what request_finished does
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    connections.close_all()


@pytest.fixture
def silent_database(db):
    """A DatabaseWrapper for a port that accepts connections and never answers."""
    import copy
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict.update(HOST="127.0.0.1", PORT=listener.getsockname()[1])
    settings_dict["OPTIONS"]["connect_timeout"] = 1
    yield base.DatabaseWrapper(settings_dict, alias="silent")
    base._LastFailedConnect.at = None  # this process's other connections are not affected
    listener.close()


def timed_connect(wrapper):
    started = time.monotonic()
    with pytest.raises(OperationalError) as refused:
        wrapper.ensure_connection()
    return time.monotonic() - started, str(refused.value)


def test_after_a_failed_connect_the_process_waits_a_moment_before_trying_again(
    silent_database,
):
    first, _ = timed_connect(silent_database)
    assert 0.9 < first < 3  # connect_timeout
    again, message = timed_connect(silent_database)
    assert again < 0.5 and "not trying again yet" in message
    base._LastFailedConnect.at -= base.RECONNECT_AFTER  # as if that moment had passed
    later, message = timed_connect(silent_database)
    assert later > 0.9 and "not trying again yet" not in message  # tried for real
