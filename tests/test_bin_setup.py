"""bin/setup, run by `make run` and `make test` each time: it installs uv once, not every run.

A stand-in uv in pip's --user folder (PYTHONUSERBASE, off PATH as ~/.local/bin often is)
records what it is asked; the real uv is never called and nothing is downloaded.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

SETUP = Path(settings.BASE_DIR) / "bin" / "setup"


def _path_without_uv():
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(
        folder for folder in folders if not shutil.which("uv", path=folder) and folder
    )


def _run_setup(env):
    return subprocess.run(
        ["bash", str(SETUP)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_it_finds_uv_in_the_user_folder_off_path_and_installs_nothing(tmp_path):
    user_bin = tmp_path / "userbase" / "bin"
    user_bin.mkdir(parents=True)
    calls = tmp_path / "uv-calls"
    fake_uv = user_bin / "uv"
    fake_uv.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake_uv.chmod(0o755)
    env = {
        **os.environ,
        "PATH": _path_without_uv(),
        "PYTHONUSERBASE": str(tmp_path / "userbase"),
        "HOME": str(tmp_path),
    }

    first, second = _run_setup(env), _run_setup(env)

    for result in (first, second):
        assert result.returncode == 0, result.stderr
        assert "Installing uv" not in result.stdout + result.stderr
    assert calls.read_text().count("sync --locked") == 2
