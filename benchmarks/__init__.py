"""Benchmarks: run each as ``python -m benchmarks.<name>`` from the project root."""

import resource
import sys


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB.

    On Linux this is VmHWM, the high-water mark of this program's own memory. ``ru_maxrss``
    is a fallback only: Linux carries it over from the parent through fork and exec, so a child
    started by a benchmark that holds 100 MB of generated files would report at least that.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is KiB on Linux, bytes on macOS.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def past_beacon_round() -> dict:
    """A real, published quicknet round (tests/fixtures/drand/rounds.json), with its time.

    A benchmark's draw is scheduled and closed "before" it and run with its published
    signature, as the spec requires, without a network.
    """
    import datetime
    import json
    from pathlib import Path

    from rewards import drand

    rounds = json.loads(
        (Path(__file__).parents[1] / "tests" / "fixtures" / "drand" / "rounds.json").read_text()
    )
    found = next(r for r in rounds["rounds"] if r["chain"] == "quicknet")
    info = rounds["chains"]["quicknet"]
    at = drand.round_time(
        genesis_time=info["genesis_time"], period=info["period"], round_number=found["round"]
    )
    return {**found, "at": datetime.datetime.fromtimestamp(at, datetime.UTC)}
