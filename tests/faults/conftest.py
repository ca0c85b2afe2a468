"""The fault suite's servers: one PostgreSQL cluster of its own per run, a stack per test."""

import pytest

from tests.faults.servers import OwnPostgres
from tests.faults.stack import Stack, migrate_template


@pytest.fixture(scope="session")
def own_postgres(tmp_path_factory):
    """A PostgreSQL cluster on a spare port with a migrated template database; never the
    shared one, so a test may stop or hang it."""
    postgres = OwnPostgres()
    try:
        postgres.init()
        postgres.start()
        migrate_template(postgres, tmp_path_factory.mktemp("template"))
        yield postgres
    finally:
        postgres.remove()


@pytest.fixture
def stack(tmp_path, own_postgres):
    stack = Stack(tmp_path, own_postgres)
    try:
        yield stack
    finally:
        stack.stop()
