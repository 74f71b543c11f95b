"""Run every benchmark in bench/ and merge their results into bench/results.json.

Each ``bench/bench_*.py`` writes ``bench/results-<name>.json`` (``bench_widget.py`` →
``results-widget.json``); this runs them one after another (they share two cores, so
never in parallel) and merges the files under their names. `make bench` calls it.
"""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main():
    failed = []
    for script in sorted(BENCH.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)]).returncode != 0:
            failed.append(script.name)
    merged = {}
    for path in sorted(BENCH.glob("results-*.json")):
        merged[path.stem[len("results-"):]] = json.loads(path.read_text(encoding="utf-8"))
    (BENCH / "results.json").write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"bench/results.json: {', '.join(merged)}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
