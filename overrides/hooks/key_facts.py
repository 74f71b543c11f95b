"""Statements about the key, from formats.json: ``<!-- key:NAME -->`` placeholders in pages.

A page never states a key fact by hand (length, groups, separator, alphabet, letters
never used, look-alikes, products, an example key, what the support summary shows):
it writes ``<!-- key:NAME -->`` and the build puts in the fact, in the page's language,
from ``checker/data/formats.json`` and the phrases of ``checker/data/messages.json``
(``checker.keyfacts``). An unknown NAME stops the build and lists the known ones.

On config, the key formats are checked (``checker.formatspec``): a broken
formats.json stops the build with one line naming the file, the format and the field.
``CHECKER_FORMATS=/path/formats.json`` builds the site for another file (the checker
package reads the same variable).
"""

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent.parent
PLACEHOLDER = re.compile(r"<!--\s*key:([^\s>]*)\s*-->")

_state = {}


def load_format():
    """The default key format, or one PluginError line naming what is wrong in the data."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        import checker  # noqa: PLC0415 (the package checks formats.json when imported)
        from checker import keyfacts  # noqa: PLC0415
    except ValueError as error:  # checker.FormatsError (the package could not be imported)
        raise PluginError(f"key_facts: {error}") from None
    return checker.default_format(), keyfacts


def render(markdown, facts, src_uri):
    """Replace every placeholder with its fact; an unknown one stops the build."""

    def fact(match):
        name = match.group(1)
        if name not in facts:
            raise PluginError(f"key_facts: unknown placeholder {match.group(0)!r} in {src_uri}; "
                              f"known: {', '.join(sorted(facts))}")
        return facts[name]

    return PLACEHOLDER.sub(fact, markdown)


def on_config(config):
    _state["format"], _state["keyfacts"] = load_format()
    _state["facts"] = {}
    return config


def on_page_markdown(markdown, page, config, files):
    if "<!--" not in markdown:
        return markdown
    lang = config.plugins["i18n"].current_language
    if lang not in _state["facts"]:
        try:
            _state["facts"][lang] = _state["keyfacts"].facts(_state["format"], lang)
        except ValueError as error:  # keyfacts.KeyFactsError: a phrase missing for this language
            raise PluginError(f"key_facts: {error}") from None
    return render(markdown, _state["facts"][lang], page.file.src_uri)
