"""Translation freshness: does each translated page still translate its source?

Every page exists in each language (``faq.md``, ``faq.en.md``). One of a pair is the
source, the other its translation; the translation records, in its front matter, which
version of the source it translates:

    translation:
      source: faq.md
      hash: 3f2a9c1b0d4e

``hash`` is the start of the SHA-256 of the source's normalized text (``source_hash``).
The translator writes it with ``make translated PAGE=faq`` when done
(``tools/translation_status.py``). When the source has changed since, the build puts a notice
on the translated page, in its language, with the date the source changed (git, when it
knows) and a link to the source (``overrides/partials/translation-notice.html``, texts
in ``catalog/page-texts.yml``); ``make translations`` lists such pages and ``make check``
warns about them (fails with ``STRICT_TRANSLATIONS=1``).

A pair in which neither page has a record is the default language's page and its
translation, not yet recorded ("unrecorded"): no notice (nothing is known), but the
report and ``make check`` name it. Either language can be the source: the page that
carries the record is the translation.

>>> source_hash("# FAQ  \\r\\n\\r\\n\\r\\nText\\n") == source_hash("# FAQ\\n\\nText")
True
"""

import hashlib
import logging
import os
import posixpath
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path alone (tests, tools)
import git_dates  # noqa: E402
import site_layout  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
TEXTS = ROOT / "catalog" / "page-texts.yml"
TEMPLATE = Path(__file__).resolve().parent.parent / "partials" / "translation-notice.html"
LANGUAGES = ("ja", "en")  # default first; mkdocs.yml's i18n languages (the hook checks they agree)
HASH_LENGTH = 12  # hex digits: plenty to tell versions of one page apart
RECORD_KEY = "translation"
STRICT_ENV = "STRICT_TRANSLATIONS"  # "1": `make check` / `make translations` fail on out-of-date pages

log = logging.getLogger("mkdocs.hooks.translations")

FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
RECORD_BLOCK = re.compile(rf"^{RECORD_KEY}:.*\n(?:[ \t]+.*\n)*", re.M)


def page_language(name, languages=LANGUAGES):
    """The language of a page file name: "faq.en.md" -> "en", "faq.md" -> the default."""
    parts = Path(name).name.split(".")
    return parts[-2] if len(parts) > 2 and parts[-2] in languages[1:] else languages[0]


def page_base(name, languages=LANGUAGES):
    """The language-neutral name of a page: "guide/faq.en.md" -> "guide/faq"."""
    name = Path(name).as_posix().removesuffix(".md")
    lang = page_language(name + ".md", languages)
    return name.removesuffix(f".{lang}") if lang != languages[0] else name


def page_file(base, lang, languages=LANGUAGES):
    return f"{base}.md" if lang == languages[0] else f"{base}.{lang}.md"


def normalized(text):
    """The text that counts as the page's content: the translation record left out,
    Unicode NFC, no trailing spaces, single blank lines, LF line ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    match = FRONT_MATTER.match(text)
    if match:
        text = "---\n" + RECORD_BLOCK.sub("", match.group(1)) + "---\n" + text[match.end():]
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def source_hash(text):
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()[:HASH_LENGTH]


def read_record(text):
    """The page's translation record {"source": ..., "hash": ...}, or None."""
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return None
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return None
    record = meta.get(RECORD_KEY) if isinstance(meta, dict) else None
    return record if isinstance(record, dict) else None


def with_record(text, source_name, digest):
    """The page's text with its translation record set to (source_name, digest)."""
    block = f"{RECORD_KEY}:\n  source: {source_name}\n  hash: {digest}\n"
    text = text.replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        return f"---\n{block}---\n\n{text}"
    return "---\n" + RECORD_BLOCK.sub("", match.group(1)) + block + "---\n" + text[match.end():]


@dataclass
class Translation:
    """A translated page and the state of its record."""

    page: str  # path under docs/ of the translation ("faq.en.md")
    source: str  # path under docs/ of its source ("faq.md")
    recorded: str | None  # the hash it records, None without a record
    current: str  # the source's hash now

    @property
    def state(self):
        if self.recorded is None:
            return "unrecorded"
        return "current" if self.recorded == self.current else "stale"


def _sources(docs_dir):
    return sorted(p for p in Path(docs_dir).rglob("*.md") if "assets" not in p.relative_to(docs_dir).parts)


