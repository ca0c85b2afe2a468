"""The bench's prepare phase at a small scale: the command README gives works on a fresh
database with production settings (the full 100,000-participant seed only differs in size).

It migrates a database of its own, seeds a small campaign in bulk, re-checks a sample through
the progress service, and counts each page's queries as the bench reports them: the
query budget (issue #13) holds at this size as at full scale (bench/results/).
"""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from bench.__main__ import MAX_QUERIES, prepared_bench
from bench.pages import production_env
from tests.integration.test_processes import process_redis_url

pytestmark = [pytest.mark.services, pytest.mark.slow]

PARTICIPANTS = 300


@pytest.fixture
def bench_database_url():
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"{os.environ.get('TEST_NAMESPACE', '')}bench_prepare_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_it_seeds_a_consistent_campaign_and_every_page_keeps_the_query_budget(
    bench_database_url, tmp_path
):
    env = {
        **production_env(bench_database_url),
        "REDIS_URL": process_redis_url(),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    prepared = prepared_bench(env, PARTICIPANTS)

    counts = prepared["counts"]
    assert counts["participants"] == PARTICIPANTS
    assert counts["runs"] > PARTICIPANTS * 10
    assert prepared["consistency"]["consistent"] is True
    assert prepared["consistency"]["sampled_participants"] > 0
    assert len(prepared["cookies"]) == 32
    for page, by_user in prepared["queries"].items():
        for user, queries in by_user.items():
            if queries is not None:
                assert queries <= MAX_QUERIES, (page, user, queries)
    assert prepared["queries"]["/healthz"]["anonymous"] == 0
