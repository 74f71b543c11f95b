"""Benchmark: time per ``checker.diagnose`` call, under CPython and under Pyodide/Node.

    .venv/bin/python bench/bench_checker.py [--no-pyodide] [--output bench/results-checker.json]

Prints a table and writes a JSON dict (``run()`` returns the same dict) that a
``bench/run.py`` can merge into ``bench/results.json``. Each sample times a batch
of calls (so timer resolution under Pyodide does not matter); median and p95 are
over samples, per call, in microseconds. Target: median under 50 µs on CPython
for a 29-character key.

The measuring code (``measure``/``run_cases``) is standard library only: the
Pyodide side (bench/bench_checker_pyodide.mjs) runs this very file's functions.
"""

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "bench" / "results-checker.json"
TARGET_MEDIAN_US = 50.0

# (name, text): a valid key as people paste it, and the slower paths.
CASES = [
    ("valid-29", "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH"),
    ("valid-lowercase-29", "s6ab1-cdef2-ghjk3-mnpq4-rstvh"),
    ("checksum-with-suggestions-29", "S6A81-CDEF2-GHJK3-MNPQ4-RSTVH"),
    ("messy-paste", "\ufeff ＳＶAB1ー CDEF2\u200b-GHJK3 MNPQ4−RSTVH\r\n"),
    ("invalid-chars-256", "😀\x00é!" * 64),
    # A huge paste, refused as too long without being read (tests/test_checker_properties.py
    # checks the answer; this measures that it stays cheap).
    ("huge-paste-200000", "😀\x00\ud800" * 66_667),
]


def measure(function, text, samples=200, calls=100):
    """Median and p95 time per call of function(text), in microseconds."""
    for _ in range(calls):  # warm up
        function(text)
    per_call = []
    clock = time.perf_counter
    for _ in range(samples):
        start = clock()
        for _ in range(calls):
            function(text)
        per_call.append((clock() - start) / calls * 1e6)
    per_call.sort()
    return {
        "median_us": round(statistics.median(per_call), 2),
        "p95_us": round(per_call[min(len(per_call) - 1, int(len(per_call) * 0.95))], 2),
        "samples": samples,
        "calls_per_sample": calls,
        "input_length": len(text),
    }


def run_cases(samples=200, calls=100):
    """Measure every case with the importable ``checker``; JSON-ready."""
    import checker

    return {
        "python": platform.python_version(),
        "implementation": f"{platform.python_implementation()} ({sys.platform})",
        "checker_version": checker.__version__,
        "cases": {name: measure(checker.diagnose, text, samples, calls) for name, text in CASES},
    }


def shipped_wheel():
    """The wheel the site ships (build/runtime/, `make runtime`), or None."""
    manifest = ROOT / "build/runtime/manifest.json"
    if not manifest.exists():
        return None
    wheel = ROOT / "build/runtime/pyodide" / json.loads(manifest.read_text(encoding="utf-8"))["wheel"]["file"]
    return wheel if wheel.exists() else None


def run_pyodide(samples, calls):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules/pyodide").exists():
        return {"skipped": "needs node and node_modules (npm ci)"}
    wheel = shipped_wheel()
    if wheel is None:
        return {"skipped": "needs build/runtime/ (make runtime)"}
    result = subprocess.run(
        [node, str(ROOT / "bench/bench_checker_pyodide.mjs"), "--wheel", str(wheel),
         "--samples", str(samples), "--calls", str(calls)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        return {"skipped": f"run failed: {result.stderr.strip()[-500:]}"}
    return json.loads(result.stdout)


def table(results):
    runtimes = [(name, data) for name, data in results["runtimes"].items() if "cases" in data]
    header = f'{"case":<30}' + "".join(f"{name + ' median':>18}{name + ' p95':>15}" for name, _ in runtimes)
    lines = [header, "-" * len(header)]
    for case, _ in CASES:
        row = f"{case:<30}"
        for _, data in runtimes:
            row += f'{data["cases"][case]["median_us"]:>15.1f} µs{data["cases"][case]["p95_us"]:>12.1f} µs'
        lines.append(row)
    for name, data in results["runtimes"].items():
        if "skipped" in data:
            lines.append(f"{name}: skipped ({data['skipped']})")
    lines.append(f'target: median < {TARGET_MEDIAN_US:g} µs on CPython for valid-29 → '
                 f'{"met" if results["meets_target"] else "NOT met"}')
    return "\n".join(lines)


def run(output=DEFAULT_OUTPUT, pyodide=True, samples=200, calls=100):
    sys.path.insert(0, str(ROOT))
    results = {
        "benchmark": "checker.diagnose time per call",
        "unit": "microseconds",
        "target_median_us": TARGET_MEDIAN_US,
        "runtimes": {"cpython": run_cases(samples, calls)},
    }
    if pyodide:
        results["runtimes"]["pyodide"] = run_pyodide(samples, calls)
    results["meets_target"] = results["runtimes"]["cpython"]["cases"]["valid-29"]["median_us"] < TARGET_MEDIAN_US
    if output:
        Path(output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pyodide", action="store_true", help="measure CPython only")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where to write the JSON results")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--calls", type=int, default=100, help="calls per sample")
    args = parser.parse_args(argv)
    results = run(args.output, not args.no_pyodide, args.samples, args.calls)
    print(table(results))
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