def translations(docs_dir=DOCS, languages=LANGUAGES):
    """Every translated page of docs_dir, with its source and state, sorted by page."""
    docs_dir = Path(docs_dir)
    groups = {}
    for path in _sources(docs_dir):
        rel = path.relative_to(docs_dir).as_posix()
        groups.setdefault(page_base(rel, languages), {})[page_language(rel, languages)] = rel
    found = []
    for base, files in sorted(groups.items()):
        if len(files) < 2:
            continue  # a page missing in a language: the build's parity test says so
        records = {lang: read_record((docs_dir / rel).read_text(encoding="utf-8")) for lang, rel in files.items()}
        recorded = [lang for lang in files if records[lang]]
        for lang in recorded or [l for l in files if l != languages[0]]:
            record = records[lang] or {}
            default_source = files[languages[0]] if lang != languages[0] else next(
                rel for l, rel in files.items() if l != lang)
            source = posixpath.normpath(posixpath.join(posixpath.dirname(files[lang]), str(record.get("source", ""))))
            if not record.get("source") or not (docs_dir / source).is_file():
                source = default_source
            digest = record.get("hash")
            found.append(Translation(files[lang], source, None if digest is None else str(digest),
                                     source_hash((docs_dir / source).read_text(encoding="utf-8"))))
    return sorted(found, key=lambda t: t.page)


def stamp(docs_dir, page, languages=LANGUAGES):
    """Record in `page` (a translation, path under docs_dir) the current version of its source.

    Returns the Translation as it was before. The source is the record's, else the
    other language's page (the default language's, for a page in another language)."""
    docs_dir = Path(docs_dir)
    for translation in translations(docs_dir, languages):
        if translation.page == page:
            path = docs_dir / page
            source_name = posix_relative(translation.source, page)
            path.write_text(with_record(path.read_text(encoding="utf-8"), source_name, translation.current),
                            encoding="utf-8")
            return translation
    raise ValueError(f"{page}: not a translated page (its pair in the other language is missing?)")


def posix_relative(target, from_page):
    """``target`` (a path under docs/) as seen from the folder of ``from_page``."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def strict():
    return os.environ.get(STRICT_ENV, "") not in ("", "0", "false")


# --- the hook: a notice on each out-of-date translation --------------------

_state = {}


def load_texts(path=TEXTS, languages=LANGUAGES):
    texts = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for lang in languages:
        for key in ("stale_title", "stale_text", "stale_text_undated", "stale_link", "last_updated"):
            if not isinstance((texts.get(lang) or {}).get(key), str) or not texts[lang][key].strip():
                raise ValueError(f"{path}: `{lang}.{key}` is missing or empty")
        names = texts[lang].get("language_names") or {}
        missing = [l for l in languages if not names.get(l)]
        if missing:
            raise ValueError(f"{path}: `{lang}.language_names` has no name for {', '.join(missing)}")
    return texts


def format_date(date, lang):
    """A date in the reader's language and format (Babel's "long": 2026年12月7日, December 7, 2026)."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(date, format="long", locale=lang)


def on_config(config):
    from mkdocs.exceptions import PluginError

    i18n = config.plugins["i18n"]
    languages = tuple([i18n.default_language] + [l for l in i18n.build_languages if l != i18n.default_language])
    if languages != LANGUAGES:
        raise PluginError(f"translations: the site's languages {languages} are not {LANGUAGES} (hooks/translations.py)")
    try:
        _state["texts"] = load_texts()
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise PluginError(f"translations: {error}") from error
    _state["template"] = jinja2.Template(TEMPLATE.read_text(encoding="utf-8"), autoescape=True)
    _state["stale"] = {t.page: t for t in translations(config.docs_dir) if t.state == "stale"}
    _state["dates"] = git_dates.last_changed(config.docs_dir)
    for translation in _state["stale"].values():
        log.info(f"translations: {translation.page} may be out of date ({translation.source} changed since); "
                 "`make translations` lists them")
    return config


def notice_html(translation, page_url, lang, directory_urls, source_date):
    """The notice for an out-of-date translation shown at page_url (a page of `lang`)."""
    texts = _state["texts"][lang]
    source_lang = page_language(translation.source)
    neutral = site_layout.without_language(page_url, lang, LANGUAGES[0])
    target = site_layout.language_root(source_lang, LANGUAGES[0]) + neutral
    values = {"language": texts["language_names"][source_lang]}
    if source_date:
        values["date"] = format_date(source_date, lang)
        text = texts["stale_text"].format(**values)
    else:
        text = texts["stale_text_undated"].format(**values)
    return _state["template"].render(
        lang=lang, source_lang=source_lang, title=texts["stale_title"], text=text, link=texts["stale_link"],
        source_url=site_layout.relative_url(site_layout.page_folder(page_url, directory_urls), target),
        source_date=source_date.isoformat() if source_date else "",
    )


def on_page_content(html, page, config, files):
    rel = Path(page.file.abs_src_path).relative_to(config.docs_dir).as_posix()
    translation = _state["stale"].get(rel)
    if translation is None:
        return html
    lang = config.plugins["i18n"].current_language
    notice = notice_html(translation, page.url, lang, config.use_directory_urls,
                         _state["dates"].get(translation.source))
    heading_end = html.find("</h1>")
    if heading_end < 0:
        return notice + html
    heading_end += len("</h1>")
    return html[:heading_end] + notice + html[heading_end:]
