"""The support request on the support page (issue 21, docs/assets/javascripts/support-request.js).

What it copies, the mailto: link's subject and body and the vendor's web form address with
its fields filled (parameter names from catalog/product.yml), in every language; the steps
ticked in the guide arrive ticked; a license key pasted anywhere comes out masked the
checker's way and appears unmasked nowhere: not in the text, the links, the address,
storage, the console or a request.
"""

import json
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from playwright.sync_api import expect

import checker
from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
import product_facts  # noqa: E402

MODULE = ROOT / "docs" / "assets" / "javascripts" / "support-request.js"
GUIDE = yaml.safe_load((ROOT / "catalog" / "guide.yml").read_text(encoding="utf-8"))
FACTS = product_facts.load_facts()
KEY = "S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH"  # a valid key of the example format
MASKED = checker.masked_key(KEY)
RULES = None


def mask(text):
    """maskKeys() of support-request.js, under Node, with the rules the page gets."""
    global RULES
    if RULES is None:
        sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
        import guide
        RULES = guide.key_format_rules()
    script = (f"import {{ maskKeys }} from {json.dumps(MODULE.as_uri())};"
              "let input = ''; process.stdin.on('data', (c) => { input += c; });"
              "process.stdin.on('end', () => { const [text, rules] = JSON.parse(input);"
              "process.stdout.write(JSON.stringify(maskKeys(text, rules))); });")
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps([text, RULES]),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("written", [KEY, KEY.lower(), KEY.replace("-", ""), KEY.replace("-", " "),
                                     KEY.replace("-", "–")])
def test_a_whole_key_is_masked_as_the_checker_masks_it(written):
    result = mask(f"The window says {written} is wrong.")
    assert result == {"text": f"The window says {checker.masked_key(written)} is wrong.", "found": True}
    assert checker.masked_key(written) == MASKED


def test_part_of_a_key_is_hidden_entirely():
    assert mask("first groups CDEF2-GHJK3-MNPQ4") == {"text": "first groups •••••-•••••-•••••", "found": True}


@pytest.mark.parametrize("text", ["NET-002", "Studio 6 on Windows 11", "認証サーバーに接続できません",
                                  "Key (middle hidden): " + MASKED, "Chrome 156 / Linux"])
def test_ordinary_text_is_left_alone(text):
    assert mask(text) == {"text": text, "found": False}


def _fill(page, name, value):
    page.locator(f'.support-request [name="{name}"]').fill(value)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_request_copies_mails_and_fills_the_form_without_the_key(site, browser, lang):
    t = {key: product_facts.fill(text, FACTS, lang, "test") for key, text in GUIDE["request"][lang].items()}
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url + " " + (request.post_data or "")))
    page.on("console", lambda message: console.append(message.text))
    prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
    # A fix followed in the guide arrives ticked.
    page.goto(f"{site.url}{prefix}guide/#wait")
    page.locator('[data-step="wait"] a.guide-answer--fix').click()
    page.goto(f"{site.url}{prefix}support/#prepare-request")
    form = page.locator(".support-request")
    expect(form).to_be_visible()
    ticked = page.locator('.support-request input[name="tried"]:checked')
    assert ticked.count() == 1 and ticked.get_attribute("value") == "troubleshooting/#server-problems"
    os_name = page.locator('.support-request [name="os"]').input_value()
    browser_name = page.locator('.support-request [name="browser"]').input_value()
    assert os_name == "Linux" and browser_name.startswith("Chrome ")
    page.locator('.support-request input[value="troubleshooting/#restart"]').check()

    _fill(page, "code", "net-002")
    _fill(page, "message", f"It says {KEY} cannot be used")
    _fill(page, "version", "Studio 6.2")
    _fill(page, "details", f"Every time. My key is {KEY.replace('-', '')}")
    _fill(page, "checker", f"Key (middle hidden): {MASKED}\nResult: This key has the right format.")
    expect(page.locator("#support-request-warning")).to_have_text(t["masked"])

    labels = {fix: GUIDE["fixes"][fix][lang] for fix in GUIDE["fixes"]}
    expected = "\n".join([
        t["title"],
        f"{t['code']}: NET-002",
        f"{t['message']}: It says {MASKED} cannot be used",
        f"{t['version']}: Studio 6.2",
        f"{t['os']}: {os_name}",
        f"{t['browser']}: {browser_name}",
        f"{t['tried']}:",
        f"- {labels['troubleshooting/#server-problems']}",
        f"- {labels['troubleshooting/#restart']}",
        f"{t['details']}: Every time. My key is {MASKED}",
        f"{t['checker']}:",
        f"- Key (middle hidden): {MASKED}",
        "- Result: This key has the right format.",
    ])
    assert page.locator('.support-request [name="output"]').input_value() == expected

    expect(page.locator(".support-request__copy")).to_have_text(t["copy"])
    page.locator(".support-request__copy").click()
    expect(page.locator(".support-request__status")).to_have_text(t["copied"])
    assert page.evaluate("navigator.clipboard.readText()") == expected

    subject = t["subject_code"].replace("{code}", "NET-002")
    mailto = page.locator(".support-request__mail").get_attribute("href")
    address, _, query = mailto.partition("?")
    assert address == f"mailto:{FACTS['support.email'][lang]}"
    fields = dict(part.split("=", 1) for part in query.split("&"))
    assert unquote(fields["subject"]) == subject and unquote(fields["body"]) == expected

    form_url = page.locator(".support-request__form").get_attribute("href")
    parts = urlsplit(form_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == FACTS["support.form_url"][lang]
    assert parse_qs(parts.query) == {FACTS["support.prefill.subject"][lang]: [subject],
                                     FACTS["support.prefill.body"][lang]: [expected],
                                     FACTS["support.prefill.code"][lang]: ["NET-002"]}

    compact = KEY.replace("-", "")
    everywhere = [expected, mailto, unquote(mailto), form_url, unquote(form_url), page.url,
                  page.evaluate("JSON.stringify(Object.entries(sessionStorage))"),
                  page.evaluate("JSON.stringify(Object.entries(localStorage))"),
                  page.evaluate("document.cookie"), *console, *requests]
    for text in everywhere:
        assert KEY not in text and compact not in text and "CDEF2" not in text, text
    assert all(url.startswith(site.url) for url in requests), requests  # the page sent nothing anywhere
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_script_the_form_stays_hidden_and_the_channels_are_listed(site, browser, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
    page.goto(f"{site.url}{prefix}support/")
    expect(page.locator(".support-request")).to_be_hidden()
    expect(page.locator(f'#contact ~ ul a[href="mailto:{FACTS["support.email"][lang]}"]')).to_be_visible()
    assert FACTS["support.hours"][lang] in page.locator("article").inner_text()
    context.close()
