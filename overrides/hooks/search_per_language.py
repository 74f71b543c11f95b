"""Search that answers in the page's language only.

static-i18n stacks every language into one ``search/search_index.json`` at the site
root, and every page loads it. After the last language is built, this hook splits it
into one index per language (``search/…`` for Japanese, ``en/search/…`` for English),
each configured with Material's own settings for that language, so Japanese text is
segmented and English words match. Pages of a non-default language get their ``__config.base`` moved
to their language root, which is where Material's search looks for the index and
resolves result links. In the offline bundle each language also gets its index as
``search_index.js``, the form Material reads from a file. Every page runs Material's search worker through
``search-segmenter.js``, which splits Japanese queries into words as the index was.
"""

import json
import os
import posixpath
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SEARCH_DEFAULT = re.compile(r'"search\.config\.(lang|pipeline|separator)":\s*"((?:[^"\\]|\\.)*)"')
DEFAULT_SEPARATOR = r"[\s\-]+"  # Material's search plugin default
SEGMENTER = "search-segmenter.js"  # docs/assets/javascripts/workers/, beside Material's worker
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def _i18n(config):
    return config.plugins["i18n"]


def material_search_defaults(config, lang):
    """Material's own search settings for a language (its partials/languages/LANG.html).

    They matter: Material stems Japanese but not English ("stopWordFilter" only),
    since stemmed terms never match its prefix queries; one shared setting for
    both languages breaks English search."""
    for folder in config.theme.dirs:
        path = os.path.join(folder, "partials", "languages", f"{lang}.html")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                found = dict(SEARCH_DEFAULT.findall(f.read()))
            # A language file without them (ko, de, …) means Material's defaults.
            separator = found.get("separator", json.dumps(DEFAULT_SEPARATOR)[1:-1])
            return {
                "lang": [lang],
                "separator": json.loads(f'"{separator}"'),
                "pipeline": [p.strip() for p in re.split(r"\s*,\s*", found.get("pipeline", "")) if p.strip()],
            }
    raise PluginError(f"search_per_language: Material has no language file for {lang!r}")


def on_post_page(output, page, config):
    i18n = _i18n(config)
    locale = i18n.current_language

    def configure(match):
        app = json.loads(match.group(2))
        if locale != i18n.default_language:
            app["base"] = app["base"].rstrip("/") + f"/{locale}/"
        # Material's worker, run by ours, which splits Japanese queries into words.
        folder, material = posixpath.split(app["search"])
        app["search"] = f"{posixpath.join(folder, SEGMENTER)}?material={material}"
        if page.meta.get("key_checker") and not config.extra.get("offline"):
            # Two cores are few: the index is built once the checker's runtime has started.
            app["search"] += "&after=key-checker"
        return match.group(1) + json.dumps(app, ensure_ascii=False) + match.group(3)

    output, count = CONFIG_SCRIPT.subn(configure, output, count=1)
    if count != 1:
        raise PluginError(f"search_per_language: no __config script in {page.file.src_uri}")
    return output


# static-i18n rewrites the combined index in its own on_post_build (priority -100).
@event_priority(-200)
def on_post_build(config):
    i18n = _i18n(config)
    if i18n.building:
        return  # a nested per-language build; the combined index is written last
    path = os.path.join(config.site_dir, "search", "search_index.json")
    with open(path, encoding="utf-8") as f:
        combined = json.load(f)

    others = [lang for lang in i18n.build_languages if lang != i18n.default_language]
    buckets = {lang: [] for lang in i18n.build_languages}
    for doc in combined["docs"]:
        lang = next((l for l in others if doc["location"].startswith(f"{l}/")), i18n.default_language)
        if lang != i18n.default_language:
            doc = dict(doc, location=doc["location"][len(lang) + 1:])
        buckets[lang].append(doc)

    for lang, docs in buckets.items():
        index = {"config": dict(combined["config"], **material_search_defaults(config, lang)), "docs": docs}
        folder = config.site_dir if lang == i18n.default_language else os.path.join(config.site_dir, lang)
        os.makedirs(os.path.join(folder, "search"), exist_ok=True)
        with open(os.path.join(folder, "search", "search_index.json"), "w", encoding="utf-8") as f:
            json.dump(index, f, ensure_ascii=False, separators=(",", ":"))
        if config.extra.get("offline"):
            # From a file, Material loads the index as a script that sets __index (its
            # offline plugin writes only the combined one, at the root).
            with open(os.path.join(folder, "search", "search_index.js"), "w", encoding="utf-8") as f:
                f.write("var __index = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")))
