"""Shared fixtures: the real site, built once per test session and served on loopback.

See tools/site_server.py: the site's absolute URLs point back at the loopback server,
so a browser test can prove that no request ever leaves 127.0.0.1.
"""

import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from site_server import BuildFailed, ServedSite  # noqa: E402
import offline_bundle  # noqa: E402

LANGUAGES = ("ja", "en")  # default language first; it lives at the site root

# The example vendor's key format, which tests/vectors/diagnose.jsonl and the tests marked
# `example_format` were written for. When formats.json describes another key, they are
# skipped (saying so): the vectors generated from the data (test_checker_formats_data.py)
# test that key instead.
EXAMPLE_FORMATS = ROOT / "tests" / "vectors" / "example-formats.json"


def _without_notes(document):
    return {k: v for k, v in document.items() if k not in ("$schema", "_comment")}


def example_format_in_use():
    current = Path(os.environ.get("CHECKER_FORMATS") or ROOT / "checker" / "data" / "formats.json")
    return _without_notes(json.loads(current.read_text(encoding="utf-8"))) == _without_notes(
        json.loads(EXAMPLE_FORMATS.read_text(encoding="utf-8")))


def sample_keys():
    """(a valid key, the same key with a wrong check symbol) of the format the checker uses:
    the example's documented demo key while formats.json is the example's."""
    if example_format_in_use():
        return "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH", "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVX"
    import checker  # noqa: PLC0415

    fmt = checker.default_format()
    prefix = fmt.products[0]["prefix"] if fmt.products else ""
    body = prefix + "".join(fmt.alphabet[(i * 7 + 3) % len(fmt.alphabet)] for i in range(fmt.length - len(prefix) - 1))
    last = fmt.calc_check_symbol(body) if fmt.check != "none" else fmt.alphabet[0]
    key = body + last
    if fmt.check != "none":
        wrong = body + next(s for s in fmt.alphabet if s != last)
    else:
        wrong = key[:-1]  # a symbol short
    return fmt.display(key), fmt.display(wrong) if len(wrong) == fmt.length else wrong


VALID_KEY, INVALID_KEY = sample_keys()


# `make check`, the writer's check: these modules' tests get the `check` mark. They need no
# browser and no server but Python's on loopback: the strict build, both languages with the
# same section ids, links and anchors, the published links, the prose lint, translations.
CHECK_MODULES = {"test_site_structure", "test_site_links", "test_page_checks", "test_error_codes",
                 "test_prose_lint", "test_translations"}


def pytest_ignore_collect(collection_path, config):
    """`pytest -m check` does not even import the other modules (playwright and the rest): seconds."""
    if (config.getoption("markexpr") == "check" and collection_path.suffix == ".py"
            and collection_path.name.startswith("test_") and collection_path.stem not in CHECK_MODULES):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module.__name__ in CHECK_MODULES:
            item.add_marker(pytest.mark.check)
    if config.getoption("markexpr") == "check":
        # Tests without the built site first: a failed build ends the run (the `site` fixture).
        items.sort(key=lambda item: "site" in item.fixturenames)
    if not example_format_in_use():
        skip = pytest.mark.skip(reason="written for the example vendor's key format; formats.json describes another "
                                       "(tests/test_checker_formats_data.py checks it with vectors made from the data)")
        for item in items:
            if item.get_closest_marker("example_format"):
                item.add_marker(skip)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling hosts this machine cannot reach.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The key checker's start, chosen beforehand instead of by the connection (for tests and
# benches of one start): "snapshot" or "plain" goes into the unpacker worker's URL
# (key-checker-unpacker.js reads `start`); "fallback" refuses the unpacker, so
# key-checker.js runs the plain start on its own, as after a failed start.
FORCE_START_SCRIPT = """(() => {
  const mode = %s;
  const Real = window.Worker;
  window.Worker = function (url, options) {
    if (String(url).includes("key-checker-unpacker")) {
      if (mode === "fallback") throw new Error("no unpacker: the fallback start");
      url = `${url}&start=${mode}`;
    }
    return new Real(url, options);
  };
  window.Worker.prototype = Real.prototype;
})();"""


def force_start(context, mode):
    """Every page of `context` starts the key checker the `mode` way (FORCE_START_SCRIPT)."""
    assert mode in ("snapshot", "plain", "fallback")
    context.add_init_script(FORCE_START_SCRIPT % json.dumps(mode))


class Site:
    """A built site: its folder on disk and the loopback URL it is served at."""

    def __init__(self, directory: Path, url: str, build_log: str):
        self.dir = directory
        self.url = url  # ends with "/"
        self.build_log = build_log

    def page_url(self, lang: str, path: str = "") -> str:
        prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
        return f"{self.url}{prefix}{path}"

    def html_files(self):
        return sorted(self.dir.rglob("*.html"))


@pytest.fixture(scope="session")
def site(tmp_path_factory, request):
    """Build the real site with `mkdocs build --strict` and serve it on 127.0.0.1."""
    try:
        served = ServedSite(tmp_path_factory.mktemp("site"))
    except BuildFailed as error:
        if request.config.getoption("markexpr") == "check":
            # `make check`: the build's warnings, one line each, instead of the same log
            # repeated under every test that needs the site (the others have run first).
            lines = [line for line in str(error).splitlines() if line.startswith(("WARNING", "ERROR"))]
            pytest.exit("the strict build (mkdocs build --strict) failed:\n" + "\n".join(lines or [str(error)]),
                        returncode=1)
        pytest.fail(str(error), pytrace=False)
    yield Site(served.dir, served.url, served.build_log)
    served.close()


@pytest.fixture(scope="session")
def bundle(tmp_path_factory):
    """The offline bundle (make offline), built once and unpacked from its zip: the folder."""
    try:
        folder, zip_path = offline_bundle.build(tmp_path_factory.mktemp("dist"))
    except offline_bundle.BuildFailed as error:
        pytest.fail(str(error), pytrace=False)
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(unpacked)
    built = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    assert sorted(p.relative_to(unpacked) for p in unpacked.rglob("*") if p.is_file()) == built
    return unpacked


def chromium_path():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium not found: run `make test` (it installs Debian's chromium) "
                    "or `apt-get install chromium`.", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (no cache, no storage) per test."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
