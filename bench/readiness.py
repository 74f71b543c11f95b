"""What the benches wait for: the key checker's ``key-checker-ready`` performance mark."""

import time


def wait_ready(page, timeout=60):
    """{ms, mode, origin, binary} of the page's ready mark (ms from navigation start, the start
    taken, performance.timeOrigin, the copy of the binary taken) once it is there;
    RuntimeError on the error state or after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mark = page.evaluate("""() => {
            const m = performance.getEntriesByName('key-checker-ready')[0];
            return m ? {ms: m.startTime, mode: m.detail.mode, origin: performance.timeOrigin,
                        binary: m.detail.binary ? m.detail.binary.copy : null} : null;
        }""")
        if mark:
            return mark
        state = page.evaluate("(document.querySelector('.key-checker') || {dataset: {}}).dataset.state")
        if state == "error":
            raise RuntimeError("the widget went to the error state")
        page.wait_for_timeout(25)
    raise RuntimeError(f"the widget was not ready after {timeout} s")
