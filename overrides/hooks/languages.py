"""Every language the site builds is complete, or the build says what it lacks, in one message.

A language needs its texts in every data file (the widget's, "Check this computer"'s, the
error codes' and the key-fact phrases; the checker's own messages fall back to English, as
README says), Material's language file, and a search that finds its words: a language
written without spaces between words needs segmentation, which this site has for Japanese
only (search-segmenter.js). Checked on config, before anything is
built; the i18n plugin's ``languages:`` in mkdocs.yml lists the languages.
"""

import json
import os
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent.parent
# Written without spaces between words: search needs word segmentation to find anything.
UNSPACED = {"ja", "zh", "th", "lo", "km", "my"}
SEGMENTED = {"ja"}  # Material's TinySegmenter for the index, search-segmenter.js for queries


def _yaml(path):
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}  # the file's own hook reports what is wrong with it


def _phrases(tree):
    """Every {language: text} entry under a tree of phrases."""
    if isinstance(tree, dict):
        if "en" in tree and all(isinstance(v, str) for v in tree.values()):
            yield tree
        else:
            for value in tree.values():
                yield from _phrases(value)


def missing_for(lang, theme_dirs, docs_dir=ROOT / "docs", default="ja"):
    """What the site lacks for ``lang``: a list of short descriptions (empty when complete)."""
    missing = []
    if lang != default:
        pages = [p for p in Path(docs_dir).rglob("*.md") if "." not in p.stem]
        absent = [str(p.relative_to(docs_dir).with_suffix(f".{lang}.md")) for p in pages
                  if not p.with_suffix(f".{lang}.md").exists()]
        if absent:
            missing.append(f"{len(absent)} page(s) in docs/ (such as {absent[0]})")
    catalog = ROOT / "catalog"
    if lang not in _yaml(catalog / "key-checker.yml"):
        missing.append("its texts in catalog/key-checker.yml")
    diagnostics = os.environ.get("DIAGNOSTICS_CATALOG") or catalog / "diagnostics.yml"
    if lang not in _yaml(diagnostics):
        missing.append(f"its texts in {Path(diagnostics).name}")
    codes = _yaml(os.environ.get("ERROR_CODES_CATALOG") or catalog / "error-codes.yml")
    if lang not in (codes.get("ui") or {}) or any(
            isinstance(entry, dict) and lang not in entry for entry in (codes.get("codes") or {}).values()):
        missing.append("its texts in the error-code catalog (ui and every code)")
    messages = json.loads((ROOT / "checker" / "data" / "messages.json").read_text(encoding="utf-8"))
    if not all(lang in phrase for phrase in _phrases(messages["key_facts"])):
        missing.append("its phrases under key_facts in checker/data/messages.json")
    if not any((Path(d) / "partials" / "languages" / f"{lang}.html").exists() for d in theme_dirs):
        missing.append(f"Material's language file (partials/languages/{lang}.html)")
    if lang in UNSPACED and lang not in SEGMENTED:
        missing.append("word segmentation for search (its words are not separated by spaces; "
                       "the site segments Japanese only)")
    return missing


def on_config(config):
    i18n = config.plugins["i18n"]
    problems = [f"{lang}: {'; '.join(missing)}" for lang in i18n.build_languages
                if (missing := missing_for(lang, config.theme.dirs, config.docs_dir, i18n.default_language))]
    if problems:
        raise PluginError("languages: the site cannot be built for every language in mkdocs.yml; missing "
                          + " | ".join(problems))
    return config
