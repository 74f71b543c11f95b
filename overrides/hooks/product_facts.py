"""Product facts in the pages: ``{{ product.NAME }}`` placeholders, from one data file.

``catalog/product.yml`` holds what is specific to the vendor's product and what pages
quote: menu paths (Help → About), web addresses (download, account, renewal) and the
support channels. A page writes ``{{ product.menus.about }}``; before the Markdown is
rendered this hook puts the value for the page's language there. A value is one string
for every language, or a mapping with a text per language. A placeholder naming no value
(``{{ product.menus.abuot }}``) stops the build and names the page.

The namespace ``product.`` is this hook's alone: other placeholder syntaxes in the pages
belong to other hooks and are left untouched.
"""

import os
import re
import sys
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by path alone (tests)

ROOT = Path(__file__).resolve().parents[2]
# PRODUCT_FACTS=/path/product.yml builds the site with another vendor's facts (tests/vendors/).
FACTS = Path(os.environ.get("PRODUCT_FACTS") or ROOT / "catalog" / "product.yml")
# Every "{{ product…}}" is checked: a misspelt name must not reach a reader as is.
PLACEHOLDER = re.compile(r"\{\{\s*product\.([^}\s]*)\s*\}\}")
LOOSE = re.compile(r"\{\{\s*product\b")

_state = {}


class FactsError(PluginError):
    """The product facts cannot be used; the message names the file and the entry."""


def _flatten(tree, languages, prefix, out, path):
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            if not value.strip():
                raise FactsError(f"{path}: {name} is empty")
            out[name] = {lang: value.strip() for lang in languages}
        elif isinstance(value, dict) and set(value) == set(languages):
            if any(not isinstance(value[lang], str) or not value[lang].strip() for lang in languages):
                raise FactsError(f"{path}: {name} needs a non-empty text in each language: {', '.join(languages)}")
            out[name] = {lang: value[lang].strip() for lang in languages}
        elif isinstance(value, dict) and value and not set(value) & set(languages):
            _flatten(value, languages, name + ".", out, path)
        else:
            raise FactsError(f"{path}: {name} must be a text, a text per language ({', '.join(languages)}) "
                             f"or a group of named values, not {value!r}")
    return out


def load_facts(path=FACTS, languages=("ja", "en")):
    """{"menus.about": {"ja": …, "en": …}, …}: every fact, for every language."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise FactsError(f"product facts: cannot read {path}: {error}") from error
    if not isinstance(data, dict) or not data:
        raise FactsError(f"product facts: {path} must hold a mapping of named values")
    return _flatten(data, tuple(languages), "", {}, path)


def fill(text, facts, lang, where):
    """`text` with every {{ product.NAME }} replaced by NAME's value in `lang`."""
    def value(match):
        name = match.group(1)
        if name not in facts:
            raise FactsError(f"{where}: unknown placeholder {match.group(0)!r}; "
                             f"catalog/product.yml has: {', '.join(sorted(facts))}")
        return facts[name][lang]

    filled = PLACEHOLDER.sub(value, text)
    stray = LOOSE.search(filled)
    if stray:
        raise FactsError(f"{where}: malformed placeholder near {filled[stray.start():stray.start() + 40]!r}; "
                         "write {{ product.NAME }}")
    return filled


# --- MkDocs events -------------------------------------------------------------

def on_config(config):
    languages = [entry["locale"] for entry in config.plugins["i18n"].config.languages]
    _state["facts"] = load_facts(FACTS, languages)
    return config


def on_serve(server, config, builder):
    server.watch(str(FACTS))
    return server


def on_page_markdown(markdown, page, config, files):
    lang = config.plugins["i18n"].current_language
    return fill(markdown, _state["facts"], lang, page.file.src_uri)
