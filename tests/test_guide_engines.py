"""The guided troubleshooter in Firefox ESR and WebKit (issue 21), as tests/test_guide.py
checks it in Chromium: each step at its own address, every answer leading where the data
says, every step reachable by clicking, the browser's Back returning to the previous
question; without JavaScript the whole guide as a list of linked questions; axe-core clean
in the light and the dark scheme. The site is served by Debian's nginx with the deploy/
configuration, as in tests/test_engines.py.

How each engine is set up (tools/browser_engines.py):
- no page script: Firefox with the pref ``javascript.enabled`` false; WebKit's MiniBrowser
  with ``--enable-javascript-markup=false`` (the page's own scripts never run, while the
  driver can still read the page and inject axe-core);
- the dark scheme: the reader's own preference, as Chromium's ``color_scheme="dark"``:
  Firefox's pref ``layout.css.prefers-color-scheme.content-override`` 0, MiniBrowser's
  ``--dark-mode``; Material's palette then picks its dark scheme (slate) by itself.
"""

import sys

import pytest

from conftest import LANGUAGES, ROOT
from test_engines import at, display, host, new_browser  # noqa: F401  (fixtures)
from test_guide import GUIDE, STEPS

sys.path.insert(0, str(ROOT / "tools"))
from axe import AXE_JS, WCAG_AA  # noqa: E402
from browser_engines import Firefox, WebKit  # noqa: E402

ENGINES = ("firefox", "webkit")
SHOWN = ("return [...document.querySelectorAll('[data-step]')].filter(s => !s.hidden)"
         ".map(s => s.dataset.step).join(' ')")


def click(browser, selector):
    browser.run("document.querySelector(arguments[0]).click()", selector)


def wait_shown(browser, step_id):
    browser.wait(SHOWN.replace("return ", "return (") + f") === {step_id!r}", timeout=30)


def configured_browser(engine, request, *, scripts=True, dark=False):
    """A browser whose pages run no script of their own (``scripts=False``) and/or whose
    reader prefers the dark scheme (``dark=True``)."""
    if engine == "firefox":
        prefs = {}
        if not scripts:
            prefs["javascript.enabled"] = False
        if dark:
            prefs["layout.css.prefers-color-scheme.content-override"] = 0  # 0: dark
        return Firefox(prefs=prefs)
    arguments = []
    if not scripts:
        arguments.append("--enable-javascript-markup=false")
    if dark:
        arguments.append("--dark-mode")
    return WebKit(request.getfixturevalue("display"), arguments)


def axe_problems(browser):
    """axe-core's WCAG A/AA violations on the page (injected as the Chromium tests do)."""
    if not browser.run("return typeof window.axe !== 'undefined'"):
        browser.run(AXE_JS.read_text(encoding="utf-8"))
    browser.run("window.__axe = null; axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
                ".then(r => { window.__axe = r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(', ')); })",
                WCAG_AA)
    return browser.wait("return window.__axe && JSON.stringify(window.__axe)", timeout=60)


def axe_problems_on_a_page_without_scripts(browser):
    """axe_problems on a page loaded with no script. WebKit still runs what the driver
    injects; Firefox, while ``javascript.enabled`` is false, runs axe's code but not its
    timers, so it never finishes: the pref is on just while axe runs (the page has been
    parsed, its own scripts do not run afterwards) and off again for the next page."""
    if browser.name != "firefox":
        return axe_problems(browser)
    browser.client.set_pref("javascript.enabled", True)
    try:
        return axe_problems(browser)
    finally:
        browser.client.set_pref("javascript.enabled", False)


def settled(browser):
    """No CSS transition runs (Material fades its header title in when a step is scrolled to)."""
    browser.wait("return document.getAnimations().every(a => a.playState !== 'running')", timeout=10)


