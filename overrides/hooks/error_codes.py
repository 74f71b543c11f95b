"""Error codes: links from the product's error dialogs, generated from one catalog.

``catalog/error-codes.yml`` is the single source. From it, in every language:

- ``<!-- error-codes -->`` in a page becomes the list of codes (a section per code,
  id = the lower-case code), ``<!-- error-lookup -->`` becomes the lookup box; the
  not-found pages get the lookup box appended (or where they put the marker);
- after the last language is built: ``/go/CODE/`` and ``/en/go/CODE/`` (static pages
  that redirect to the code's section, working without JavaScript; the same under the
  lower-case code, ``/go/net-001/``; other spellings, ``/go/Net-001/``, reach the 404
  page, whose lookup box sends them on) and ``/links.json``,
  which also gives each section's path inside the offline bundle (``offline``).
  The /go/ pages use relative URLs only, so a copy of the site on any other host
  (staging, preview, intranet mirror) keeps its readers there; links.json is absolute.
- pages with a lookup box or the list load ``error-lookup.js`` and ``error-codes.css``;
  no other page does.

The offline bundle (``make offline``, opened from a file) has no /go/ pages: there the
lookup box links relatively, to ``page.html#id``.

The /go/ pages and links.json are written after the build, outside MkDocs' files, so
they stay out of the sitemap and the search index. Markup lives in the Jinja templates
next to this file; every text shown to readers comes from the catalog.
"""

import json
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
import jinja2
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

import site_layout

# ERROR_CODES_CATALOG=/path/file.yml builds with another catalog (the tests' second vendor).
CATALOG = Path(os.environ.get("ERROR_CODES_CATALOG") or Path(__file__).resolve().parents[2] / "catalog" / "error-codes.yml")
# The checker's normalization table (dashes, invisible characters): the lookup box reads
# codes by the same rule the checker reads keys.
NORMALIZATION = Path(os.environ.get("CHECKER_FORMATS")
                     or Path(__file__).resolve().parents[2] / "checker" / "data" / "formats.json")
TEMPLATES = Path(__file__).resolve().parent

# The shape the product shows (NET-001); the lookup box normalizes input to it.
CODE = re.compile(r"^[A-Z]{3}-[0-9]{3}$")
# "page/#section-id", relative to the language root; ids are explicit ASCII heading ids.
SECTION = re.compile(r"^((?:[a-z0-9][a-z0-9-]*/)+)#([a-z0-9][a-z0-9-]*)$")
# Markers this hook owns: every "<!-- error-… -->" comment must be one of these.
MARKER = re.compile(r"<!--\s*(error-[\w-]*)\s*-->")
MARKERS = ("error-codes", "error-lookup")
TEXT_KEYS = ("title", "explanation")
UI_KEYS = ("lookup_heading", "lookup_label", "lookup_placeholder", "lookup_button", "lookup_hint",
           "lookup_empty", "lookup_unknown", "all_codes", "read_more", "go_title", "go_text", "go_link")


class CatalogError(PluginError):
    """The catalog cannot be used; the message says where and why."""


@dataclass(frozen=True)
class ErrorCode:
    code: str
    section: str  # "page/#section-id"
    text: dict  # language -> {"title": ..., "explanation": ...}

    @property
    def anchor(self):
        """The code's section id on the errors page ("net-001")."""
        return self.code.lower()


@dataclass(frozen=True)
class Catalog:
    codes: dict  # code -> ErrorCode, in catalog order
    retired: dict  # old code -> current code
    ui: dict  # language -> {key: text}

    def resolve(self, code):
        """The ErrorCode that a current or retired code leads to."""
        return self.codes[self.retired.get(code, code)]


# --- the catalog -------------------------------------------------------------

class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line):
        super().__init__(f"line {line}: {key!r} appears twice")


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _mapping(value, where):
    if not isinstance(value, dict):
        raise CatalogError(f"{where} must be a mapping, not {type(value).__name__}: {value!r}")
    return value


def _texts(value, keys, where):
    value = _mapping(value, where)
    for key in keys:
        text = value.get(key)
        if not isinstance(text, str) or not text.strip():
            raise CatalogError(f"{where}: {key!r} is missing or empty")
        if "\n" in text.strip():
            raise CatalogError(f"{where}: {key!r} must be one line: {text!r}")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise CatalogError(f"{where}: unknown key(s) {unknown}; expected {list(keys)}")
    return {key: value[key].strip() for key in keys}


