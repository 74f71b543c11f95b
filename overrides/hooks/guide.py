"""The guided troubleshooter and the support request, from ``catalog/guide.yml``.

Markers (any other ``<!-- guide… -->`` or ``<!-- support-request… -->`` stops the build):

- ``<!-- guide -->``: every step of the guide, one section per question with its answers as
  links: to the next question (``#step-id``) or to the section with the fix. Without
  JavaScript that is the whole guide, a linked list; ``docs/assets/javascripts/guide.js``
  shows one step at a time, the one the address names, so each step has its own URL and
  the browser's Back goes to the previous question.
- ``<!-- guide-symptoms -->``: the messages the product shows (the titles of
  ``catalog/error-codes.yml``), each a link to its fix (the home page).
- ``<!-- support-request -->``: the "prepare your request" form; channels from
  ``catalog/product.yml``, the list of steps already tried from the guide's ``fixes``
  (``docs/assets/javascripts/support-request.js`` assembles the text).

The guide is checked when it is read (``load_guide``): every step reachable from the
start, every answer leading to a step or to a heading id that exists in the page in every
language, no path coming back to a step it passed, every fix with a "tried" label.
Markup lives in the Jinja templates next to this file; every text comes from the data.
"""

import json
import posixpath
import re
import sys
from pathlib import Path

import jinja2
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path alone (tests)
import error_codes  # noqa: E402
import product_facts  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "catalog" / "guide.yml"
DOCS = ROOT / "docs"
TEMPLATES = Path(__file__).resolve().parent
KEY_FORMATS = ROOT / "checker" / "data" / "formats.json"
STEP_ID = re.compile(r"^[a-z][a-z0-9-]*$")
SECTION = error_codes.SECTION  # "page/#section-id"
SUPPORT_PAGE = "support/"
MARKER = re.compile(r"<!--\s*((?:guide|support-request)\S*)((?:(?!-->).)*?)\s*-->", re.S)
MARKERS = ("guide", "guide-symptoms", "support-request")
STEP_TEXTS = ("question", "hint")
UI_KEYS = ("fix", "to_support", "start_over", "back", "message")
REQUEST_KEYS = ("code", "code_hint", "message", "version", "version_hint", "os", "browser", "detected_hint",
                "tried", "tried_hint", "details", "checker", "diagnose", "output", "copy", "copied",
                "copy_failed", "mail", "form", "masked", "title", "subject", "subject_code", "none")

_state = {}


class GuideError(PluginError):
    """The guide cannot be used; the message names the file, the step and the field."""


def heading_ids(page_part, lang, default, docs=DOCS):
    """The explicit heading ids ({#id}) of "page/" in one language, from its Markdown source."""
    name = page_part.rstrip("/") + (".md" if lang == default else f".{lang}.md")
    try:
        text = (Path(docs) / name).read_text(encoding="utf-8")
    except OSError:
        return None
    return set(re.findall(r"\{[^}]*#([A-Za-z0-9_-]+)[^}]*\}", text))


def _text(value, where):
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        raise GuideError(f"{where} must be one non-empty line, not {value!r}")
    if re.search(r"[\[\]]", value):
        raise GuideError(f"{where} must not contain [ or ] (it becomes a link text): {value!r}")
    return value.strip()


def _check_section(section, where, languages, default, docs):
    match = SECTION.match(section)
    if not match:
        raise GuideError(f"{where}: {section!r} is neither a step id nor a section \"page/#section-id\"")
    page_part, section_id = match.groups()
    for lang in languages:
        ids = heading_ids(page_part, lang, default, docs)
        if ids is None:
            raise GuideError(f"{where}: {section!r}: the page {page_part} has no {lang!r} version in docs/")
        if section_id not in ids:
            raise GuideError(f"{where}: {section!r}: no heading with id #{section_id} in the {lang!r} page")


