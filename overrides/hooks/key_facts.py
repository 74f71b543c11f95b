"""Statements about the key, from formats.json: ``<!-- key:NAME -->`` placeholders in pages.

A page never states a key fact by hand (length, groups, separator, alphabet, letters
never used, look-alikes, products, an example key, what the support summary shows):
it writes ``<!-- key:NAME -->`` and the build puts in the fact, in the page's language,
from ``checker/data/formats.json`` and the phrases of ``checker/data/messages.json``
(``checker.keyfacts``). An unknown NAME stops the build and lists the known ones.

A sentence that only holds for some formats (a check character, product prefixes, a
hyphen separator) is wrapped in ``<!-- key:if CONDITION -->…<!-- key:end -->``: kept
when ``checker.keyfacts.conditions()`` says it holds, dropped otherwise. An unknown
condition, a nested block or a block left open stops the build.

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
# A marker on a line of its own goes with its line; one inside a line goes alone.
BLOCK = re.compile(r"^[ \t]*<!--\s*key:(if\s+[^\s>]*|end)\s*-->[ \t]*(?:\n|$)|<!--\s*key:(if\s+[^\s>]*|end)\s*-->",
                   re.MULTILINE)

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


def keep_or_drop(markdown, conditions, src_uri):
    """Keep the ``key:if`` blocks whose condition holds, drop the others (markers go either way)."""
    out, pos, open_if = [], 0, None
    for match in BLOCK.finditer(markdown):
        marker = match.group(1) or match.group(2)
        if marker == "end":
            if open_if is None:
                raise PluginError(f"key_facts: {match.group(0)!r} without a key:if before it in {src_uri}")
            if conditions[open_if]:
                out.append(markdown[pos:match.start()])
            open_if = None
        else:
            if open_if is not None:
                raise PluginError(f"key_facts: {match.group(0)!r} inside another key:if block in {src_uri}")
            name = marker.split()[1]
            if name not in conditions:
                raise PluginError(f"key_facts: unknown condition {match.group(0)!r} in {src_uri}; "
                                  f"known: {', '.join(sorted(conditions))}")
            out.append(markdown[pos:match.start()])
            open_if = name
        pos = match.end()
    if open_if is not None:
        raise PluginError(f"key_facts: <!-- key:if {open_if} --> in {src_uri} has no <!-- key:end -->")
    out.append(markdown[pos:])
    return "".join(out)


def render(markdown, facts, src_uri, conditions=None):
    """Keep or drop the conditional blocks, then replace every placeholder with its fact.

    An unknown placeholder stops the build.
    """
    if conditions is not None:
        markdown = keep_or_drop(markdown, conditions, src_uri)

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
    _state["conditions"] = _state["keyfacts"].conditions(_state["format"])
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
    return render(markdown, _state["facts"][lang], page.file.src_uri, _state["conditions"])
