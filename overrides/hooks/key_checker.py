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
``assets/pyodide/<content hash>/``: a new runtime gets a new folder, so hosts can cache
the folder for good (deploy/). Its ``manifest.json`` gives the SRI hashes the worker checks.
Pyodide's ``.mjs`` modules are published as ``.js``: stock nginx (Debian's and upstream's
``mime.types``) has no ``.mjs`` and serves it as ``application/octet-stream``, which browsers
refuse to import; every server and host MIME table knows ``.js``.

The offline bundle (``make offline``, opened from a file) ships no runtime: browsers
do not run module workers from file:// pages. There the widget is rendered in its
``offline`` state: it says the checker needs the online site and lists the manual checks.
"""

import hashlib
import json
import os
import sys
from pathlib import Path

import jinja2
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path alone (tests)
import page_markers  # noqa: E402
import site_layout  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
# CHECKER_RUNTIME=/path/runtime: a runtime built with `tools/build_runtime.py --out` (another vendor's formats).
RUNTIME = Path(os.environ.get("CHECKER_RUNTIME") or ROOT / "build" / "runtime")
MANIFEST = RUNTIME / "manifest.json"
TEXTS = ROOT / "catalog" / "key-checker.yml"  # outside overrides/, which MkDocs would publish
# The most the checker judges: the widget hands the runtime no more than that of a paste.
FORMATS = ROOT / "checker" / "data" / "formats.json"
TEMPLATE = Path(__file__).resolve().parent.parent / "partials" / "key-checker.html"
RUNTIME_DEST = "assets/pyodide"  # in the site, shared by every language; + "/<hash>/"
# Published name of each runtime file whose name a stock server might not know.
PUBLISHED_NAMES = {"pyodide.mjs": "pyodide.js", "pyodide.asm.mjs": "pyodide.asm.js", "zstd-decoder.mjs": "zstd-decoder.js"}
HASH_LENGTH = 12  # hex digits of sha256: plenty to tell runtimes apart
# Every marker this hook owns; an HTML comment in rendered Markdown survives as is.
KNOWN_MARKER = "key-checker"
MARKER = page_markers.marker_pattern(KNOWN_MARKER)

# The widget's texts per language (catalog/key-checker.yml); `script` holds what its JavaScript reads.
TEXT_KEYS = ("title", "label", "hint", "privacy", "product_label", "product_any", "check", "loading", "noscript",
             "error_message", "retry", "offline", "manual_title", "manual_links", "script")

_state = {}


def load_texts(path, languages):
    """catalog/key-checker.yml, checked: every language built has exactly TEXT_KEYS, the same
    `script` keys as the first, and links with a text and an href. PluginError names the field."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PluginError(f"key_checker: cannot read {path}: {error}") from None
    if not isinstance(data, dict):
        raise PluginError(f"key_checker: {path} must hold one mapping of texts per language")
    unknown = sorted(set(data) - set(languages))
    if unknown:
        raise PluginError(f"key_checker: {path}: unknown field(s) {unknown}; allowed: the languages {list(languages)}")
    for lang in languages:
        texts = data.get(lang)
        if not isinstance(texts, dict):
            raise PluginError(f"key_checker: {path}: no texts for language {lang!r}")
        missing, extra = sorted(set(TEXT_KEYS) - set(texts)), sorted(set(texts) - set(TEXT_KEYS))
        if missing or extra:
            raise PluginError(f"key_checker: {path}, language {lang!r}: "
                              + (f"missing {missing}" if missing else f"unknown field(s) {extra}")
                              + f"; the fields are {', '.join(TEXT_KEYS)}")
        links = texts["manual_links"]
        if not isinstance(links, list) or not links or not all(
                isinstance(link, dict) and set(link) == {"text", "href"} for link in links):
            raise PluginError(f"key_checker: {path}, language {lang!r}, field 'manual_links': "
                              "a list of links, each with exactly a text and an href")
        script = texts["script"]
        reference = data[languages[0]]["script"]
        if not isinstance(script, dict) or set(script) != set(reference):
            keys = set(script) if isinstance(script, dict) else set()
            raise PluginError(f"key_checker: {path}, language {lang!r}, field 'script': differs from "
                              f"{languages[0]!r} in {sorted(keys ^ set(reference))}")
    return data


def _manifest():
    if not MANIFEST.exists():
        raise PluginError(
            "key_checker: the checker's browser runtime is missing (build/runtime/manifest.json). "
            "Build it with `make runtime` (`make build`, `make serve` and `make test` do it for you)."
        )
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def published_name(name):
    return PUBLISHED_NAMES.get(name, name)


def runtime_folder(manifest, folder=RUNTIME / "pyodide"):
    """``pyodide/<hash>/`` (under assets/): the hash covers every file's name and bytes."""
    digest = hashlib.sha256()
    for name in sorted(manifest["files"]):
        digest.update(published_name(name).encode() + b"\0")
        digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
    return f"{RUNTIME_DEST.removeprefix('assets/')}/{digest.hexdigest()[:HASH_LENGTH]}/"


def on_config(config):
    manifest = _manifest()
    if _state.get("manifest") != manifest or "runtime_folder" not in _state:
        _state["runtime_folder"] = runtime_folder(manifest)  # once per build, not per language
    _state["manifest"] = manifest
    _state["texts"] = load_texts(TEXTS, config.plugins["i18n"].build_languages)
    formats = Path(os.environ.get("CHECKER_FORMATS") or FORMATS)  # the file key_facts.py checked
    _state["max_input_length"] = json.loads(formats.read_text(encoding="utf-8"))["normalization"]["max_input_length"]
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
        dest = f"assets/{_state['runtime_folder']}{published_name(name)}"
        files.append(File.generated(config, dest, abs_src_path=str(src)))
    return files


def _page_link(href, config):
    """A "page/#id" link as the build writes URLs ("page.html#id" without directory URLs)."""
    return site_layout.page_link(href, config.use_directory_urls)


def on_page_content(html, page, config, files):
    markers = page_markers.find_markers(html, MARKER, KNOWN_MARKER, "key_checker", page.file.src_uri)
    if not markers:
        return html
    lang = config.plugins["i18n"].current_language
    texts = _state["texts"].get(lang)
    if texts is None:
        raise PluginError(f"key_checker: no texts for language {lang!r} in {TEXTS.name}")
    manifest = _state["manifest"]
    language_root = site_layout.language_root_from(
        page.url, lang, config.plugins["i18n"].default_language, config.use_directory_urls)
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
            max_input_length=_state["max_input_length"],
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
        "wasmZst": manifest["wasm_zst"]["file"], "wasmZstIntegrity": manifest["wasm_zst"]["integrity"],
        "wasmRaw": manifest["wasm_raw"]["file"], "wasmRawIntegrity": manifest["wasm_raw"]["integrity"],
        "wasmRawBytes": manifest["wasm_raw"]["bytes"],
        "wheel": manifest["wheel"]["file"], "wheelIntegrity": manifest["wheel"]["integrity"],
        "stdlib": manifest["stdlib"]["file"], "stdlibIntegrity": manifest["stdlib"]["integrity"],
        # What each start downloads, by file (the widget's "1.2 of 3.9 MB").
        "sizes": {
            "snapshot": {"wasm": manifest["wasm"]["bytes"], "snapshot": manifest["snapshot"]["bytes"]},
            "plain": {"wasm": manifest["wasm_zst"]["bytes"], "stdlib": manifest["stdlib"]["bytes"]},
        },
        "package": manifest["package"],
        "runtime": _state["runtime_folder"],  # relative to assets/
    }
    return MARKER.sub(widget, html)