def load_catalog(path=CATALOG, languages=("ja", "en")):
    """Read and check the catalog; raise CatalogError, naming the file and the entry, if it is wrong."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except OSError as error:
        raise CatalogError(f"error-code catalog {path} cannot be read: {error}") from error
    except yaml.YAMLError as error:
        raise CatalogError(f"error-code catalog {path}: {error}") from error
    data = _mapping(data, f"{path}")
    unknown = sorted(set(data) - {"codes", "retired", "ui"})
    if unknown:
        raise CatalogError(f"{path}: unknown top-level key(s) {unknown}; expected codes, retired, ui")

    codes = {}
    for code, entry in _mapping(data.get("codes"), f"{path}: 'codes'").items():
        where = f"{path}: code {code!r}"
        if not isinstance(code, str) or not CODE.match(code):
            raise CatalogError(f"{where}: a code is three capital letters, a hyphen and three digits (NET-001)")
        entry = _mapping(entry, where)
        section = entry.get("section")
        if not isinstance(section, str) or not SECTION.match(section):
            raise CatalogError(f"{where}: section {section!r} is not \"page/#section-id\" "
                               "(lower-case ASCII, e.g. troubleshooting/#check-connection)")
        unknown = sorted(set(entry) - {"section", *languages})
        if unknown:
            raise CatalogError(f"{where}: unknown key(s) {unknown}; expected section and {list(languages)}")
        text = {}
        for lang in languages:
            if lang not in entry:
                raise CatalogError(f"{where}: no {lang!r} text (every code needs a title and an "
                                   f"explanation in each language: {', '.join(languages)})")
            text[lang] = _texts(entry[lang], TEXT_KEYS, f"{where}, language {lang!r}")
        codes[code] = ErrorCode(code, section, text)
    if not codes:
        raise CatalogError(f"{path}: 'codes' is empty")

    retired = {}
    for old, new in _mapping(data.get("retired") or {}, f"{path}: 'retired'").items():
        where = f"{path}: retired code {old!r}"
        if not isinstance(old, str) or not CODE.match(old):
            raise CatalogError(f"{where}: a code is three capital letters, a hyphen and three digits (NET-001)")
        if old in codes:
            raise CatalogError(f"{where} is also a current code; a code is either current or retired")
        if new not in codes:
            raise CatalogError(f"{where} points to {new!r}, which is not a current code")
        retired[old] = new

    ui_data = _mapping(data.get("ui"), f"{path}: 'ui'")
    ui = {}
    for lang in languages:
        if lang not in ui_data:
            raise CatalogError(f"{path}: 'ui' has no {lang!r} texts (needed for: {', '.join(languages)})")
        ui[lang] = _texts(ui_data[lang], UI_KEYS, f"{path}: 'ui', language {lang!r}")
    return Catalog(codes, retired, ui)


# --- URLs ----------------------------------------------------------------------

def section_url(site_url, lang, default, section):
    """Absolute URL of a "page/#id" section in one language (for links.json)."""
    return site_layout.absolute_url(site_url, site_layout.language_root(lang, default) + section)


def offline_path(lang, default, section):
    """A "page/#id" section's path inside the offline bundle ("en/troubleshooting.html#id")."""
    page_part, section_id = SECTION.match(section).groups()
    return f"{site_layout.language_root(lang, default)}{page_part.rstrip('/')}.html#{section_id}"


def links_json(catalog, site_url, languages, default):
    """The document developers build their dialogs from (/links.json)."""
    return {
        "codes": {code: {lang: section_url(site_url, lang, default, entry.section) for lang in languages}
                  for code, entry in catalog.codes.items()},
        "offline": {code: {lang: offline_path(lang, default, entry.section) for lang in languages}
                    for code, entry in catalog.codes.items()},
        "titles": {code: {lang: entry.text[lang]["title"] for lang in languages}
                   for code, entry in catalog.codes.items()},
    }


def go_pages(catalog, site_url, languages, default, env):
    """{path under the site folder: HTML} of every /go/CODE/ page, retired codes included."""
    pages = {}
    for lang in languages:
        for code in [*catalog.codes, *catalog.retired]:
            entry = catalog.resolve(code)
            ui = catalog.ui[lang]
            fill = {"{code}": code, "{title}": entry.text[lang]["title"]}
            here = site_layout.go_folder(code, lang, default)
            section = site_layout.language_root(lang, default) + entry.section
            html = env.get_template("error_go.html").render(
                lang=lang,
                target=site_layout.relative_url(here, section),
                canonical=section_url(site_url, lang, default, entry.section),
                favicon=site_layout.relative_url(here, site_layout.ASSETS + "favicon.svg"),
                title=_fill(ui["go_title"], fill),
                text=_fill(ui["go_text"], fill),
                link_text=ui["go_link"],
            )
            # The same page under the lower-case code too (dialogs and readers type
            # "net-001", some CDNs lower-case paths): the same bytes, so a file system
            # that ignores case just keeps one.
            for spelling in dict.fromkeys([code, code.lower()]):
                pages[site_layout.go_page(spelling, lang, default)] = html
    return pages


def _fill(text, values):
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _environment():
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def write_if_changed(path, content):
    """Write a generated file only when its content changed (keeps `mkdocs serve` calm)."""
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


# --- MkDocs events -------------------------------------------------------------

_state = {}


def _languages(config):
    i18n = config.plugins["i18n"]
    return i18n.build_languages, i18n.default_language, i18n.current_language


def load_normalization(path=NORMALIZATION):
    """The checker's lists of dash and invisible characters ("U+XXXX" each)."""
    table = json.loads(Path(path).read_text(encoding="utf-8"))["normalization"]
    return {key: table[key] for key in ("dash_characters", "invisible_characters")}