@pytest.mark.parametrize("engine", ENGINES)
def test_guide_paths_back_and_axe(engine, host, request):
    browser = new_browser(engine, request)
    try:
        for lang in LANGUAGES:
            guide = at(host, lang, "guide/")
            browser.open(guide)
            wait_shown(browser, GUIDE["start"])
            reached = {GUIDE["start"]}
            step_id = GUIDE["start"]
            # Walk the chain of questions by clicking, checking every answer's target on the way.
            while True:
                hrefs = browser.run("return [...document.querySelectorAll("
                                    "`[data-step='${arguments[0]}'] a.guide-answer`)].map(a => a.href)", step_id)
                answers = STEPS[step_id]["answers"]
                assert len(hrefs) == len(answers)
                for href, answer in zip(hrefs, answers):
                    if answer["go"] in STEPS:
                        assert href == f"{guide}#{answer['go']}"
                    else:
                        page_part, section_id = answer["go"].split("#")
                        assert href == f"{at(host, lang, page_part)}#{section_id}"
                following = [a["go"] for a in answers if a["go"] in STEPS]
                if not following:
                    break
                click(browser, f"[data-step='{step_id}'] a.guide-answer[href='#{following[0]}']")
                wait_shown(browser, following[0])
                assert browser.url() == f"{guide}#{following[0]}"
                browser.run("history.back()")
                wait_shown(browser, step_id)
                browser.run("history.forward()")
                wait_shown(browser, following[0])
                step_id = following[0]
                reached.add(step_id)
            assert reached == set(STEPS)
            # A fix, then Back: the question is there again.
            click(browser, f"[data-step='{step_id}'] a.guide-answer--fix")
            browser.wait("return location.pathname.indexOf('/guide/') < 0", timeout=30)
            # Leave the fix's page only once it has loaded: Firefox may drop a Back sent while the
            # new page is still loading (seen once in a full run: the guide never came back).
            browser.wait("return document.readyState === 'complete'", timeout=30)
            browser.run("history.back()")
            browser.wait(f"return location.hash === '#{step_id}'", timeout=30)
            wait_shown(browser, step_id)
            # axe-core on a step (injected as the Chromium tests do).
            violations = axe_problems(browser)
            assert violations == "[]", f"{engine} {lang}: {violations}"
    finally:
        browser.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_without_javascript_the_guide_is_a_linked_list_and_axe_clean(engine, host, request):
    """No page script runs; the reader prefers the dark scheme (without scripts Material
    cannot switch palettes, so this reader gets the light page: it must be readable too).
    Every question is shown with all its answers as links to where the data says, and
    every link resolves: to a question on the page, or to a section of another page."""
    browser = configured_browser(engine, request, scripts=False, dark=True)
    try:
        for lang in LANGUAGES:
            guide = at(host, lang, "guide/")
            browser.open(f"{guide}#security")
            # Really nothing of the page's ran: not Material's inline script, not guide.js.
            assert browser.run("return typeof window.__md_get") == "undefined"
            assert browser.run(SHOWN) == " ".join(STEPS), f"{engine} {lang}"
            targets = {}  # page address -> section ids the answers link to
            for step in GUIDE["steps"]:
                shown = browser.run(
                    "const s = document.querySelector(`[data-step='${arguments[0]}']`);"
                    "const seen = e => { const b = e.getBoundingClientRect();"
                    "  return b.width > 0 && b.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };"
                    "const h = s.querySelector(`h2#${arguments[0]}`);"
                    "return {heading: !!h && seen(h),"
                    "        links: [...s.querySelectorAll('a.guide-answer')].map(a => [a.href, seen(a), a.textContent.trim() !== ''])};",
                    step["id"])
                assert shown["heading"], f"{engine} {lang}: the question {step['id']} is not shown"
                assert len(shown["links"]) == len(step["answers"]), f"{engine} {lang} {step['id']}"
                for (href, seen, named), answer in zip(shown["links"], step["answers"]):
                    assert seen and named, f"{engine} {lang} {step['id']}: {href} is not a visible link"
                    if answer["go"] in STEPS:
                        assert href == f"{guide}#{answer['go']}"
                        assert browser.run("return !!document.querySelector(`[data-step] h2#${arguments[0]}`)",
                                           answer["go"])
                    else:
                        page_part, section_id = answer["go"].split("#")
                        assert href == f"{at(host, lang, page_part)}#{section_id}"
                        targets.setdefault(at(host, lang, page_part), set()).add(section_id)
            violations = axe_problems_on_a_page_without_scripts(browser)
            assert violations == "[]", f"{engine} {lang} (no JavaScript): {violations}"
            # The answers' other pages exist and hold the sections linked to.
            for page, section_ids in targets.items():
                browser.open(page)
                missing = browser.run("return arguments[0].filter(id => !document.getElementById(id))",
                                      sorted(section_ids))
                assert missing == [], f"{engine} {lang}: {page} has no {missing}"
    finally:
        browser.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_every_step_is_axe_clean_in_the_dark_scheme(engine, host, request):
    """The reader prefers the dark scheme: Material shows slate, and every question of the
    guide, in every language, has no axe-core violation (the light scheme: the test above)."""
    browser = configured_browser(engine, request, dark=True)
    try:
        problems = []
        for lang in LANGUAGES:
            for step in GUIDE["steps"]:
                browser.open(f"{at(host, lang, 'guide/')}#{step['id']}")
                wait_shown(browser, step["id"])
                assert browser.run("return document.body.dataset.mdColorScheme") == "slate", engine
                settled(browser)
                violations = axe_problems(browser)
                if violations != "[]":
                    problems.append(f"{lang} {step['id']}: {violations}")
        assert not problems, f"{engine}:\n" + "\n".join(problems)
    finally:
        browser.close()
