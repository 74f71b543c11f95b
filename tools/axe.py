"""Run axe-core (npm package, in node_modules) on a Playwright page.

The source is injected with ``page.evaluate`` because the site's CSP blocks an added
<script> element, as it should.
"""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page):
    """The WCAG 2.1 A/AA violations on the page, as "rule: target" strings."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [f"{v['id']}: {node['target']} ({v['help']})"
            for v in result["violations"] for node in v["nodes"]]
