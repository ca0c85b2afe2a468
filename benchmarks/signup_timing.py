"""Sign-up answer time for a new address and for one that already has an account.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/virtualrun REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python -m benchmarks.signup_timing [--rounds 9]

With ``ACCOUNT_PREVENT_ENUMERATION`` both answer "check your inbox"; if one answers sooner,
the time alone tells which addresses are registered. Both go through the test client, with
the production password hasher (Django's default PBKDF2) and the test settings otherwise
(email to the in-memory outbox, so no mail server's time blurs the figures).

Works in a throwaway database (<name>_signup_bench), created and dropped here. Each round signs up
one fresh address and one taken address, alternating which goes first; prints the medians.
Budget: the medians differ by less than 10 % of the new-address median. Exit status 1 if not.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

BUDGET_RELATIVE_GAP = 0.10
PASSWORD = "a-long and unusual passphrase"  # noqa: S105 - typed into the form, not a secret


def main():
    parser = argparse.ArgumentParser(prog="python -m benchmarks.signup_timing")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server (see the docstring).")

    from django.contrib.auth.hashers import get_hashers
    from django.test.utils import setup_test_environment

    setup_test_environment()  # in-memory outbox, as in the tests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_hashers.cache_clear()
    settings.ACCOUNT_RATE_LIMITS = False  # many sign-ups from one address, on purpose
    settings.DATABASES["default"]["TEST"]["NAME"] = (
        settings.DATABASES["default"]["NAME"] + "_signup_bench"
    )
    creation = connection.creation
    old_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return run(args.rounds)
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


def run(rounds):
    from django.core import mail
    from django.test import Client

    from accounts.models import User

    def sign_up(email):
        mail.outbox.clear()
        start = time.perf_counter()
        response = Client().post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        seconds = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        assert len(mail.outbox) == 1, len(mail.outbox)
        return seconds

    sign_up("taken@example.org")  # the registered address; also warms up imports and caches
    timings = {"new address": [], "taken address": []}
    for round_number in range(rounds):
        order = [("new address", f"new{round_number}@example.org")]
        order.append(("taken address", "taken@example.org"))
        if round_number % 2:
            order.reverse()
        for label, email in order:
            timings[label].append(sign_up(email))
    assert User.objects.count() == rounds + 1

    medians = {label: statistics.median(values) for label, values in timings.items()}
    for label, values in timings.items():
        print(
            f"{label:<14} median {medians[label] * 1000:7.1f} ms   "
            f"min {min(values) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"
        )
    gap = abs(medians["new address"] - medians["taken address"]) / medians["new address"]
    verdict = "PASS" if gap < BUDGET_RELATIVE_GAP else "FAIL"
    print(
        f"gap {gap:.0%} of the new-address median (budget < {BUDGET_RELATIVE_GAP:.0%})  {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
