"""The Docker deployment as files: docker-compose.yml, deploy/Caddyfile and the Dockerfile.

Docker and Caddy do not run in CI, so these read the files and hold them to what the app
needs (the upload limit, one trusted proxy, private files never served, health checks that
check something). Beat's heartbeat is also tested for real in tests/integration.
"""

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings
from django.utils.module_loading import import_string

from config.beat import MAX_AGE_S, HeartbeatScheduler, heartbeat_path, main
from imports.uploads import MAX_REQUEST_BYTES

ROOT = Path(__file__).resolve().parents[1]
LONG_RUNNING = ["db", "redis", "proxy", "web", "worker", "beat"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def caddyfile():
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    # Comments out: the assertions below are about directives.
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines())


def size_in_bytes(text):
    """A Caddy size ("64MiB", "70MB"): MiB is 2**20, MB 10**6."""
    number, unit = re.fullmatch(r"(\d+)([KMG]i?B)", text).groups()
    powers = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
    return int(number) * powers[unit]


# docker-compose.yml --------------------------------------------------------------------


def test_only_the_proxy_publishes_ports(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {port.split("/")[0] for port in services["proxy"]["ports"]} == {"80:80", "443:443"}
    assert "8000" in [str(port) for port in services["web"]["expose"]]


def test_the_proxy_is_the_official_caddy_image_pinned_to_a_version(services):
    assert re.fullmatch(r"caddy:2\.\d+\.\d+(-alpine)?", services["proxy"]["image"])


def test_the_proxy_serves_media_read_only_and_never_sees_private_files(services):
    volumes = services["proxy"]["volumes"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in volumes
    assert "media:/srv/media:ro" in volumes
    assert not [volume for volume in volumes if volume.startswith("private:")]
    # The app writes the same volume where MEDIA_ROOT points.
    assert "media:/app/var/media" in services["web"]["volumes"]
    assert services["web"]["environment"]["DJANGO_MEDIA_ROOT"] == "/app/var/media"


def test_caddy_keeps_its_certificates_in_a_volume(compose, services):
    assert "caddy-data:/data" in services["proxy"]["volumes"]
    assert "caddy-data" in compose["volumes"]


def test_the_app_trusts_exactly_the_one_proxy_in_front(services):
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"] == "1"


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_long_running_service_is_restarted(services, name):
    assert services[name]["restart"] == "unless-stopped"


def test_the_one_off_migration_is_not_restarted(services):
    assert services["migrate"]["restart"] == "no"


def test_the_worker_health_check_pings_the_node_its_command_names(services):
    worker = services["worker"]
    node = next(arg for arg in worker["command"] if arg.startswith("--hostname="))
    assert node == "--hostname=worker@%h"
    check = worker["healthcheck"]["test"]
    assert check[0] == "CMD-SHELL"
    # $$ is compose's literal $: the shell sees $HOSTNAME, the name %h stands for.
    assert "celery -A config inspect ping" in check[1]
    assert "-d worker@$$HOSTNAME" in check[1]


def test_the_beat_health_check_reads_the_heartbeat_of_its_schedule_file(services):
    beat = services["beat"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]
    check = beat["healthcheck"]["test"]
    assert check[0] == "CMD-SHELL"
    assert f"python -m config.beat {schedule}" in check[1]
    assert beat["healthcheck"]["interval"] and beat["healthcheck"]["retries"] >= 1


# deploy/Caddyfile ----------------------------------------------------------------------


def test_the_proxy_body_limit_admits_the_largest_upload_the_app_takes(caddyfile):
    max_size = re.search(r"request_body\s*\{\s*max_size\s+(\S+)\s*\}", caddyfile).group(1)
    limit = size_in_bytes(max_size)
    assert limit >= MAX_REQUEST_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # ... with a margin, not a door: at most 16 MiB over.
    assert limit <= MAX_REQUEST_BYTES + 16 * 2**20


def test_requests_are_buffered_whole_before_they_reach_gunicorn(caddyfile):
    block = re.search(r"reverse_proxy\s+web:8000\s*\{(.*?)\}", caddyfile, re.S).group(1)
    buffers = re.search(r"request_buffers\s+(\S+)", block).group(1)
    max_size = re.search(r"max_size\s+(\S+)", caddyfile).group(1)
    assert size_in_bytes(buffers) >= size_in_bytes(max_size)


def test_media_is_served_from_the_volume_and_nothing_else_is(caddyfile):
    media = re.search(r"handle /media/\*\s*\{(.*?)\n\t\}", caddyfile, re.S).group(1)
    # root /srv + the request path /media/... = /srv/media/..., the mounted volume.
    assert re.search(r"root \* /srv\s", media)
    assert "file_server" in media and "browse" not in media
    assert "sandbox" in media  # an uploaded SVG or HTML cannot run script as the site
    assert "private" not in caddyfile


def test_the_site_address_comes_from_the_environment_with_internal_tls_for_localhost(caddyfile):
    assert re.search(r"^\{\$SITE_ADDRESS:localhost\} \{", caddyfile, re.M)
    assert "tls {$CADDY_TLS:internal}" in caddyfile


def test_static_files_go_to_the_app_which_serves_them_with_whitenoise(caddyfile):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert "/static/" not in caddyfile  # no handle of its own: the catch-all proxies it


# Dockerfile ----------------------------------------------------------------------------


def test_the_image_makes_the_volume_folders_owned_by_the_app_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    run = dockerfile[: dockerfile.index("USER app")]
    assert "mkdir -p /app/var/media /app/var/private" in run
    assert "chown -R app:app /app/var" in run


# Beat's heartbeat ----------------------------------------------------------------------


def test_beat_uses_the_heartbeat_scheduler():
    assert import_string(settings.CELERY_BEAT_SCHEDULER.replace(":", ".")) is HeartbeatScheduler
    # It wakes at least this often, so a healthy beat's heartbeat is never stale.
    assert settings.CELERY_BEAT_MAX_INTERVAL * 2 < MAX_AGE_S


def test_each_pass_over_the_schedule_touches_the_heartbeat(tmp_path):
    app = Celery("heartbeat-test", broker="memory://", set_as_current=False)
    app.conf.beat_schedule = {}
    schedule = tmp_path / "celerybeat-schedule"
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(schedule))
    try:
        assert not heartbeat_path(schedule).exists()
        assert main([str(schedule)]) == 1
        scheduler.tick()
        assert heartbeat_path(schedule).exists()
        assert main([str(schedule)]) == 0
    finally:
        scheduler.close()


def test_the_health_check_fails_on_a_stale_heartbeat(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    heartbeat_path(schedule).touch()
    stale = time.time() - MAX_AGE_S - 5
    os.utime(heartbeat_path(schedule), (stale, stale))
    result = subprocess.run(
        [sys.executable, "-m", "config.beat", str(schedule)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "beat last woke" in result.stderr


def test_the_beat_health_check_command_runs_as_written(services, tmp_path):
    """The compose check's first half, run here with the schedule path swapped."""
    command = services["beat"]["healthcheck"]["test"][1].split("&&")[0].strip()
    args = shlex.split(command)
    schedule = tmp_path / "celerybeat-schedule"
    heartbeat_path(schedule).touch()
    args[-1] = str(schedule)
    args[0] = sys.executable
    assert subprocess.run(args, cwd=ROOT, timeout=60).returncode == 0
