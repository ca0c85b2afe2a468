"""The whole journey in a real browser against the production processes.

gunicorn (production settings), a Celery worker and Celery beat run as subprocesses on this
test's own PostgreSQL and Redis (spare ports, tests/faults/servers.py); email goes to files.
In Chromium: a newcomer signs up, confirms the address from the emailed link, joins, imports
a real GPX run (the worker imports it), logs the week's foot-strength session and so
completes level 1; staff sign in to the admin, schedule the draw on a drand chain, close
its entries and run it with the committed round's signature (the worker draws); the winner
sees the notice and claims; the public page shows the seed, and ``python -m rewards.verify``,
run as that page says on its downloaded entries.csv, ranks the winner first.

The drand chain is the test's own (tests/faults/journey_settings.py): a real round is
always in the past, and the draw needs one after its entries close, seconds from now.
"""

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from email import message_from_bytes, policy

import pytest

from rewards import drand
from tests.conftest import _skip_or_fail
from tests.faults.servers import OwnPostgres, OwnRedis, free_port, wait_until
from tests.integration.test_processes import BIN_DIR, PROJECT_DIR, production_env, start

pytestmark = [pytest.mark.faults, pytest.mark.services, pytest.mark.browser, pytest.mark.slow]

DATABASE = "virtualrun"
GPX = PROJECT_DIR / "tests" / "fixtures" / "activities" / "slither-running.gpx"
RUNNER_EMAIL = "nia@example.org"
RUNNER_PASSWORD = "a-long and unusual passphrase"
STAFF_EMAIL = "organiser@example.org"
STAFF_PASSWORD = "another long staff passphrase"
DRAW_SLUG = "harbour-shoes"

# What the organiser set up before anyone signed up: the active programme, whose week 1
# opened yesterday (ProgrammeFactory: yesterday, 06:00 London) and stays open all test; its
# goal is one run of 5 km and one foot-strength session, for 3 tickets; and the draft draw
# of one pair of shoes. The draw itself is scheduled and run by staff in the admin.
SETUP = """
import django
django.setup()
from exercises import catalogue
from exercises.services import routine_replace
from tests.factories import ProgrammeFactory
from tests.rewards.factories import DrawFactory

programme = ProgrammeFactory(name="Harbour Six", slug="harbour-six")
level = programme.levels.get(number=1)
level.goal_runs, level.goal_distance_m, level.goal_sessions, level.tickets = 1, 5_000, 1, 3
level.save()
routine_replace(level=level, items=catalogue.ROUTINES[1])
DrawFactory(
    prize__programme=programme,
    prize__name="Harbour trail shoes",
    prize__quantity=1,
    slug="harbour-shoes",
    title="Harbour shoes",
    winners=1,
    alternates=0,
)
"""


# The test's drand chain -----------------------------------------------------------------


class OwnChain:
    """A drand chain of quicknet's scheme whose secret key the test holds.

    ``bls-unchained-g1-rfc9380``: the public key is on G2, a round's signature on G1, of
    sha256(round as 8 big-endian bytes) hashed to G1 (rewards/drand.py checks exactly that).
    """

    scheme = drand.SCHEMES["bls-unchained-g1-rfc9380"]
    period = 3

    def __init__(self):
        from py_ecc.bls.g2_primitives import G2_to_signature
        from py_ecc.optimized_bls12_381 import G2, curve_order, multiply

        self.secret = secrets.randbelow(curve_order - 1) + 1
        self.public_key = bytes(G2_to_signature(multiply(G2, self.secret))).hex()
        self.genesis_time = int(time.time()) - 60
        info = {"public_key": self.public_key, "genesis_time": self.genesis_time}
        self.hash = hashlib.sha256(json.dumps(info, sort_keys=True).encode()).hexdigest()

    def info(self):
        return {
            "hash": self.hash,
            "public_key": self.public_key,
            "genesis_time": self.genesis_time,
            "period": self.period,
            "scheme": self.scheme.name,
        }

    def round_time(self, round_number):
        return drand.round_time(
            genesis_time=self.genesis_time, period=self.period, round_number=round_number
        )

    def sign(self, round_number):
        from py_ecc.bls.g2_primitives import G1_to_pubkey
        from py_ecc.bls.hash_to_curve import hash_to_G1
        from py_ecc.optimized_bls12_381 import multiply

        message = drand.round_message(round_number=round_number, chained=False)
        point = hash_to_G1(message, self.scheme.dst, hashlib.sha256)
        return bytes(G1_to_pubkey(multiply(point, self.secret))).hex()


