"""Profile one page in-process against the seeded bench database (production settings).

    .venv/bin/python -m bench.profile /dashboard/ [--user typical|heavy|anonymous] [-n 50]
                                              [--cached] [--dump FILE]

Profiles the page as rendered (a participant's cached copy is made stale before each
request; ``--cached`` profiles the copy served from the cache instead). Prints the time
per request, the SQL it ran (with each query's time) and cProfile's top functions by
cumulative and by own time; ``--dump FILE`` also writes the raw profile. Run
``python -m bench`` once first (it seeds).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

from bench.__main__ import bench_database_url
from bench.pages import production_env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("path")
    parser.add_argument("--user", default="typical", choices=["typical", "heavy", "anonymous"])
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cached", action="store_true", help="profile cache hits")
    parser.add_argument("--dump", help="also write the raw profile here (for pstats, snakeviz)")
    args = parser.parse_args(argv)

    if os.environ.get("DJANGO_SETTINGS_MODULE") != "config.settings.production":
        bench_url, _ = bench_database_url(os.environ["DATABASE_URL"])
        os.environ.update(production_env(bench_url))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import seed
    from core.personal_pages import personal_pages_changed

    client = Client()
    user = None
    if args.user != "anonymous":
        email = seed.TYPICAL_EMAIL if args.user == "typical" else seed.HEAVY_EMAIL
        user = User.objects.get(email=email)
        client.force_login(user)

    def stale():
        if user is not None and not args.cached:
            personal_pages_changed(user_id=user.pk)

    host = {"HTTP_HOST": "127.0.0.1", "secure": True}
    for _ in range(3):  # the CSRF cookie, the session's owner, a stored page
        client.get(args.path, **host)
    stale()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(args.path, **host)
    print(f"{args.path}: {response.status_code}, {len(response.content):,} bytes")
    for query in queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
    started = time.perf_counter()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        stale()
        client.get(args.path, **host)
    profiler.disable()
    print(f"{(time.perf_counter() - started) / args.n * 1000:.1f} ms per request (profiled)")
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
