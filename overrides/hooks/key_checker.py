"""The in-browser key checker: the widget in pages, the Python runtime in the site.

A page asks for the widget with the marker ``<!-- key-checker -->`` in its Markdown.
The marker is replaced by ``overrides/partials/key-checker.html`` rendered with the
page language's texts from ``catalog/key-checker.yml``; any other marker
starting with ``key-checker`` stops the build. Pages with the widget get
``page.meta["key_checker"]`` (the runtime's file names and SRI hashes), so
``overrides/main.html`` adds the widget's stylesheet, module and runtime settings only
there: pages without it load nothing of the runtime.

The runtime itself (the Pyodide files, the checker wheel in ``pyodide-lock.json``, a
memory snapshot) is built by ``make runtime`` into ``build/runtime/`` and copied into
``assets/pyodide/``. Its ``manifest.json`` gives the SRI hashes the worker checks.

The offline bundle (``make offline``, opened from a file) ships no runtime: browsers
do not run module workers from file:// pages. There the widget is rendered in its
``offline`` state: it says the checker needs the online site and lists the manual checks.
"""

import json
import posixpath
import re
from pathlib import Path

import jinja2
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent.parent
RUNTIME = ROOT / "build" / "runtime"
MANIFEST = RUNTIME / "manifest.json"
TEXTS = ROOT / "catalog" / "key-checker.yml"  # outside overrides/, which MkDocs would publish
TEMPLATE = Path(__file__).resolve().parent.parent / "partials" / "key-checker.html"
RUNTIME_DEST = "assets/pyodide"  # in the site, shared by every language
# Every marker this hook owns; an HTML comment in rendered Markdown survives as is.
MARKER = re.compile(r"<!--\s*(key-checker\S*)((?:(?!-->).)*?)\s*-->", re.S)
KNOWN_MARKER = "key-checker"

_state = {}


def _manifest():
    if not MANIFEST.exists():
        raise PluginError(
            "key_checker: the checker's browser runtime is missing (build/runtime/manifest.json). "
            "Build it with `make runtime` (`make build`, `make serve` and `make test` do it for you)."
        )
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def on_config(config):
    _state["manifest"] = _manifest()
    _state["texts"] = yaml.safe_load(TEXTS.read_text(encoding="utf-8"))
    env = jinja2.Environment(
        # The theme's folders too, for Material's icons (`{% include ".icons/…svg" %}`).
        loader=jinja2.FileSystemLoader([TEMPLATE.parent, *config.theme.dirs]), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    _state["template"] = env.get_template(TEMPLATE.name)
    return config


def on_files(files, config):
    i18n = config.plugins["i18n"]
    if i18n.current_language != i18n.default_language or config.extra.get("offline"):
        return files  # the runtime is shared; the default language's build copies it once
    folder = RUNTIME / "pyodide"
    for name in _state["manifest"]["files"]:
        src = folder / name
        if not src.exists():
            raise PluginError(f"key_checker: {src} is missing: run `make runtime` again")
        files.append(File.generated(config, f"{RUNTIME_DEST}/{name}", abs_src_path=str(src)))
    return files


def _language_root(page, config):
    """Relative URL from the page to its language's root ("../" from "en/checker/")."""
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    prefix = "" if lang == i18n.default_language else f"{lang}/"
    url = page.url[len(prefix):] if prefix and page.url.startswith(prefix) else page.url
    depth = url.count("/") if config.use_directory_urls else posixpath.dirname(url).count("/") + bool(posixpath.dirname(url))
    return "../" * depth or "./"


def _page_link(href, config):
    """A "page/#id" link as the build writes URLs ("page.html#id" without directory URLs)."""
    if config.use_directory_urls:
        return href
    path, hash_mark, fragment = href.partition("#")
    return (path.rstrip("/") or "index") + ".html" + hash_mark + fragment


def on_page_content(html, page, config, files):
    markers = list(MARKER.finditer(html))
    if not markers:
        return html
    for match in markers:
        if match.group(1) != KNOWN_MARKER or match.group(2).strip():
            raise PluginError(
                f"key_checker: unknown marker {match.group(0)!r} in {page.file.src_uri}: "
                f"the only one is <!-- {KNOWN_MARKER} -->"
            )
    lang = config.plugins["i18n"].current_language
    texts = _state["texts"].get(lang)
    if texts is None:
        raise PluginError(f"key_checker: no texts for language {lang!r} in {TEXTS.name}")
    manifest = _state["manifest"]
    language_root = _language_root(page, config)
    counter = iter(range(1, len(markers) + 1))

    offline = bool(config.extra.get("offline"))
    manual_links = [dict(link, href=_page_link(link["href"], config)) for link in texts["manual_links"]]

    def widget(match):
        number = next(counter)
        return _state["template"].render(
            uid=f"key-checker-{number}",
            lang=lang,
            t=texts,
            offline=offline,
            manual_links=manual_links,
            language_root=language_root,
            runtime=manifest,
            products=[{"id": p["id"], "name": p["name"].get(lang) or p["id"]} for p in manifest["products"]],
            # Inside <script type="application/json">: "<" escaped, so no "</script>" can end it.
            script_texts=json.dumps(texts["script"], ensure_ascii=False).replace("<", "\\u003c"),
        )

    if offline:
        page.meta["key_checker"] = {"offline": True}  # the stylesheet, no runtime
        return MARKER.sub(widget, html)
    page.meta["key_checker"] = {
        "snapshot": manifest["snapshot"]["file"], "snapshotIntegrity": manifest["snapshot"]["integrity"],
        "snapshotBytes": manifest["snapshot"]["raw_bytes"],
        "wasm": manifest["wasm"]["file"], "wasmIntegrity": manifest["wasm"]["integrity"],
        "wheel": manifest["wheel"]["file"], "wheelIntegrity": manifest["wheel"]["integrity"],
        "package": manifest["package"],
    }
    return MARKER.sub(widget, html)
