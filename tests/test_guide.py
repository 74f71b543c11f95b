"""The guided troubleshooter and the way a beginner finds a fix (issue 21).

- catalog/guide.yml is checked at build time: a loop, a missing target, an unreachable step
  or a fix without its "tried" label stops the build and names the step;
- without JavaScript the guide is a list of every question with linked answers;
- in Chromium it shows one question at a time, every path can be walked by clicking, the
  browser's Back returns to the previous question, the keyboard focus follows, axe is clean
  in the light and the dark scheme;
- from the home page a reader reaches the fix of every cause the seed names
  (tests/reader_causes.yml) within its number of clicks, in every language, and the
  home page's error-code box opens every code's fix.
"""

import copy
import re
import sys
import time

import pytest
import yaml
from playwright.sync_api import expect

from conftest import LANGUAGES, ROOT

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
sys.path.insert(0, str(ROOT / "tools"))
import error_codes  # noqa: E402
import guide as guide_hook  # noqa: E402
from axe import axe_violations  # noqa: E402

CODES = error_codes.load_catalog()
GUIDE = guide_hook.load_guide(codes=CODES)
STEPS = {step["id"]: step for step in GUIDE["steps"]}
CAUSES = yaml.safe_load((ROOT / "tests" / "reader_causes.yml").read_text(encoding="utf-8"))


def section_url(site, lang, section):
    page_part, section_id = section.split("#")
    return f"{site.page_url(lang, page_part)}#{section_id}"


def guide_url(site, lang, step=""):
    return site.page_url(lang, "guide/") + (f"#{step}" if step else "")


def settled(page):
    """Wait until no CSS transition has run for 300 ms (Material fades its header title in when
    the page is scrolled to a step, which may start a moment after the load; axe would measure
    the contrast halfway)."""
    idle = 0
    for _ in range(200):
        if page.evaluate("document.getAnimations().every(a => a.playState !== 'running')"):
            idle += 1
            if idle == 6:
                return
        else:
            idle = 0
        page.wait_for_timeout(50)
    raise AssertionError("the page kept animating")


def shown_steps(page):
    return page.evaluate("[...document.querySelectorAll('[data-step]')].filter(s => !s.hidden)"
                         ".map(s => s.dataset.step)")


# --- the data and its build-time checks -------------------------------------------

def test_the_guide_follows_the_seed_and_every_path_ends_at_a_fix_or_support():
    order = [step["id"] for step in GUIDE["steps"]]
    assert order[0] == GUIDE["start"] == "screen"
    # The seed's order: the message / code, the key, the internet, waiting, security, version,
    # devices, expiry, installation, then support.
    firsts = [next(a["go"] for a in STEPS[s]["answers"] if a["go"] not in STEPS) for s in order[1:-1]]
    assert firsts == ["troubleshooting/#check-key", "troubleshooting/#check-connection",
                      "troubleshooting/#server-problems", "troubleshooting/#check-firewall",
                      "troubleshooting/#check-version", "troubleshooting/#device-limit",
                      "troubleshooting/#license-expired", "troubleshooting/#update-software"]
    assert "support/#prepare-request" in [a["go"] for a in STEPS[order[-1]]["answers"]]
    # The first question offers every message the product shows (the error-code catalog).
    assert {a["go"] for a in STEPS["screen"]["answers"] if a.get("error_code")} == \
        {entry.section for entry in CODES.codes.values()}


def _raw():
    return yaml.safe_load(guide_hook.GUIDE.read_text(encoding="utf-8"))


def _step(data, step_id):
    return next(step for step in data["steps"] if step["id"] == step_id)


def _loop(data):
    _step(data, "last")["answers"][0]["go"] = "key"


def _missing_section(data):
    _step(data, "internet")["answers"][0]["go"] = "troubleshooting/#no-such-section"


def _missing_page(data):
    _step(data, "internet")["answers"][0]["go"] = "no-such-page/#check"


def _unknown_step(data):
    _step(data, "wait")["answers"][1]["go"] = "nowhere"


def _unreachable(data):
    data["steps"].append(copy.deepcopy(_step(data, "last")) | {"id": "orphan"})


def _no_label(data):
    del data["fixes"]["troubleshooting/#restart"]


def _no_english(data):
    del _step(data, "version")["en"]


def _no_answers(data):
    _step(data, "install")["answers"] = []


