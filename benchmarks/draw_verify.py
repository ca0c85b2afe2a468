"""The stand-alone verifier on a published 1,000,000-entrant draw.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/virtualrun \\
        python -m benchmarks.draw_verify

Reads the draw that ``python -m benchmarks.draw_snapshot --keep`` left in its database
(<name>_draw_bench; run that first): writes the published entries file to disk, then times
``python -m rewards.verify`` on it in a fresh process, exactly as a participant would run it
(seed, commitment, digest, entropy, k and m as published), and checks its output equals the
stored results. Budget: under 5 s. Exit status 1 when over budget or different, 2 when the
draw database is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TIME_BUDGET_S = 5.0
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    draw_url = urlunsplit(parts._replace(path=parts.path + "_draw_bench"))
    try:
        conn = psycopg.connect(draw_url)
    except psycopg.OperationalError:
        print("no draw database: run python -m benchmarks.draw_snapshot --keep first")
        return 2
    with conn:
        draw = conn.execute(
            "SELECT d.id, d.seed, d.commitment, d.public_entropy, d.winners, d.alternates, "
            "s.digest, s.entries FROM rewards_draw d JOIN rewards_drawsnapshot s "
            "ON s.draw_id = d.id WHERE d.state IN ('drawn', 'finished') "
            "ORDER BY d.id DESC LIMIT 1"
        ).fetchone()
        if draw is None:
            print("no drawn draw: run python -m benchmarks.draw_snapshot --keep first")
            return 2
        draw_id, seed, commitment, entropy, winners, alternates, digest, entries = draw
        expected = [
            f"{rank} {entrant} {role}"
            for rank, entrant, role in conn.execute(
                "SELECT rank, entrant, role FROM rewards_drawresult WHERE draw_id = %s "
                "ORDER BY rank",
                [draw_id],
            )
        ]
    with tempfile.NamedTemporaryFile(suffix=".csv") as published:
        published.write(bytes(entries))
        published.flush()
        command = [
            sys.executable,
            "-m",
            "rewards.verify",
            published.name,
            "--seed",
            bytes(seed).hex(),
            "--winners",
            str(winners),
            "--alternates",
            str(alternates),
            "--commitment",
            commitment,
            "--digest",
            digest,
            f"--entropy={entropy}",
        ]
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            command, capture_output=True, text=True, check=False, cwd=ROOT
        )
        seconds = time.perf_counter() - started
    same = completed.returncode == 0 and completed.stdout.splitlines() == expected
    size_mb = len(bytes(entries)) / 1e6
    print(f"entries file {size_mb:.1f} MB, {len(expected)} ranked")
    print(f"verify              {seconds:7.2f} s   budget < {TIME_BUDGET_S:.0f} s")
    print(f"output equals the stored results: {'PASS' if same else 'FAIL'}")
    if completed.returncode:
        print(completed.stderr.strip())
    return 0 if same and seconds < TIME_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
