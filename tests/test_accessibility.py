"""axe-core (WCAG 2.1 A and AA) on every built page, in the light and the dark scheme."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from axe import AXE_JS, axe_violations  # noqa: E402


def every_page(site):
    for path in site.html_files():
        rel = path.relative_to(site.dir).as_posix()
        if rel.startswith(("assets/", "go/", "en/go/")):
            continue  # the /go/ stubs only redirect (tests/test_error_codes*.py)
        yield site.url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_any_page(site, browser, scheme):
    if not AXE_JS.exists():
        pytest.fail("node_modules/axe-core is missing: run `make setup` (npm ci)", pytrace=False)
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    urls = list(every_page(site))
    assert len(urls) >= 18, urls
    problems = []
    for url in urls:
        page.goto(url)
        problems += [f"{url}: {v}" for v in axe_violations(page)]
    context.close()
    assert not problems, "\n".join(problems)
