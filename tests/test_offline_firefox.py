"""The offline bundle from file:// in Firefox ESR (Debian's firefox-esr, driven over Marionette).

Firefox lets a file:// page start a worker where Chromium does not; the bundle must
behave the same in both. Every network request is sent to a closed loopback port
(the profile's proxy), so Firefox's own background calls reach no host either.
"""

import shutil
import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from conftest import LANGUAGES
from test_offline_bundle import CHECKER_TEXTS, SEARCHES, bundle_page

PREFS = {
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": 9, "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": True,
    "app.update.enabled": False, "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False, "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False, "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False, "extensions.update.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
}
# Errors and warnings that pages (not Firefox itself) logged, from the console service.
PAGE_ERRORS = """return Services.console.getMessageArray()
    .filter(m => m instanceof Ci.nsIScriptError && m.sourceName.startsWith("file:") && !(m.flags & Ci.nsIScriptError.warningFlag))
    .map(m => m.sourceName + ": " + m.errorMessage)"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def firefox(tmp_path_factory):
    from marionette_driver.marionette import Marionette

    binary = shutil.which("firefox-esr") or shutil.which("firefox")
    if not binary:
        pytest.fail("Firefox not found: run `make test` (it installs Debian's firefox-esr)", pytrace=False)
    profile = tmp_path_factory.mktemp("firefox-profile")
    port = free_port()
    prefs = {**PREFS, "marionette.port": port}
    (profile / "user.js").write_text("".join(f'user_pref("{k}", {str(v).lower() if isinstance(v, bool) else repr(v)});\n'
                                             for k, v in prefs.items()).replace("'", '"'))
    process = subprocess.Popen([binary, "--headless", "--marionette", "-remote-allow-system-access",
                                "--profile", str(profile)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Marionette(host="127.0.0.1", port=port)
    try:
        client.raise_for_port(timeout=120, check_process_status=False)  # slow on a loaded machine
        client.start_session()
        yield client
    finally:
        client.cleanup()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def visit(firefox, url):
    """Open `url` and stay until it has settled (see settle())."""
    firefox.navigate(url)
    settle(firefox)


def settle(firefox, timeout=10.0):
    """Stay on the page until Material has loaded its search index (a script it adds to the
    page): leaving a page while that script loads makes Material report "Invalid script" in
    Firefox, an error of the navigation, not of the page."""
    deadline = time.monotonic() + timeout
    # Marionette's scripts run in a sandbox: the page's own globals are behind wrappedJSObject.
    while not firefox.execute_script("return typeof window.wrappedJSObject.__index !== 'undefined'") \
            and time.monotonic() < deadline:
        time.sleep(0.05)


def search(firefox, query, timeout=15.0):
    from marionette_driver.by import By

    firefox.execute_script("document.querySelector('label[for=__search]').click()")
    box = firefox.find_element(By.CSS_SELECTOR, "input.md-search__input")
    deadline = time.monotonic() + timeout
    while True:
        box.clear()
        box.send_keys(query)
        time.sleep(0.3)
        links = firefox.execute_script(
            "return [...document.querySelectorAll('a.md-search-result__link')].map(e => e.href)")
        if links or time.monotonic() > deadline:
            return links


def page_errors(firefox):
    with firefox.using_context("chrome"):
        return firefox.execute_script(PAGE_ERRORS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_load_with_styles(bundle, firefox, lang):
    """A few pages (Chromium's test opens them all): the home page, an article, the checker, the 404 page."""
    for name in ("index", "troubleshooting", "checker", "404"):
        visit(firefox, bundle_page(bundle, lang, name).as_uri())
        styled = firefox.execute_script("""return [...document.querySelectorAll('link[rel=stylesheet]')]
            .every(link => link.sheet !== null)
            && getComputedStyle(document.querySelector('.md-header')).position === 'sticky'""")
        assert styled, f"{lang} {name}: a stylesheet did not load"
    assert page_errors(firefox) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_answers_in_the_page_language_only(bundle, firefox, lang):
    visit(firefox, bundle_page(bundle, lang, "index").as_uri())
    own, other = SEARCHES[lang]
    links = search(firefox, own)
    assert links, f"{lang}: no result for {own!r}"
    assert all(urlsplit(link).path.startswith(f"{bundle.as_posix()}/en/") == (lang == "en") for link in links)
    assert search(firefox, other, timeout=3) == []
    assert page_errors(firefox) == []


def test_switch_lookup_and_checker(bundle, firefox):
    from marionette_driver.by import By

    visit(firefox, bundle_page(bundle, "ja", "troubleshooting").as_uri() + "#check-connection")
    switch = firefox.execute_script("return document.querySelector('a.md-select__link[hreflang=en]').href")
    assert switch == bundle_page(bundle, "en", "troubleshooting").as_uri() + "#check-connection"

    visit(firefox, bundle_page(bundle, "en", "errors").as_uri())
    firefox.find_element(By.CSS_SELECTOR, "form.error-lookup input").send_keys("NET 001\ue007")  # Enter
    target = bundle_page(bundle, "en", "troubleshooting").as_uri() + "#check-connection"
    deadline = time.monotonic() + 10
    while firefox.get_url() != target and time.monotonic() < deadline:
        time.sleep(0.1)
    assert firefox.get_url() == target
    settle(firefox)  # the lookup's own navigation: the page loads its search index too

    visit(firefox, bundle_page(bundle, "en", "checker").as_uri())
    state, message = firefox.execute_script("""const widget = document.querySelector('.key-checker');
        return [widget.dataset.state, widget.querySelector('.key-checker__offline').textContent]""")
    assert (state, message) == ("offline", CHECKER_TEXTS["en"]["offline"])
    assert page_errors(firefox) == []