def load_guide(path=GUIDE, languages=("ja", "en"), codes=None, docs=DOCS):
    """Read and check the guide. `codes`: the error-code catalog (error_codes.Catalog)."""
    path = Path(path)
    default = languages[0]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise GuideError(f"guide: cannot read {path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise GuideError(f"guide: {path} needs a list of steps")
    ui_raw = data.get("ui") or {}
    ui = {}
    for lang in languages:
        lang_ui = ui_raw.get(lang) if isinstance(ui_raw, dict) else None
        if not isinstance(lang_ui, dict):
            raise GuideError(f"{path}: ui has no {lang!r} texts ({', '.join(UI_KEYS)})")
        ui[lang] = {key: _text(lang_ui.get(key), f"{path}: ui, {lang}, {key}") for key in UI_KEYS}
    steps = {}
    for number, raw in enumerate(data["steps"]):
        where = f"{path}: steps[{number}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not STEP_ID.match(raw["id"]):
            raise GuideError(f"{where}: id must be lower-case ASCII letters, digits, hyphens")
        step_id = raw["id"]
        where = f"{path}: step {step_id!r}"
        if step_id in steps:
            raise GuideError(f"{where} appears twice")
        texts = {}
        for lang in languages:
            lang_texts = raw.get(lang)
            if not isinstance(lang_texts, dict):
                raise GuideError(f"{where}: no {lang!r} texts (question, optional hint)")
            unknown = sorted(set(lang_texts) - set(STEP_TEXTS))
            if unknown:
                raise GuideError(f"{where}, {lang}: unknown key(s) {unknown}; expected {list(STEP_TEXTS)}")
            texts[lang] = {"question": _text(lang_texts.get("question"), f"{where}, {lang}: question"),
                           "hint": _text(lang_texts["hint"], f"{where}, {lang}: hint")
                           if lang_texts.get("hint") is not None else ""}
        answers = []
        if raw.get("error_codes"):
            if codes is None:
                raise GuideError(f"{where}: error_codes needs the error-code catalog")
            for entry in codes.codes.values():
                answers.append({"go": entry.section, "error_code": entry.code,
                                **{lang: message_text(ui[lang], entry, lang) for lang in languages}})
        for index, answer in enumerate(raw.get("answers") or []):
            a_where = f"{where}, answers[{index}]"
            if not isinstance(answer, dict) or not isinstance(answer.get("go"), str):
                raise GuideError(f"{a_where}: needs go: a step id or a section \"page/#section-id\"")
            answers.append({"go": answer["go"], **{lang: _text(answer.get(lang), f"{a_where}, {lang}")
                                                    for lang in languages}})
        if not answers:
            raise GuideError(f"{where} has no answers: every step must lead somewhere")
        steps[step_id] = {"id": step_id, "text": texts, "answers": answers}

    start = data.get("start")
    if start not in steps:
        raise GuideError(f"{path}: start {start!r} is not a step id ({', '.join(steps)})")

    fixes_raw = data.get("fixes") or {}
    if not isinstance(fixes_raw, dict):
        raise GuideError(f"{path}: fixes must map sections to what the reader did there")
    fixes = {}
    for section, labels in fixes_raw.items():
        where = f"{path}: fixes {section!r}"
        _check_section(section, where, languages, default, docs)
        if not isinstance(labels, dict):
            raise GuideError(f"{where} needs a text per language: {', '.join(languages)}")
        fixes[section] = {lang: _text(labels.get(lang), f"{where}, {lang}") for lang in languages}

    for step in steps.values():
        for answer in step["answers"]:
            target = answer["go"]
            where = f"{path}: step {step['id']!r}, answer {answer[default]!r}"
            if target in steps:
                continue
            if STEP_ID.match(target):
                raise GuideError(f"{where}: go: {target!r} is not a step id ({', '.join(steps)})")
            _check_section(target, where, languages, default, docs)
            if not target.startswith(SUPPORT_PAGE) and target not in fixes:
                raise GuideError(f"{where}: the fix {target!r} has no entry under fixes "
                                 "(what the reader says they did there, per language)")

    # No loop: a depth-first walk from the start never meets a step already on its path.
    order, parents = [], {}

    def walk(step_id, path_so_far):
        if step_id in path_so_far:
            loop = " → ".join([*path_so_far[path_so_far.index(step_id):], step_id])
            raise GuideError(f"{path}: the guide loops: {loop} (every path must end at a fix or at support)")
        if step_id not in order:
            order.append(step_id)
        for answer in steps[step_id]["answers"]:
            if answer["go"] in steps:
                parents.setdefault(answer["go"], step_id)
                walk(answer["go"], [*path_so_far, step_id])

    walk(start, [])
    unreachable = [step_id for step_id in steps if step_id not in order]
    if unreachable:
        raise GuideError(f"{path}: step(s) {unreachable} cannot be reached from the start {start!r}")

    request_raw = data.get("request") or {}
    request = {}
    for lang in languages:
        lang_texts = request_raw.get(lang) if isinstance(request_raw, dict) else None
        if not isinstance(lang_texts, dict):
            raise GuideError(f"{path}: request has no {lang!r} texts ({', '.join(REQUEST_KEYS)})")
        unknown = sorted(set(lang_texts) - set(REQUEST_KEYS))
        if unknown:
            raise GuideError(f"{path}: request, {lang}: unknown key(s) {unknown}")
        request[lang] = {key: _text(lang_texts.get(key), f"{path}: request, {lang}, {key}") for key in REQUEST_KEYS}
    return {"start": start, "steps": [steps[s["id"]] for s in data["steps"]], "parents": parents,
            "fixes": fixes, "ui": ui, "request": request}


def message_text(ui, entry, lang):
    """How the guide and the home page quote a message the product shows, with its code."""
    return ui["message"].replace("{message}", entry.text[lang]["title"]).replace("{code}", entry.code)


def _link(section, here):
    """A "page/#id" section as a Markdown link target from the page folder `here`."""
    page_part, section_id = SECTION.match(section).groups()
    return f"{posixpath.relpath(page_part.rstrip('/') + '.md', here or '.')}#{section_id}"


def guide_view(guide, lang, here):
    """What the guide template needs, in one language, links relative to `here`."""
    steps = []
    for step in guide["steps"]:
        answers = []
        for answer in step["answers"]:
            is_step = not SECTION.match(answer["go"])
            answers.append({"text": answer[lang], "step": is_step,
                            "suffix": guide["ui"][lang]["to_support" if answer["go"].startswith(SUPPORT_PAGE) else "fix"],
                            "href": f"#{answer['go']}" if is_step else _link(answer["go"], here),
                            "fix": "" if is_step else answer["go"]})
        steps.append({"id": step["id"], **step["text"][lang], "answers": answers,
                      "parent": guide["parents"].get(step["id"], "")})
    return {"start": guide["start"], "steps": steps, "ui": guide["ui"][lang]}


def key_format_rules(path=KEY_FORMATS):
    """What support-request.js needs to hide a pasted key the checker's way."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    fmt = data["formats"][data["default"]]
    return {"alphabet": fmt["alphabet"] + "".join(fmt.get("confusables") or {}),
            "length": fmt["length"], "groupSize": fmt["group_size"], "separator": fmt["group_separator"],
            "caseSensitive": fmt["case_sensitive"]}


def _json_attr(value):
    return json.dumps(value, ensure_ascii=False)


def _environment():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# --- MkDocs events -------------------------------------------------------------

def _languages(config):
    i18n = config.plugins["i18n"]
    return [entry["locale"] for entry in i18n.config.languages], i18n.current_language


def on_config(config):
    languages, _ = _languages(config)
    codes = error_codes.load_catalog(error_codes.CATALOG, tuple(languages))
    _state.update(codes=codes, guide=load_guide(GUIDE, tuple(languages), codes),
                  facts=product_facts.load_facts(product_facts.FACTS, languages),
                  key_format=key_format_rules(), env=_environment())
    return config


def on_serve(server, config, builder):
    server.watch(str(GUIDE))
    return server


def on_page_markdown(markdown, page, config, files):
    found = list(MARKER.finditer(markdown))
    if not found:
        return markdown
    for match in found:
        if match.group(1) not in MARKERS or match.group(2).strip():
            raise PluginError(f"guide: unknown marker {match.group(0)!r} in {page.file.src_uri}; "
                              f"guide.py knows {', '.join(f'<!-- {m} -->' for m in MARKERS)}")
    _, lang = _languages(config)
    here = posixpath.dirname(page.file.src_uri)
    env, guide = _state["env"], _state["guide"]

    def render(match):
        name = match.group(1)
        if name == "guide":
            page.meta["guide"] = True
            return env.get_template("guide_steps.html").render(**guide_view(guide, lang, here))
        if name == "guide-symptoms":
            symptoms = [{"text": message_text(guide["ui"][lang], entry, lang), "href": _link(entry.section, here)}
                        for entry in _state["codes"].codes.values()]
            return env.get_template("guide_symptoms.html").render(symptoms=symptoms)
        page.meta["support_request"] = True
        facts = {name: values[lang] for name, values in _state["facts"].items()}
        fixes = [{"section": section, "text": labels[lang]} for section, labels in guide["fixes"].items()]
        texts = {key: product_facts.fill(text, _state["facts"], lang, f"catalog/guide.yml request.{key}")
                 for key, text in guide["request"][lang].items()}
        return env.get_template("support_request.html").render(
            t=texts, texts_json=_json_attr(texts), facts=facts, fixes=fixes,
            key_format=_json_attr(_state["key_format"]),
            prefill=_json_attr({k[len("support.prefill."):]: v for k, v in facts.items()
                                if k.startswith("support.prefill.")}))

    return MARKER.sub(render, markdown)


PAGE_ASSETS = {
    "guide": ('<link rel="stylesheet" href="{}">', "assets/stylesheets/guide.css"),
    "guide_script": ('<script src="{}" defer></script>', "assets/javascripts/guide.js"),
    "support_request": ('<script type="module" src="{}"></script>', "assets/javascripts/support-request.js"),
}


def on_post_page(output, page, config):
    wanted = []
    if page.meta.get("guide") or page.meta.get("support_request"):
        wanted.append(PAGE_ASSETS["guide"])
    if page.meta.get("guide"):
        wanted.append(PAGE_ASSETS["guide_script"])
    if page.meta.get("support_request") and not config.extra.get("offline"):
        wanted.append(PAGE_ASSETS["support_request"])
    if not wanted:
        return output
    tags = "".join(tag.format(get_relative_url(path, page.url)) for tag, path in wanted)
    return output.replace("</head>", tags + "</head>", 1)