@pytest.mark.parametrize("break_it, expected", [
    (_loop, r"the guide loops: key → internet → wait → security → version → devices → expiry → install → last → key"),
    (_missing_section, r"step 'internet'.*no heading with id #no-such-section in the 'ja' page"),
    (_missing_page, r"step 'internet'.*the page no-such-page/ has no 'ja' version"),
    (_unknown_step, r"step 'wait'.*go: 'nowhere' is not a step id"),
    (_unreachable, r"step\(s\) \['orphan'\] cannot be reached from the start 'screen'"),
    (_no_label, r"step 'last'.*the fix 'troubleshooting/#restart' has no entry under fixes"),
    (_no_english, r"step 'version': no 'en' texts"),
    (_no_answers, r"step 'install' has no answers"),
])
def test_a_broken_guide_stops_the_build_naming_the_step(tmp_path, break_it, expected):
    data = _raw()
    break_it(data)
    path = tmp_path / "guide.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(guide_hook.GuideError, match=expected):
        guide_hook.load_guide(path, codes=CODES)


# --- without JavaScript: the whole guide as a list -----------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_every_question_is_listed_with_linked_answers(site, browser, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(guide_url(site, lang, "security"))
    assert shown_steps(page) == list(STEPS)  # nothing ran: every step is there
    for step in GUIDE["steps"]:
        section = page.locator(f'[data-step="{step["id"]}"]')
        expect(section.locator(f'h2#{step["id"]}')).to_be_visible()
        links = section.locator("a.guide-answer")
        assert links.count() == len(step["answers"])
        for index, answer in enumerate(step["answers"]):
            expect(links.nth(index)).to_be_visible()
            href = links.nth(index).evaluate("a => a.href")
            target = guide_url(site, lang, answer["go"]) if answer["go"] in STEPS \
                else section_url(site, lang, answer["go"])
            assert href == target, (step["id"], index)
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_list_without_the_guide_script_is_axe_clean(site, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    context.route("**/guide.js", lambda route: route.abort())  # axe itself needs scripts
    page = context.new_page()
    problems = []
    for lang in LANGUAGES:
        page.goto(guide_url(site, lang))
        assert shown_steps(page) == list(STEPS)
        problems += [f"{lang}: {v}" for v in axe_violations(page)]
    context.close()
    assert not problems, "\n".join(problems)


# --- with JavaScript: one question at a time ------------------------------------------

def _walk(page, site, lang, step_id, reached):
    """Click every answer of `step_id`, follow steps depth first, come back with Back."""
    here = page.url  # the first question is also the guide's own address, without a fragment
    assert here in (guide_url(site, lang, step_id), guide_url(site, lang)), here
    assert shown_steps(page) == [step_id], page.url
    reached.add(step_id)
    for index, answer in enumerate(STEPS[step_id]["answers"]):
        page.locator(f'[data-step="{step_id}"] a.guide-answer').nth(index).click()
        if answer["go"] in STEPS:
            expect(page.locator(f'[data-step="{answer["go"]}"]')).to_be_visible()
            assert page.url == guide_url(site, lang, answer["go"])
            # The keyboard and the screen reader start from the new question.
            assert page.evaluate("document.activeElement.id") == answer["go"]
            _walk(page, site, lang, answer["go"], reached)
        else:
            page.wait_for_url(section_url(site, lang, answer["go"]))
            reached.add(answer["go"])
        page.go_back()
        page.wait_for_url(here)
        expect(page.locator(f'[data-step="{step_id}"]')).to_be_visible()
        assert shown_steps(page) == [step_id], (step_id, index, page.url)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_path_can_be_clicked_through_and_back_returns_each_time(site, page, lang):
    page.goto(guide_url(site, lang))
    reached = set()
    _walk(page, site, lang, GUIDE["start"], reached)
    targets = {a["go"] for s in GUIDE["steps"] for a in s["answers"] if a["go"] not in STEPS}
    assert reached == set(STEPS) | targets


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_step_has_its_own_address_and_the_previous_question_link(site, page, lang):
    for step in GUIDE["steps"]:
        page.goto(guide_url(site, lang, step["id"]))
        assert shown_steps(page) == [step["id"]]
    page.goto(guide_url(site, lang, "no-such-step"))
    assert shown_steps(page) == [GUIDE["start"]]
    # Reached by a link from support: "Previous question" goes to the step before it.
    page.goto(guide_url(site, lang, "devices"))
    page.locator('[data-step="devices"] a.guide-back').click()
    assert page.url == guide_url(site, lang, GUIDE["parents"]["devices"])
    assert shown_steps(page) == [GUIDE["parents"]["devices"]]
    # Reached by answering: "Previous question" is the browser's Back (no new history entry).
    page.locator(f'[data-step="{GUIDE["parents"]["devices"]}"] a.guide-answer[href="#devices"]').click()
    length = page.evaluate("history.length")
    page.locator('[data-step="devices"] a.guide-back').click()
    page.wait_for_url(guide_url(site, lang, GUIDE["parents"]["devices"]))
    assert page.evaluate("history.length") == length
    assert shown_steps(page) == [GUIDE["parents"]["devices"]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answering_by_keyboard_moves_to_the_next_question(site, page, lang):
    page.goto(guide_url(site, lang, "key"))
    page.locator('[data-step="key"] a.guide-answer[href="#internet"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-step="internet"]')).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "internet"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[data-step]').dataset.step") == "internet"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_any_step(site, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = []
    for lang in LANGUAGES:
        for step in GUIDE["steps"]:
            page.goto(guide_url(site, lang, step["id"]))
            assert shown_steps(page) == [step["id"]]
            settled(page)
            problems += [f"{lang} {step['id']}: {v}" for v in axe_violations(page)]
    context.close()
    assert not problems, "\n".join(problems)


def test_following_a_fix_ticks_it_and_stores_nothing_else(site, page):
    page.goto(guide_url(site, "en", "wait"))
    page.locator('[data-step="wait"] a.guide-answer--fix').click()
    page.wait_for_url(section_url(site, "en", "troubleshooting/#server-problems"))
    stored = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert stored == '[["activation-help-tried","[\\"troubleshooting/#server-problems\\"]"]]'


# --- from the home page, as a reader clicks ------------------------------------------

def _visible_links(page):
    """{absolute href: True} of every link a reader can see and click on the page."""
    return page.evaluate("""() => [...document.querySelectorAll('a[href]')].filter(a => {
        const box = a.getBoundingClientRect(); const style = getComputedStyle(a);
        return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !a.closest('[hidden]');
      }).map(a => a.href)""")


def _click_link_to(page, href):
    links = page.locator("a[href]:visible")
    for index in range(links.count()):
        if links.nth(index).evaluate("a => a.href") == href:
            links.nth(index).click()
            return
    raise AssertionError(f"no visible link to {href} on {page.url}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_reader_reaches_every_seed_cause_from_the_home_page_within_two_clicks(site, browser, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    home = site.page_url(lang)
    page.goto(home)
    first = [href for href in dict.fromkeys(_visible_links(page)) if href.startswith(site.url)]
    second = {}  # page reached in one click -> links visible there
    for href in first:
        page.goto(href)
        second[href] = set(_visible_links(page))
    clicks = {}
    for cause in CAUSES["causes"]:
        target = section_url(site, lang, cause["section"])
        if target in first:
            path = [target]
        else:
            via = next((href for href in first if target in second[href]), None)
            assert via, f"{lang}: {cause['cause']}: {target} is not within two clicks of {home}"
            path = [via, target]
        # Walk it for real: click, from the home page.
        page.goto(home)
        for href in path:
            _click_link_to(page, href)
            page.wait_for_url(href)
        section_id = cause["section"].split("#")[1]
        expect(page.locator(f"#{section_id}")).to_be_visible()
        clicks[cause["section"]] = len(path)
    context.close()
    assert max(clicks.values()) <= CAUSES["clicks"], clicks
    print(lang, clicks)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_error_code_box_opens_every_codes_fix(site, page, lang):
    for code, entry in CODES.codes.items():
        page.goto(site.page_url(lang))
        box = page.locator(".error-lookup__input")
        expect(box).to_be_visible()
        box.fill(code.lower().replace("-", " "))
        page.locator(".error-lookup__button").click()
        page.wait_for_url(section_url(site, lang, entry.section))


# --- a way forward from every section -------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page_name", ["troubleshooting", "entering-keys"])
def test_every_section_ends_with_what_to_do_if_it_did_not_help(site, lang, page_name):
    prefix = "" if lang == LANGUAGES[0] else f"{lang}/"
    html = (site.dir / prefix / page_name / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    article = re.sub(r"<nav class=\"md-source-file\">.*?</nav>|<aside class=\"md-source-file\">.*?</aside>", "",
                     article, flags=re.S)
    sections = re.split(r"<h2 ", article)[1:]
    assert len(sections) >= 9
    dead_ends = []
    for section in sections:
        section_id = re.match(r'id="([^"]+)"', section).group(1)
        body = re.sub(r"<hr>|<div class=\"md-source-file\">.*", "", section, flags=re.S).rstrip()
        last = body[body.rindex("<p"):]
        if not (last.startswith('<p class="next-step">') and last.endswith("</p>") and "<a " in last):
            dead_ends.append(section_id)
    assert not dead_ends, f"{prefix}{page_name}: sections without a way forward: {dead_ends}"
