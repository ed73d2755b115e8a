"""Start-up time of `dlproofs list` and `dlproofs --help` against a bare `import numpy, scipy, sympy`.

Each command runs as a fresh process, alternating, so both see the same machine load; the script
prints the median and the spread of each and the difference to the bare imports.

    python benchmarks/cli_startup.py [--runs 7]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "import numpy, scipy, sympy": [sys.executable, "-c", "import numpy, scipy, sympy"],
    "dlproofs list": [sys.executable, "-m", "montecarlo.cli", "list"],
    "dlproofs --help": [sys.executable, "-m", "montecarlo.cli", "--help"],
}


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    times = {name: [] for name in COMMANDS}
    for name, command in COMMANDS.items():
        wall_time(command)  # warm the file cache
    for _ in range(runs):
        for name, command in COMMANDS.items():
            times[name].append(wall_time(command))
    bare = statistics.median(times["import numpy, scipy, sympy"])
    print(f"{'command':<28} {'median s':>9} {'min s':>7} {'max s':>7} {'beyond imports s':>17}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<28} {median:9.3f} {min(values):7.3f} {max(values):7.3f} {median - bare:17.3f}")


if __name__ == "__main__":
    main()