def on_pre_build(config):
    languages, _, _ = _languages(config)
    _state["catalog"] = load_catalog(CATALOG, languages)
    _state["normalization"] = load_normalization()
    _state["env"] = _environment()


def on_serve(server, config, builder):
    server.watch(str(CATALOG))
    server.watch(str(NORMALIZATION))
    return server


def _lookup_box(config, lang, heading, page):
    catalog, env = _state["catalog"], _state["env"]
    languages, default, _ = _languages(config)
    codes = [*catalog.codes, *catalog.retired]
    if config.extra.get("offline"):  # from a file: relative to the page, which sits in its language root or below
        root = "../" * page.file.src_uri.count("/")
        targets = {code: root + offline_path(lang, lang, catalog.resolve(code).section) for code in codes}
        return env.get_template("error_lookup.html").render(
            ui=catalog.ui[lang], targets=targets, errors_url=root + "errors.html", heading=heading,
            not_found=False, normalization=_state["normalization"])
    # Relative to the page, so a copy served under another path (/help/) keeps its
    # readers. A 404 page sits in its language root: its URLs are relative to that, and
    # not_found.py points the page's <base> there, wherever the host serves it.
    here = site_layout.page_folder(page.url, directory_urls=not page.url.endswith(".html"))  # 404.html
    root = site_layout.language_root(lang, default)
    targets = {code: site_layout.relative_url(here, root + catalog.resolve(code).section) for code in codes}
    return env.get_template("error_lookup.html").render(
        ui=catalog.ui[lang], targets=targets, heading=heading, not_found=site_layout.is_not_found_source(page.file.src_uri),
        errors_url=site_layout.relative_url(here, root + site_layout.ERRORS_PAGE),
        normalization=_state["normalization"])


def _code_list(page, lang):
    catalog, env = _state["catalog"], _state["env"]
    here = posixpath.dirname(page.file.src_uri)
    entries = []
    for entry in catalog.codes.values():
        page_part, section_id = SECTION.match(entry.section).groups()
        source = posixpath.relpath(page_part.rstrip("/") + ".md", here or ".")
        entries.append({"code": entry.code, "anchor": entry.anchor, "link": f"{source}#{section_id}",
                        **entry.text[lang]})
    return env.get_template("error_codes.html").render(ui=catalog.ui[lang], entries=entries)


def on_page_markdown(markdown, page, config, files):
    is_not_found = site_layout.is_not_found_source(page.file.src_uri)
    markers = MARKER.findall(markdown)
    if not markers and not is_not_found:
        return markdown
    unknown = sorted(set(markers) - set(MARKERS))
    if unknown:
        raise PluginError(f"{page.file.src_uri}: unknown marker(s) {', '.join(f'<!-- {m} -->' for m in unknown)}; "
                          f"error_codes.py knows {', '.join(f'<!-- {m} -->' for m in MARKERS)}")
    _, _, lang = _languages(config)

    def replace(match):
        if match.group(1) == "error-codes":
            return _code_list(page, lang)
        return _lookup_box(config, lang, heading=False, page=page)

    page.meta["error_lookup"] = True  # on_post_page adds the box's script and stylesheet
    markdown = MARKER.sub(replace, markdown)
    if is_not_found and "error-lookup" not in markers:
        markdown = markdown.rstrip() + "\n\n" + _lookup_box(config, lang, heading=True, page=page)
    return markdown


# The lookup box's script and the list's stylesheet, for the pages that have them.
PAGE_ASSETS = ('<link rel="stylesheet" href="{}">'.format, '<script src="{}" defer></script>'.format)
PAGE_ASSET_FILES = ("assets/stylesheets/error-codes.css", "assets/javascripts/error-lookup.js")


def on_post_page(output, page, config):
    if not page.meta.get("error_lookup"):
        return output
    tags = "".join(tag(get_relative_url(path, page.url)) for tag, path in zip(PAGE_ASSETS, PAGE_ASSET_FILES))
    # Relative here; not_found.py makes them root-absolute on the 404 pages (it runs later).
    return output.replace("</head>", tags + "</head>", 1)


@event_priority(-200)  # after static-i18n's on_post_build has built every language
def on_post_build(config):
    i18n = config.plugins["i18n"]
    if i18n.building:
        return  # a nested per-language build: write once, at the very end
    if not config.site_url:
        raise PluginError("error_codes.py: site_url is needed for /links.json and the /go/ pages")
    catalog, env = _state["catalog"], _state["env"]
    languages, default, _ = _languages(config)
    if not config.extra.get("offline"):  # a /go/ page would send the reader to the online site
        for rel, html in go_pages(catalog, config.site_url, languages, default, env).items():
            write_if_changed(os.path.join(config.site_dir, rel), html)
    links = links_json(catalog, config.site_url, languages, default)
    write_if_changed(os.path.join(config.site_dir, site_layout.LINKS_JSON),
                     json.dumps(links, ensure_ascii=False, indent=2) + "\n")
