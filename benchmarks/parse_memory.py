"""Peak memory of parsing hostile activity files: many activities, each nearly free to write.

    python -m benchmarks.parse_memory

Cases (generated, see ``tests.imports.synthetic``):

* ``gpx-empty-tracks``: as many empty ``<trk/>`` as fit in the upload limit (3.49 million,
  20 MB). Before activities were counted while streaming, this took 800 MB.
* ``tcx-empty-activities``: as many empty ``<Activity Sport="Running"/>`` as fit (775,000).
* ``fit-sessions``: 499,999 sessions and no records (13.5 MB), just under the FIT message cap.
* ``gpx-one-huge-tag``: a ``<gpx>`` start tag of 1.6 million attributes (20 MB; took 420 MB).
* ``gpx-distinct-names``: 3 million empty elements of distinct names (20 MB; took 270 MB:
  expat keeps every name it meets).
* ``gpx-50k`` (a real-sized run, for comparison): 50,000 track points, 10 MB, accepted.

Budget: a worker must never grow past 200 MB, whatever file within the upload limit it reads.

How it is measured: each case runs in a fresh child process that imports the parser, opens the
generated file and hands the stream to ``parse_activity_file``, as the import task does. The
figure judged is the child's peak resident memory (``ru_maxrss``), which includes the
interpreter, the libraries and the file's bytes; the RSS before parsing is printed beside it.
Whether the file is accepted or refused does not matter here, only what reading it costs.

Exit status 1 when a case is over budget.
"""

from __future__ import annotations

import argparse
import itertools
import json
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as "python benchmarks/parse_memory.py"
    sys.path.insert(0, str(ROOT))

from benchmarks import peak_rss_mb  # noqa: E402 - needs the project root on the path

MEMORY_BUDGET_MB = 200.0


def _child(path: str) -> None:
    """Parse one file; print a JSON line. Runs in its own process."""
    from imports.activity_files import ActivityFileError, parse_activity_file

    rss_before = peak_rss_mb()
    start = time.perf_counter()
    with open(path, "rb") as stream:
        try:
            runs = parse_activity_file(stream)
            outcome = f"accepted: {len(runs)} run(s)"
        except ActivityFileError as error:
            outcome = f"refused: {error.message}"
    print(
        json.dumps(
            {
                "bytes": Path(path).stat().st_size,
                "seconds": time.perf_counter() - start,
                "rss_before_mb": rss_before,
                "rss_peak_mb": peak_rss_mb(),
                "outcome": outcome,
            }
        )
    )


def _measure(path: Path) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed argv
        [sys.executable, "-m", "benchmarks.parse_memory", "--child", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _cases(folder: Path) -> list[tuple[str, Path]]:
    from imports.activity_files import MAX_FILE_BYTES
    from tests.imports.synthetic import (
        empty_activities_tcx,
        empty_tracks_gpx,
        sessions_fit,
        synthetic_gpx,
    )

    def most_that_fit(make) -> int:
        """How many activities ``make(count)`` holds at the upload limit (it grows linearly)."""
        frame = len(make(0))
        each = len(make(1)) - frame
        return (MAX_FILE_BYTES - frame) // each

    def huge_tag() -> bytes:
        head = b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"'
        count = (MAX_FILE_BYTES - len(head) - 2) // 13
        return head + b"".join(b' a%08x=""' % i for i in range(count)) + b"/>"

    def distinct_names() -> bytes:
        head = b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        first = string.ascii_letters.encode()
        rest = (string.ascii_letters + string.digits).encode()
        count = (MAX_FILE_BYTES - len(head) - 6) // 7
        names = (bytes((a, b, c, d)) for a in first for b in rest for c in rest for d in rest)
        return (
            head + b"".join(b"<%s/>" % name for name in itertools.islice(names, count)) + b"</gpx>"
        )

    files = {
        "gpx-empty-tracks.gpx": empty_tracks_gpx(most_that_fit(empty_tracks_gpx)),
        "tcx-empty-activities.tcx": empty_activities_tcx(most_that_fit(empty_activities_tcx)),
        # one message short of MAX_FIT_MESSAGES with the file_id: the most sessions allowed
        "fit-sessions.fit": sessions_fit(499_999),
        "gpx-one-huge-tag.gpx": huge_tag(),
        "gpx-distinct-names.gpx": distinct_names(),
        "gpx-50k.gpx": synthetic_gpx(50_000),
    }
    cases = []
    for name, data in files.items():
        assert len(data) <= MAX_FILE_BYTES, name
        path = folder / name
        path.write_bytes(data)
        cases.append((path.stem, path))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parse_memory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0

    print(f"budget per file: < {MEMORY_BUDGET_MB:.0f} MB peak RSS of the worker process")
    header = f"{'case':<22} {'size':>8} {'time':>7} {'rss before':>11} {'rss peak':>9}  verdict"
    print(header)
    print("-" * len(header))
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in _cases(Path(tmp)):
            m = _measure(path)
            over = m["rss_peak_mb"] >= MEMORY_BUDGET_MB
            failed = failed or over
            print(
                f"{name:<22} {m['bytes'] / 2**20:6.1f}MB {m['seconds']:6.2f}s "
                f"{m['rss_before_mb']:9.1f}MB {m['rss_peak_mb']:7.1f}MB  {'FAIL' if over else 'PASS'}"
            )
            print(f"{'':<22} -> {m['outcome'][:110]}")
    print("OVER BUDGET" if failed else "all cases PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