# The stack --------------------------------------------------------------------------------


def run_all(commands, *, env):
    """Run the commands at once (the machine is busy; they do not depend on each other)."""
    running = [
        (
            args,
            subprocess.Popen(
                [sys.executable, *args],
                cwd=PROJECT_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
        for args in commands
    ]
    for args, popen in running:
        output, _ = popen.communicate(timeout=300)
        assert popen.returncode == 0, f"{args[:2]} failed:\n{output}"


class Stack:
    def __init__(self, tmp, chain):
        self.tmp = tmp
        self.chain = chain
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        self.postgres = OwnPostgres()
        self.redis = OwnRedis(tmp)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes = {}

    def env(self):
        env = production_env(self.tmp, redis_url=self.redis.url, mail_dir=self.mail_dir)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.journey_settings",
            JOURNEY_DRAND_CHAIN=json.dumps(self.chain.info()),
            DATABASE_URL=self.postgres.url(DATABASE),
            DJANGO_PRIVATE_ROOT=str(self.tmp / "private"),
            SITE_URL=self.url,
            # The browser speaks plain HTTP to gunicorn on loopback; no proxy in front.
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SUPERUSER_EMAIL=STAFF_EMAIL,
            DJANGO_SUPERUSER_PASSWORD=STAFF_PASSWORD,
        )
        return env

    def start(self):
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database(DATABASE)
        self.redis.start()
        env = self.env()
        run_all(
            [
                ["manage.py", "migrate", "--no-input", "--verbosity", "0"],
                ["manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            ],
            env=env,
        )
        run_all(
            [["manage.py", "createsuperuser", "--no-input", "--verbosity", "0"], ["-c", SETUP]],
            env=env,
        )
        commands = {
            "web": [
                BIN_DIR / "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--no-control-socket",
            ],
            "worker": [
                BIN_DIR / "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                f"--hostname=journey-{secrets.token_hex(4)}@%h",
            ],
            "beat": [
                BIN_DIR / "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                self.tmp / "celerybeat-schedule",
            ],
        }
        for name, args in commands.items():
            self.processes[name] = start(name, [str(a) for a in args], env=env, log_dir=self.tmp)
        worker = self.processes["worker"]
        assert wait_until(self.ready, timeout=30, interval=0.3), self.logs()
        assert wait_until(lambda: " ready." in worker.output(), timeout=60), self.logs()

    def ready(self):
        import http.client

        self.check_alive()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/readyz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def check_alive(self):
        dead = [p.name for p in self.processes.values() if p.popen.poll() is not None]
        assert not dead, f"{', '.join(dead)} exited early\n\n{self.logs()}"

    def logs(self):
        return "\n\n".join(process.tail() for process in self.processes.values())

    def emails(self):
        return [
            message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.mail_dir.iterdir())
        ]

    def stop(self):
        for process in self.processes.values():
            process.stop()
        self.redis.stop()
        self.postgres.remove()


@pytest.fixture
def stack(tmp_path):
    # PostgreSQL refuses root: OwnPostgres runs it as "postgres" through runuser then.
    for program in ("redis-server", "runuser" if os.geteuid() == 0 else "redis-server"):
        if shutil.which(program) is None:
            _skip_or_fail(f"{program} is not installed")
    stack = Stack(tmp_path, OwnChain())
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def browse(_chromium, stack):
    """New browser contexts on the stack; no console error may happen in any of them."""
    contexts, errors = [], []

    def new_page(width=360, height=740):
        context = _chromium.new_context(
            base_url=stack.url,
            viewport={"width": width, "height": height},
            locale="en-GB",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not errors, f"browser console errors: {errors}"


# Steps ------------------------------------------------------------------------------------


def gpx_two_hours_ago(tmp):
    """The real GPX, moved in time so that it starts two hours ago.

    Its run is from October 2020; a programme whose week 1 held it would have ended years
    ago, and the foot-strength session logged today could not count in the same week. So the
    track stays the file's own (every point, every interval between them) and only the
    clock moves (the export time in its metadata, months after the run, becomes now).
    """
    text = GPX.read_text()
    times = [
        dt.datetime.fromisoformat(found) for found in re.findall(r"<time>([^<]+)</time>", text)
    ]
    now = dt.datetime.now(dt.UTC)
    shift = now.replace(microsecond=0) - dt.timedelta(hours=2) - min(times)

    def moved(match):
        moment = min(dt.datetime.fromisoformat(match[1]) + shift, now)
        return f"<time>{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z</time>"

    path = tmp / GPX.name
    path.write_text(re.sub(r"<time>([^<]+)</time>", moved, text))
    return path


def confirmation_path(stack, address):
    """The confirmation link emailed to ``address`` (its path: the host is SITE_URL)."""

    def link():
        for email in stack.emails():
            body = email.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"/accounts/confirm-email/[^/\s]+/", body)
            if email["To"] == address and found:
                return found[0]
        return None

    path = wait_until(link, timeout=10)
    assert path, (stack.logs(), [(e["To"], e["Subject"]) for e in stack.emails()])
    return path


def confirm_and_sign_in(page, stack, address, password):
    page.goto(confirmation_path(stack, address))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    # Confirming in the browser that signed up signs in; anywhere else (the staff account made
    # on the command line) it asks to sign in, with the address filled in.
    if "/accounts/login/" in page.url:
        assert page.get_by_label("Email").input_value() == address
        page.get_by_label("Password:").fill(password)
        page.get_by_role("button", name="Sign In").click()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_up_verify_and_join(page, stack):
    page.goto("/")
    page.get_by_role("link", name="Sign up and join").click()
    page.get_by_label("Email").fill(RUNNER_EMAIL)
    page.get_by_label("Password:", exact=True).fill(RUNNER_PASSWORD)
    page.get_by_label("Password (again)").fill(RUNNER_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    confirm_and_sign_in(page, stack, RUNNER_EMAIL, RUNNER_PASSWORD)
    page.get_by_role("heading", name="Join Harbour Six").wait_for()
    page.get_by_label("Display name:").fill("Nia")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Units").select_option("km")
    page.get_by_label("Country of residence").select_option("GB")
    page.get_by_label("I am 18 or older.").check()
    page.get_by_label("I live in the country I selected").check()
    page.get_by_label("I have read and accept the official rules.").check()
    page.get_by_role("button", name="Join the programme").click()
    page.get_by_role("heading", name="Hello, Nia").wait_for()
    assert page.get_by_test_id("tickets").inner_text() == "0"


def import_the_run(page, gpx):
    page.goto("/runs/import/")
    page.get_by_label("GPX, TCX or FIT files").set_input_files(gpx)
    page.get_by_role("button", name="Upload").click()
    # The worker imports it; the page follows by itself.
    page.locator('[data-state="done"]').wait_for(timeout=30_000)
    page.get_by_text("1 run imported.").wait_for()
    page.get_by_role("link", name=re.compile(r"^6\.9\d km")).click()
    page.get_by_test_id("route-sketch").wait_for()
    assert fits_the_screen(page)


def log_the_session(page):
    page.goto("/sessions/new/?level=1")
    page.get_by_text("Filled in from the week 1 routine").wait_for()
    page.get_by_label("How hard was it?").select_option("4")
    page.get_by_role("button", name="Save session").click()
    page.get_by_text("Session saved: it counts towards week 1").wait_for()


def staff_schedule_close_and_run(page, stack):
    chain = stack.chain
    # The admin signs in through allauth: the superuser made by createsuperuser proves
    # its address first, like everybody.
    page.goto("/admin/")
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password:").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    confirm_and_sign_in(page, stack, STAFF_EMAIL, STAFF_PASSWORD)
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.goto("/admin/rewards/draw/")
    page.get_by_role("link", name="Harbour shoes").click()

    page.get_by_role("link", name="Schedule").click()
    page.get_by_label("Beacon chain").select_option("journey")
    # Entries close in 10 s (the site's zone is UTC); the round is the chain's next one.
    close_by = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=10)
    page.get_by_label("Entries close by").fill(f"{close_by:%Y-%m-%dT%H:%M:%S}")
    page.get_by_role("button", name="Yes, schedule and publish the commitment").click()
    page.get_by_text("Scheduled: the commitment and the beacon are published").wait_for()
    beacon = re.search(rf"drand:{chain.hash}:(\d+)", page.content())
    assert beacon, "the admin does not show the committed beacon"
    round_number = int(beacon[1])
    assert close_by.timestamp() < chain.round_time(round_number) <= close_by.timestamp() + 3

    page.get_by_role("link", name="Close entries").click()
    page.get_by_role("button", name="Yes, close entries").click()
    page.get_by_text("1 entrants, 3 tickets; digest").wait_for()

    # The chain publishes the round at its time; only then is its signature known.
    signature = chain.sign(round_number)
    time.sleep(max(0.0, chain.round_time(round_number) - time.time() + 0.5))
    page.get_by_role("link", name="Run the draw").click()
    # The chain's signature of another round is refused, and nothing is drawn.
    page.get_by_label("Beacon signature").fill(chain.sign(round_number + 1))
    page.get_by_role("button", name="Yes, run the draw").click()
    page.get_by_text(f"This is not the signature of round {round_number} of the").wait_for()
    page.get_by_label("Beacon signature").fill(signature)
    page.get_by_role("button", name="Yes, run the draw").click()
    page.wait_for_url("**/run-state/")
    # rewards.js polls until the worker has drawn.
    page.get_by_text("Drawn. The seed and the result are published.").wait_for(timeout=30_000)
    page.get_by_role("link", name="Back to the draw").click()
    page.get_by_text("Awaiting claim: 1").wait_for()
    return beacon[0], signature


def claim_the_prize(page):
    page.goto("/notices/")
    page.get_by_role("link", name="You won: Harbour trail shoes!").click()
    page.get_by_role("heading", name="Claim your prize").wait_for()
    page.get_by_label("Size system").select_option("eu")
    page.get_by_label("Shoe size").fill("39.5")
    page.get_by_label("Full name").fill("Nia Runner")
    page.get_by_label("Address:", exact=True).fill("1 Harbour Road")
    page.get_by_label("Town or city").fill("Bristol")
    page.get_by_label("Postal code").fill("bs1 4dj")
    page.get_by_label("Phone").fill("+44 117 496 0000")
    page.get_by_role("button", name="Send my claim").click()
    page.get_by_text("Thank you! Your claim is in.").wait_for()
    assert page.get_by_text("Shoe size: EU 39.5").is_visible()
    assert fits_the_screen(page)


def verify_the_public_page(page, tmp, *, chain, beacon, signature):
    """(the verifier's stdout, its stderr), run as the public page says, on its file."""
    page.goto(f"/draws/{DRAW_SLUG}/")
    page.get_by_role("heading", name="Harbour shoes").wait_for()
    seed = page.get_by_test_id("seed").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", seed)
    assert page.get_by_test_id("beacon").inner_text() == beacon
    assert page.get_by_test_id("beacon-signature").inner_text() == signature
    assert page.get_by_test_id("entropy").inner_text() == drand.entropy_for(
        bytes.fromhex(signature)
    )
    assert fits_the_screen(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download entries.csv").click()
    folder = tmp / "verifier"
    folder.mkdir()
    download.value.save_as(folder / "entries.csv")

    command = shlex.split(page.locator("pre.command").inner_text())
    assert command[:4] == ["python", "-m", "rewards.verify", "entries.csv"]
    assert "--seed" in command and seed in command
    assert command[command.index("--beacon-public-key") + 1] == chain.public_key
    # Stand-alone: nothing but the verifier's own package on the path, no Django settings.
    verifier = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=folder,
        env={"PYTHONPATH": str(PROJECT_DIR), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verifier.returncode == 0, verifier.stderr
    return verifier.stdout, verifier.stderr


# The journey ------------------------------------------------------------------------------


def test_sign_up_to_a_verified_prize_draw(tmp_path, stack, browse):
    runner = browse()
    sign_up_verify_and_join(runner, stack)
    import_the_run(runner, gpx_two_hours_ago(tmp_path))
    log_the_session(runner)
    runner.goto("/dashboard/")
    runner.get_by_text("Completed: 3 tickets earned").wait_for()
    assert runner.get_by_test_id("tickets").inner_text() == "3"
    runner.goto("/profile/")
    draw_id = runner.locator('[aria-labelledby="draw-id"] code').first.inner_text()

    beacon, signature = staff_schedule_close_and_run(browse(width=1280, height=900), stack)

    claim_the_prize(runner)
    won = wait_until(
        lambda: [
            e for e in stack.emails() if e["To"] == RUNNER_EMAIL and "You won" in e["Subject"]
        ],
        timeout=20,
    )
    assert won, (stack.logs(), [e["Subject"] for e in stack.emails()])

    stdout, stderr = verify_the_public_page(
        browse(), tmp_path, chain=stack.chain, beacon=beacon, signature=signature
    )
    assert stdout == f"1 {draw_id} winner\n"
    assert f"beacon signature verified: {beacon}" in stderr
    stack.check_alive()
