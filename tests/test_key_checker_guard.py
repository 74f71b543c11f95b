"""The key checker under abuse (issue 19): no JavaScript, a slow or refused module, an input method.

- The key never reaches a URL or a request: with JavaScript off, or while key-checker.js
  is still on its way, Enter in the box submits nothing (the widget has no <form>).
- A host that serves .js as application/octet-stream (browsers refuse such a module)
  gets the widget's error state and the manual checks, not a dead box.
- Text an input method is still composing is not judged; the committed text is.
"""

import json
import re

import pytest
import yaml

import checker
from conftest import LANGUAGES, ROOT
from test_deploy_check import misconfigured  # noqa: F401  (fixture: .js and .wasm as application/octet-stream)
from test_key_checker_browser import INPUT, KEY, RESULT, WIDGET, wait_for_state, widget_state

TEXTS = yaml.safe_load((ROOT / "catalog" / "key-checker.yml").read_text(encoding="utf-8"))
# The key as typed, and as it may show up anywhere (with or without dashes, any case).
SECRETS = {KEY, KEY.replace("-", ""), "CDEF2", "GHJK3", "MNPQ4"}


def watch(context, page):
    """Every request (URL and body) of the context and every console line of the page: a list."""
    seen = []
    context.on("request", lambda r: seen.append(r.url + "\n" + (r.post_data or "")))
    page.on("console", lambda m: seen.append(m.text))
    page.on("worker", lambda w: w.on("console", lambda m: seen.append(m.text)))
    return seen


def type_key_and_press_enter(page):
    page.click(INPUT)
    page.keyboard.type(KEY)
    page.keyboard.press("Enter")
    page.click(".key-checker__check")
    # A form submission would send its request at once: give it the time to show up
    # (not "networkidle": the held key-checker.js keeps the network busy).
    page.wait_for_timeout(1000)


def assert_key_nowhere(context, page, seen, url):
    assert page.url == url, page.url
    stored = json.dumps(context.storage_state())  # cookies and localStorage of every origin
    for secret in SECRETS:
        for entry in [*seen, stored, page.url]:
            assert secret.lower() not in entry.lower(), f"the key got out: {entry[:300]}"


def test_no_page_has_a_form_or_a_named_control_in_the_widget(site):
    widgets = 0
    for path in site.html_files():
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<section class="key-checker".*?</section>', html, re.S):
            widgets += 1
            assert "<form" not in match.group(0), path
            assert not re.search(r"<(input|select|textarea|button)\b[^>]*\sname=", match.group(0)), path
            assert not re.search(r"\sform=", match.group(0)), path  # no control borrows another form
        if 'class="key-checker"' in html:
            policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
            assert "form-action 'none'" in policy, path
    assert widgets >= 2 * len(LANGUAGES), widgets  # checker and entering-keys pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_the_key_goes_nowhere_and_the_page_says_why(site, browser, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    seen = watch(context, page)
    url = site.page_url(lang, "checker/")
    try:
        page.goto(url)
        notice = page.locator(f"{WIDGET} .key-checker__noscript")
        assert notice.is_visible()
        assert TEXTS[lang]["noscript"] in notice.inner_text()
        manual = notice.locator("a").evaluate_all("as => as.map(a => a.href)")
        assert site.page_url(lang, "entering-keys/#key-format") in manual
        type_key_and_press_enter(page)
        assert page.input_value(INPUT) == KEY  # typed, and still on the page
        assert_key_nowhere(context, page, seen, url)
    finally:
        context.close()
    assert any(entry.startswith(url) for entry in seen), seen  # the listener saw the page's own request


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enter_before_the_module_has_loaded_sends_the_key_nowhere(site, browser, lang):
    context = browser.new_context()
    held = []  # key-checker.js, held until the reader has typed and pressed Enter
    context.route("**/assets/javascripts/key-checker.js*", lambda route: held.append(route))
    page = context.new_page()
    seen = watch(context, page)
    url = site.page_url(lang, "checker/")
    try:
        page.goto(url, wait_until="domcontentloaded")
        type_key_and_press_enter(page)
        assert held, "key-checker.js was not held back"
        assert widget_state(page) == "loading"  # the module has not run
        assert_key_nowhere(context, page, seen, url)
        for route in held:
            route.continue_()
        wait_for_state(page, "ready")
        # The key typed before the module ran is checked once it runs.
        for _ in range(200):
            if page.get_attribute(RESULT, "data-valid") is not None:
                break
            page.wait_for_timeout(50)
        assert page.get_attribute(RESULT, "data-valid") == "true"
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)
        assert_key_nowhere(context, page, seen, url)
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_host_that_refuses_the_module_gets_the_error_state_and_manual_checks(site, misconfigured, browser, lang):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(misconfigured + ("" if lang == LANGUAGES[0] else f"{lang}/") + "checker/")
        assert wait_for_state(page, "error") == "error"
        error = page.locator(f"{WIDGET} .key-checker__error")
        assert error.is_visible()
        assert error.locator("p").first.inner_text() == TEXTS[lang]["error_message"]
        manual = page.locator(f"{WIDGET} .key-checker__manual")
        assert manual.is_visible()
        assert TEXTS[lang]["manual_links"][0]["text"] in manual.inner_text()
        # "Try again" loads the page again (the module may come this time).
        with page.expect_navigation():
            page.click(".key-checker__retry")
        assert wait_for_state(page, "error") == "error"
    finally:
        context.close()


# An input method (Japanese IME) composes the key in full-width letters, one more each
# time, then commits it: what Chromium's CDP does is what an IME does to the page.
@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_an_input_method_is_composing_is_not_judged(site, page, lang):
    committed = KEY.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # full-width
    page.goto(site.page_url(lang, "checker/"))
    wait_for_state(page, "ready")
    page.evaluate("""sel => {
        window.__said = [];
        new MutationObserver(() => window.__said.push(document.querySelector(sel).textContent))
            .observe(document.querySelector(sel), {childList: true, subtree: true, characterData: true});
    }""", RESULT)
    page.click(INPUT)
    cdp = page.context.new_cdp_session(page)
    for end in range(1, 12):
        text = committed[:end]
        cdp.send("Input.imeSetComposition", {"text": text, "selectionStart": end, "selectionEnd": end})
        page.wait_for_timeout(350)  # a reader picking characters; the widget debounces 150 ms
    assert page.input_value(INPUT) == committed[:11]
    assert page.evaluate("window.__said") == [], "a verdict was shown while the text was being composed"
    assert page.get_attribute(RESULT, "data-valid") is None
    cdp.send("Input.insertText", {"text": committed})
    for _ in range(200):
        if page.get_attribute(RESULT, "data-valid") is not None:
            break
        page.wait_for_timeout(50)
    expected = checker.diagnose(committed, lang=lang)
    assert page.input_value(INPUT) == committed
    assert page.get_attribute(RESULT, "data-valid") == str(expected["valid"]).lower()
    codes = page.eval_on_selector_all(f"{RESULT} .key-checker__finding", "lis => lis.map(li => li.dataset.code)")
    assert codes == [f["code"] for f in expected["findings"]]
