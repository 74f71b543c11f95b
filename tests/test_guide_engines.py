"""The guided troubleshooter in Firefox ESR and WebKit (issue 21), as tests/test_guide.py
checks it in Chromium: each step at its own address, every answer leading where the data
says, every step reachable by clicking, the browser's Back returning to the previous
question, and axe-core clean. The site is served by Debian's nginx with the deploy/
configuration, as in tests/test_engines.py.
"""

import sys

import pytest

from conftest import LANGUAGES, ROOT
from test_engines import at, display, host, new_browser  # noqa: F401  (fixtures)
from test_guide import GUIDE, STEPS

sys.path.insert(0, str(ROOT / "tools"))
from axe import AXE_JS, WCAG_AA  # noqa: E402

ENGINES = ("firefox", "webkit")
SHOWN = ("return [...document.querySelectorAll('[data-step]')].filter(s => !s.hidden)"
         ".map(s => s.dataset.step).join(' ')")


def click(browser, selector):
    browser.run("document.querySelector(arguments[0]).click()", selector)


def wait_shown(browser, step_id):
    browser.wait(SHOWN.replace("return ", "return (") + f") === {step_id!r}", timeout=30)


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
            browser.run("history.back()")
            browser.wait(f"return location.hash === '#{step_id}'", timeout=30)
            wait_shown(browser, step_id)
            # axe-core on a step (injected as the Chromium tests do).
            if not browser.run("return typeof window.axe !== 'undefined'"):
                browser.run(AXE_JS.read_text(encoding="utf-8"))
            browser.run("window.__axe = null; axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
                        ".then(r => { window.__axe = r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(', ')); })",
                        WCAG_AA)
            violations = browser.wait("return window.__axe && JSON.stringify(window.__axe)", timeout=60)
            assert violations == "[]", f"{engine} {lang}: {violations}"
    finally:
        browser.close()
