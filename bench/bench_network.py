"""The key checker on real connections: time to ready under Chromium's network emulation.

Builds the real site and serves it from a compressing server: nginx with the project's
deploy configuration when tools/web_servers.py is there (``serve("nginx", …,
config="deploy")``), else tools/site_server.py (gzip). Each cold load starts with nothing
cached (see below), with ``Network.emulateNetworkConditions`` set on the page's CDP
session after ``Network.enable`` (Chromium applies it to the page's dedicated workers'
downloads too), for these profiles (down/up Mbit/s, round trip):

    none      no throttling
    cable     50 / 10, 20 ms
    fast-4g   9 / 1.5, 85 ms
    slow-4g   1.6 / 0.75, 150 ms

on both checker pages (/en/checker/, /en/entering-keys/), for the start as shipped
("auto": key-checker-unpacker.js chooses snapshot or plain by the connection; the row
says which it chose) and for each start forced ("snapshot", "plain": the unpacker's URL
gets ``&start=…``), plus "fallback" (the unpacker refused: the plain start key-checker.js
runs on its own after a failure, fetching its files itself).
Per load: the time from navigation start to the ``key-checker-ready`` mark, the bytes of
every request (body + headers, as Chromium counts them on the wire), the network's floor
(those bytes ÷ the profile's bandwidth: no start can be ready sooner), and the CPU time
after the last byte (the ready mark minus the end of the last runtime download). Then the
return visit: the same browser loads the page again once the first load has settled (and
the unpacker has stored the runtime: issue 22): ready time, the copy of the binary taken
("stored": the runtime's store) and runtime bytes downloaded again (0 when every runtime
file came from a cache). Each cold load runs in a new browser profile on disk, as a
reader's browser has one (its HTTP cache, its code cache for scripts, Cache Storage);
``--incognito`` uses a fresh in-memory context instead (no code cache at all).
Last, unthrottled, the bytes of a cold visit on a host that compresses nothing.

The phone rows (``--phone``, on by default): the start as shipped on fast 4G with the CPU
PHONE_CPU_SLOWDOWN times slower, cold and return. CDP's ``Emulation.setCPUThrottlingRate``
cannot do it: it slows the page's main thread only, and Chromium 156 refuses it on a
worker's own session ("Operation is only supported for pages, not workers"; tried through
``Target.setAutoAttach``), while the checker's work runs in two workers. So a second
browser runs in a Linux cgroup (v1 ``cpu`` or v2) whose CPU quota is 1/PHONE_CPU_SLOWDOWN of
this machine's cores: work spread over every core runs that much slower (a single busy
thread less so). Needs root and the cgroup ``cpu`` controller; otherwise the rows are skipped
and the table says so.

    .venv/bin/python bench/bench_network.py [--runs 3] [--profiles none,cable,fast-4g,slow-4g]
        [--pages checker,entering-keys] [--modes snapshot,plain] [--no-phone] [--incognito]
        [--output bench/results-network.json]

Slow 4G takes 20-60 s a load: the full run takes a while. Numbers on a shared,
loaded machine are noisy (CPU after the last byte most of all).
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM_ARGS, force_start  # noqa: E402
from site_server import ServedSite  # noqa: E402

from readiness import wait_ready  # noqa: E402  (bench/, next to this script)

DEFAULT_OUTPUT = ROOT / "bench" / "results-network.json"
# name: (down Mbit/s, up Mbit/s, round trip ms); None: no throttling
PROFILES = {
    "none": None,
    "cable": (50, 10, 20),
    "fast-4g": (9, 1.5, 85),
    "slow-4g": (1.6, 0.75, 150),
}
PAGES = {"checker": "en/checker/", "entering-keys": "en/entering-keys/"}
MODES = ("auto", "snapshot", "plain", "fallback")
# Issue 22's goals (ready, ms), cold and on the return visit; cable has none there: its cold
# goal is issue 12's, its return goal between loopback's and fast 4G's.
GOALS_MS = {"none": 1000, "cable": 1500, "fast-4g": 4500, "slow-4g": 20000}
RETURN_GOALS_MS = {"none": 600, "cable": 700, "fast-4g": 800, "slow-4g": 1000}
BYTES_GOALS = {"compressing_host": 4.0e6, "no_compression": 6.0e6}
RUNTIME_PATH = "/assets/pyodide/"
SETTLE_MS = 1500
PHONE_CPU_SLOWDOWN = 4
PHONE_PROFILE = "fast-4g"


def site_server(folder, compress):
    """(base URL, closer): nginx with the deploy configuration if the project has it, else site_server.py."""
    site = ServedSite(folder, compress=compress)
    stack = contextlib.ExitStack()
    stack.callback(site.close)
    server = "site_server.py (gzip)" if compress else "site_server.py (no compression)"
    url = site.url
    if compress:
        try:
            from web_servers import DEPLOY, serve  # noqa: PLC0415
        except ImportError:
            DEPLOY, serve = None, None
        # Stock nginx serves .mjs as application/octet-stream (the checker cannot start):
        # only the project's deploy configuration will do.
        if serve is not None and (DEPLOY / "nginx" / "help-site.conf").exists() and shutil.which("nginx"):
            # The built site knows its own address (site.url); nginx serves the same files.
            url = stack.enter_context(serve("nginx", site.dir, config="deploy"))
            server = "nginx (deploy configuration)"
    return url, server, stack


@contextlib.contextmanager
def slowed_chromium(chromium, folder, slowdown=PHONE_CPU_SLOWDOWN):
    """A launcher that runs `chromium` in a new cgroup with 1/`slowdown` of this machine's CPU
    time (its children stay in it), or None where no cgroup CPU controller can be used."""
    period = 100_000  # microseconds
    quota = period * (os.cpu_count() or 1) // slowdown
    v1, v2 = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup")
    group = None
    try:
        if (v1 / "cpu.cfs_quota_us").exists():
            group = v1 / f"bench-phone-{os.getpid()}"
            group.mkdir()
            (group / "cpu.cfs_period_us").write_text(str(period))
            (group / "cpu.cfs_quota_us").write_text(str(quota))
        elif "cpu" in (v2 / "cgroup.controllers").read_text().split():
            (v2 / "cgroup.subtree_control").write_text("+cpu")
            group = v2 / f"bench-phone-{os.getpid()}"
            group.mkdir()
            (group / "cpu.max").write_text(f"{quota} {period}")
    except OSError:
        group = None
    if group is None:
        yield None
        return
    launcher = Path(folder) / "chromium-in-cgroup"
    launcher.write_text(f'#!/bin/sh\necho $$ > "{group}/cgroup.procs"\nexec "{chromium}" "$@"\n')
    launcher.chmod(0o755)
    try:
        yield str(launcher)
    finally:
        for _ in range(50):  # the browser's processes leave it as they exit
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)


def throttle(context, page, profile):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if PROFILES[profile]:
        down, up, rtt = PROFILES[profile]
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt,
            "downloadThroughput": down * 1e6 / 8, "uploadThroughput": up * 1e6 / 8,
        })
    return cdp


class Recorder:
    """Every finished request of a context: its path, bytes on the wire and end time."""

    def __init__(self, context, base):
        self.base = base
        self.requests = []
        context.on("requestfinished", self.finished)

    def finished(self, request):
        try:
            sizes = request.sizes()
            timing = request.timing
        except Exception:  # noqa: BLE001  (the context closed under it)
            return
        end = timing["startTime"] + timing["responseEnd"] if timing["responseEnd"] >= 0 else None
        path = request.url.replace(self.base, "/").split("?")[0]
        self.requests.append({"path": path, "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                              "end": end})

    def take(self):
        taken, self.requests = self.requests, []
        return taken


def summarize(requests, mark):
    ready_epoch = mark["origin"] + mark["ms"]
    # The runtime's files the start took (the snapshot a plain return visit fetches for the
    # next visit comes after "ready": counted apart).
    after = [r for r in requests if RUNTIME_PATH in r["path"] and r["end"] is not None and r["end"] > ready_epoch]
    runtime = [r for r in requests if RUNTIME_PATH in r["path"] and r not in after]
    ends = [r["end"] for r in runtime if r["end"] is not None]
    return {
        "runtime_bytes_after_ready": sum(r["bytes"] for r in after),
        "ready_ms": round(mark["ms"]),
        "mode": mark["mode"],
        "binary": mark.get("binary"),
        "bytes": sum(r["bytes"] for r in requests),
        "runtime_bytes": sum(r["bytes"] for r in runtime),
        "requests": len(requests),
        "cpu_after_last_byte_ms": round(ready_epoch - max(ends)) if ends else None,
        "per_request": sorted(((r["path"], r["bytes"]) for r in requests), key=lambda x: -x[1]),
    }


class Contexts:
    """Fresh browser contexts for cold loads: each a new browser with a new profile on disk
    (a reader's browser: HTTP cache, code cache, Cache Storage), or with `incognito`, a new
    in-memory context of one browser. `executable`: Chromium, or a launcher that runs it."""

    def __init__(self, playwright, executable, incognito=False):
        self.playwright, self.executable = playwright, executable
        self.browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS) if incognito else None

    @contextlib.contextmanager
    def fresh(self):
        if self.browser:
            context = self.browser.new_context()
            try:
                yield context
            finally:
                context.close()
            return
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
            context = self.playwright.chromium.launch_persistent_context(
                profile, executable_path=self.executable, args=CHROMIUM_ARGS, headless=True)
            try:
                yield context
            finally:
                context.close()

    def close(self):
        if self.browser:
            self.browser.close()


def one_visit(contexts, base, page_path, profile, mode, timeout):
    """A cold load, the return visit and a later one in the same browser."""
    with contexts.fresh() as context:
        if mode != "auto":
            force_start(context, mode)
        recorder = Recorder(context, base)
        page = context.new_page()
        throttle(context, page, profile)
        page.goto(base + page_path, wait_until="commit", timeout=timeout * 1000)
        mark = wait_ready(page, timeout)
        page.wait_for_timeout(SETTLE_MS)  # the unpacker stores the runtime once ready
        cold = summarize(recorder.take(), mark)
        page.goto(base + page_path, wait_until="commit", timeout=timeout * 1000)
        mark = wait_ready(page, timeout)
        page.wait_for_timeout(300)
        if mode == "auto" and mark["mode"] == "plain":
            # After a plain return visit the unpacker downloads the snapshot for the next one
            # (2.9 MB: 15 s on slow 4G): the reader stays on the page until it is stored.
            wait_for_stored_snapshot(page, timeout)
        again = summarize(recorder.take(), mark)
        page.goto(base + page_path, wait_until="commit", timeout=timeout * 1000)
        mark = wait_ready(page, timeout)
        page.wait_for_timeout(300)
        later = summarize(recorder.take(), mark)
    expected = {"auto": None, "fallback": "plain"}.get(mode, mode)
    if expected and {cold["mode"], again["mode"], later["mode"]} != {expected}:
        raise RuntimeError(f"asked for the {mode} start, got {cold['mode']}, {again['mode']}, {later['mode']}")
    return cold, again, later



STORED_SNAPSHOT = """async () => {
    for (const name of await caches.keys()) {
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => r.url.endsWith('/stored/snapshot.bin'))) return true;
    }
    return false;
}"""


def wait_for_stored_snapshot(page, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not page.evaluate(STORED_SNAPSHOT):
        page.wait_for_timeout(250)


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values)) if values else None


def floor_ms(total_bytes, profile):
    """The network's floor: `total_bytes` at the profile's bandwidth (None unthrottled)."""
    if not PROFILES[profile]:
        return None
    return round(total_bytes * 8 / (PROFILES[profile][0] * 1e6) * 1000)


def measure(contexts, base, page_path, profile, mode, runs):
    timeout = 240 if profile == "slow-4g" else 120
    colds, returns, laters = [], [], []
    for _ in range(runs):
        cold, again, later = one_visit(contexts, base, page_path, profile, mode, timeout)
        colds.append(cold)
        returns.append(again)
        laters.append(later)
    last = colds[-1]
    return {
        "cold_ms": [c["ready_ms"] for c in colds],
        "cold_median_ms": median([c["ready_ms"] for c in colds]),
        "started": sorted({c["mode"] for c in colds}),
        "binary": sorted({str(c["binary"]) for c in colds}),
        "return_binary": sorted({str(r["binary"]) for r in returns}),
        "return_started": sorted({r["mode"] for r in returns}),
        "cpu_after_last_byte_median_ms": median([c["cpu_after_last_byte_ms"] for c in colds]),
        "bytes": last["bytes"], "runtime_bytes": last["runtime_bytes"], "requests": last["requests"],
        "floor_ms": floor_ms(last["bytes"], profile),
        "per_request": last["per_request"],
        "return_ms": [r["ready_ms"] for r in returns],
        "return_median_ms": median([r["ready_ms"] for r in returns]),
        "return_runtime_bytes": max(r["runtime_bytes"] for r in returns),
        "return_runtime_bytes_after_ready": max(r["runtime_bytes_after_ready"] for r in returns),
        "return_per_request": [x for x in returns[-1]["per_request"] if RUNTIME_PATH in x[0]],
        "later_ms": [r["ready_ms"] for r in laters],
        "later_median_ms": median([r["ready_ms"] for r in laters]),
        "later_started": sorted({r["mode"] for r in laters}),
        "later_runtime_bytes": max(r["runtime_bytes"] for r in laters),
    }


def uncompressed_bytes(contexts, pages, modes):
    with tempfile.TemporaryDirectory() as folder:
        base, server, stack = site_server(folder, compress=False)
        with stack:
            out = {}
            for name, page_path in pages.items():
                for mode in modes:
                    cold, _, _ = one_visit(contexts, base, page_path, "none", mode, 120)
                    out[f"{name}/{mode}"] = {"bytes": cold["bytes"], "runtime_bytes": cold["runtime_bytes"],
                                             "per_request": cold["per_request"][:8]}
    return {"server": server, "loads": out}


def phone_rows(playwright, chromium, pages, runs, incognito):
    """The start as shipped on PHONE_PROFILE, in a browser with PHONE_CPU_SLOWDOWN times less CPU."""
    with tempfile.TemporaryDirectory() as folder, slowed_chromium(chromium, folder) as launcher:
        if launcher is None:
            return {"skipped": "no cgroup CPU controller this process may use (root, cgroup v1 cpu or v2)"}
        contexts = Contexts(playwright, launcher, incognito)
        try:
            with tempfile.TemporaryDirectory() as site_folder:
                base, server, stack = site_server(site_folder, compress=True)
                with stack:
                    out = {"slowdown": PHONE_CPU_SLOWDOWN, "server": server, "loads": {}}
                    for name, page_path in pages.items():
                        print(f"  {name} auto {PHONE_PROFILE}, CPU {PHONE_CPU_SLOWDOWN}x slower…", flush=True)
                        row = measure(contexts, base, page_path, PHONE_PROFILE, "auto", runs)
                        out["loads"][f"{name}/auto/{PHONE_PROFILE}/phone-cpu"] = {
                            "page": name, "mode": "auto", "profile": PHONE_PROFILE, **row}
                        print(f"    ready {row['cold_ms']} ms, return {row['return_ms']} ms", flush=True)
                    return out
        finally:
            contexts.close()


def row_line(row, profile_label, cold_goal, return_goal):
    started = row["page"] + "/" + row["mode"] + "→" + "+".join(row["started"])
    returned = "+".join(b.replace("None", "?") for b in row["return_binary"])
    floor = f"{row['floor_ms'] / 1000:.1f} s" if row.get("floor_ms") else "—"
    return (f"  {started:26}{profile_label:>13}{row['cold_median_ms']:>8} ms{cold_goal:>8}{floor:>8}"
            f"{row['cpu_after_last_byte_median_ms'] or 0:>8} ms{row['bytes'] / 1e6:>6.2f}"
            f"{row['return_median_ms']:>8} ms{row['later_median_ms']:>8} ms{return_goal:>8}"
            f"{max(row['return_runtime_bytes'], row['later_runtime_bytes']):>7}  {returned} → "
            f"{'+'.join(row['return_started'])}, {'+'.join(row['later_started'])}")


def table(results):
    kind = "in-memory contexts" if results.get("incognito") else "a new on-disk profile per cold load"
    lines = [f"key checker on emulated networks ({results['server']}; {kind}; medians of {results['runs']})",
             f"  {'page/start':26}{'profile':>13}{'cold':>11}{'goal':>8}{'floor':>8}{'CPU↓':>11}{'MB':>6}"
             f"{'return':>11}{'later':>11}{'goal':>8}{'re-dl':>7}  return's binary → starts",
             "  (floor: the cold load's bytes ÷ bandwidth; CPU↓: ready minus the last runtime byte; return, later:"
             " the 2nd and 3rd visit; re-dl: runtime bytes downloaded on either before ready)"]
    for row in results["loads"].values():
        profile = row["profile"]
        lines.append(row_line(row, profile, f"{GOALS_MS[profile]} ms", f"{RETURN_GOALS_MS[profile]} ms"))
    phone = results.get("phone")
    if phone and phone.get("loads"):
        for row in phone["loads"].values():
            lines.append(row_line(row, f"{row['profile']} CPU/{PHONE_CPU_SLOWDOWN}", "", ""))
    elif phone:
        lines.append(f"  phone CPU rows skipped: {phone['skipped']}")
    for key, row in results.get("no_compression", {}).get("loads", {}).items():
        lines.append(f"  no compression, {key}: {row['bytes'] / 1e6:.2f} MB (runtime {row['runtime_bytes'] / 1e6:.2f})")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--no-phone", dest="phone", action="store_false",
                        help=f"skip the phone rows ({PHONE_PROFILE}, CPU {PHONE_CPU_SLOWDOWN}x slower)")
    parser.add_argument("--incognito", action="store_true",
                        help="in-memory contexts of one browser instead of a new on-disk profile per cold load")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    profiles = args.profiles.split(",")
    unknown = [name for name in args.pages.split(",") if name not in PAGES] + [
        name for name in args.modes.split(",") if name not in MODES] + [
        name for name in profiles if name not in PROFILES]
    if unknown:
        sys.exit(f"bench_network: unknown {', '.join(unknown)} (pages: {', '.join(PAGES)}; modes: "
                 f"{', '.join(MODES)}; profiles: {', '.join(PROFILES)})")
    pages = {name: PAGES[name] for name in args.pages.split(",")}
    modes = args.modes.split(",")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("bench_network: Chromium not found (make system-packages)")

    from playwright.sync_api import sync_playwright

    results = {"runs": args.runs, "profiles": {p: PROFILES[p] for p in profiles}, "goals_ms": GOALS_MS,
               "return_goals_ms": RETURN_GOALS_MS, "incognito": args.incognito, "loads": {}}
    with sync_playwright() as p:
        contexts = Contexts(p, chromium, args.incognito)
        with tempfile.TemporaryDirectory() as folder:
            base, results["server"], stack = site_server(folder, compress=True)
            with stack:
                for profile in profiles:
                    for name, page_path in pages.items():
                        for mode in modes:
                            print(f"  {name} {mode} {profile}…", flush=True)
                            row = measure(contexts, base, page_path, profile, mode, args.runs)
                            results["loads"][f"{name}/{mode}/{profile}"] = {
                                "page": name, "mode": mode, "profile": profile, **row}
                            print(f"    ready {row['cold_ms']} ms, {row['bytes']:,} bytes, return "
                                  f"{row['return_ms']} ms", flush=True)
                            # Written as it goes: a slow-4G run takes long, keep what was measured.
                            args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
        results["no_compression"] = uncompressed_bytes(contexts, pages, modes)
        contexts.close()
        if args.phone:
            results["phone"] = phone_rows(p, chromium, pages, args.runs, args.incognito)
    loads = results["loads"]
    results["meets"] = {
        key: {"ready": row["cold_median_ms"] <= GOALS_MS[row["profile"]],
              "return": row["return_median_ms"] <= RETURN_GOALS_MS[row["profile"]] and row["return_runtime_bytes"] == 0,
              "later": row["later_median_ms"] <= RETURN_GOALS_MS[row["profile"]] and row["later_runtime_bytes"] == 0}
        for key, row in loads.items()}
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
