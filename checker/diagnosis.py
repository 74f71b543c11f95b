"""Diagnosis: what is wrong with a pasted key, in words a reader understands.

``diagnose()`` normalizes the input step by step, checks the key and returns a
plain, JSON-ready dict with one finding per problem. Every text comes from
``checker/data/messages.json`` (Japanese and English); so does the help-site
section each finding points to.

>>> result = diagnose("s6ab1-cdef2-ghjk3-mnpq4-rstvh", lang="en")
>>> result["valid"], result["normalized"], result["product"], result["version"]
(True, 'S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH', 'studio', '6')
>>> [f["code"] for f in diagnose("S6AB1-CDEF2-GHJK3-MNPQ4-RSTVQ")["findings"]]
['checksum']
"""

import json
from importlib import resources

from .keyfacts import message_fields
from .keyformat import default_format

__all__ = [
    "diagnose",
    "FINDING_CODES",
    "HELP_SECTIONS",
    "SEVERITIES",
    "LANGUAGES",
    "FALLBACK_LANGUAGE",
    "MAX_CHARACTER_FINDINGS",
    "message_catalog",
    "pick_language",
    "products",
]

# A pasted paragraph would otherwise give a finding for each of its characters;
# the `length` finding still tells that there are more.
MAX_CHARACTER_FINDINGS = 10
# How many distinct characters a full-width/invisible/separators message names.
_MAX_LISTED = 5

_CATALOG = json.loads(resources.files(__package__).joinpath("data/messages.json").read_text(encoding="utf-8"))
LANGUAGES = tuple(_CATALOG["languages"])
FALLBACK_LANGUAGE = _CATALOG["fallback_language"]
FINDING_CODES = tuple(_CATALOG["findings"])
HELP_SECTIONS = {code: entry["help"] for code, entry in _CATALOG["findings"].items()}
SEVERITIES = {code: entry["severity"] for code, entry in _CATALOG["findings"].items()}
_TEXT = _CATALOG["text"]

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def message_catalog():
    """A deep copy of messages.json: finding codes with severity, help, titles and texts."""
    return json.loads(json.dumps(_CATALOG))


def pick_language(lang):
    """'ja', 'ja-JP', 'ja_JP.UTF-8' → 'ja'; anything unknown (or not a str) → 'en'."""
    if isinstance(lang, str):
        primary = lang.replace("_", "-").split("-")[0].split(".")[0].strip().lower()
        if primary in LANGUAGES:
            return primary
    return FALLBACK_LANGUAGE


def products(key_format=None):
    """Products and versions the key format knows, JSON-ready, in data-file order."""
    fmt = key_format or default_format()
    return [
        {
            "id": f'{p["product"]}/{p["version"]}',
            "product": p["product"],
            "version": p["version"],
            "prefix": p["prefix"],
            "name": dict(p["name"]),
        }
        for p in fmt.products
    ]


def _text(key, lang, **fields):
    return _TEXT[key][lang].format(**fields)


def _show(chars, lang):
    """Quote characters for a reader; code points where a glyph would not help."""
    if chars and all(c.isprintable() and not c.isspace() for c in chars):
        if len(chars) == 1 and not chars.isascii():
            return _text("quote_with_code", lang, char=chars, code=f"{ord(chars):04X}")
        return _text("quote", lang, char=chars)
    return " ".join(_text("code_only", lang, code=f"{ord(c):04X}") for c in chars) or '""'


def _listing(items, lang):
    """Join at most _MAX_LISTED items, saying when there were more."""
    sep = _TEXT["list_separator"][lang]
    text = sep.join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        text += sep + _TEXT["more"][lang]
    return text


def _counted(names, lang):
    """['space', 'space', 'tab'] → 'space ×2, tab ×1' (first occurrence order)."""
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return _listing([_text("count", lang, name=name, count=n) for name, n in counts.items()], lang)


def _separator_name(char, fmt, lang):
    if char == "\t":
        key = "tab"
    elif char in _LINE_BREAKS:
        key = "line_break"
    elif char == " ":
        key = "space"
    elif char in fmt.dashes:
        key = "dash"
    elif char in fmt.group_breaks:
        key = "separator"
    else:
        key = "other_space"
    return _TEXT[key][lang]


def _product_name(entry, lang):
    return entry["name"].get(lang) or entry["name"].get(FALLBACK_LANGUAGE) or entry["prefix"]


def _finding(code, lang, position=None, suggestions=(), variant="message", facts=None, **fields):
    entry = _CATALOG["findings"][code]
    return {
        "code": code,
        "severity": entry["severity"],
        "message": entry[variant][lang].format(**(facts or {}), **fields),
        "position": position,
        "help": entry["help"],
        "suggestions": list(suggestions),
    }


def diagnose(text, lang="ja", expect=None, key_format=None, length=None):
    """Explain what is wrong with ``text`` as a license key.

    Never raises for a ``str`` (a non-``str`` raises ``TypeError``). Returns a
    dict of plain JSON types::

        {"valid": bool, "normalized": "S6AB1-…" or None, "product": str or None,
         "version": str or None, "findings": [{"code", "severity", "message",
         "position", "help", "suggestions"}, ...]}

    - ``lang``: "ja" or "en" (also "ja-JP" and the like); anything else gives "en".
    - ``expect``: "product/version" (see ``products()``); a key of another
      product or version then gets a ``version-mismatch`` error. An ``expect``
      that names no known product/version is ignored.
    - ``length``: the length of the whole input when ``text`` is only its
      beginning (the widget hands over no more than the checker can judge).
    - ``valid`` is True when there is no finding of severity "error".
    - ``normalized`` is the display form once every symbol is known and the
      length is right, even if the checksum or the product is wrong.
    - ``product``/``version`` come from the key's prefix, as soon as the first
      two symbols name a known product (even if the rest is wrong).
    - ``position`` is 0-based and counts the symbols of the *compact* key
      (``compact(text)``: no hyphens, spaces or invisible characters); in the
      display form it follows one separator per group before it.
      Messages say the same place 1-based ("position 7", "左から7文字目").
      Findings about removed characters (``full-width``, ``separators``,
      ``invisible``) and about the whole key have ``position`` None, except
      ``unknown-product`` and ``version-mismatch``, which point at the prefix (0).
    - ``help`` is the help-site section, "page/#section", relative to the
      language root of the site.
    - ``suggestions`` (``checksum`` only) are valid keys in display form, one
      look-alike swap away (0/D, 0/Q, 2/Z, 5/S, 6/G, 8/B), at most five.

    Findings come in processing order: ``too-long-input`` or else ``full-width``,
    ``separators``, ``invisible``, then ``confusable`` and ``invalid-character``
    by position (at most MAX_CHARACTER_FINDINGS of each), ``empty`` or
    ``length``, ``unknown-product``, ``checksum``, ``version-mismatch``.
    """
    if not isinstance(text, str):
        raise TypeError(f"diagnose() needs a str, not {type(text).__name__}")
    fmt = key_format or default_format()
    lang = pick_language(lang)
    facts = message_fields(fmt, lang)

    def finding(code, **fields):
        return _finding(code, lang, facts=facts, **fields)

    result = {"valid": False, "normalized": None, "product": None, "version": None, "findings": []}
    findings = result["findings"]
    count = max(len(text), length if isinstance(length, int) else 0)
    if count > fmt.max_input_length:
        findings.append(finding("too-long-input", count=count, length=fmt.length))
        return result

    analysis = fmt.analyse(text)
    if analysis.nfkc_changes:
        changes = [
            _text("change", lang, old=_show(old, lang), new=_show(new, lang)) for old, new in analysis.nfkc_changes
        ]
        findings.append(finding("full-width", changes=_listing(changes, lang)))
    if analysis.separators:
        names = [_separator_name(c, fmt, lang) for c in analysis.separators]
        findings.append(finding("separators", removed=_counted(names, lang)))
    if analysis.invisible:
        names = [f"U+{ord(c):04X}" for c in analysis.invisible]
        findings.append(finding("invisible", removed=_counted(names, lang)))

    compact = analysis.compact
    all_known = True
    reported = {"confusable": 0, "invalid-character": 0}
    for position, (typed, symbol, confusable) in enumerate(analysis.symbols):
        if symbol is None:
            all_known = False
            code = "invalid-character"
        elif confusable:
            code = "confusable"
        else:
            continue
        if reported[code] == MAX_CHARACTER_FINDINGS:
            continue
        reported[code] += 1
        if symbol is None:
            fields = {"char": _show(typed, lang), "alphabet": fmt.alphabet}
        else:
            fields = {"char": _show(typed, lang), "replacement": _show(symbol, lang)}
        findings.append(finding(code, position=position, number=position + 1, **fields))

    if not compact:
        findings.append(finding("empty", pattern=fmt.pattern(), length=fmt.length))
        return result
    right_length = len(compact) == fmt.length
    if not right_length:
        findings.append(finding("length", expected=fmt.length, actual=len(compact)))

    entry = None
    prefix_symbols = analysis.symbols[: fmt.prefix_length]
    if fmt.prefix_length and len(compact) >= fmt.prefix_length and all(s for _, s, _ in prefix_symbols):
        prefix = compact[: fmt.prefix_length]
        entry = fmt.by_prefix.get(prefix)
        if entry is None:
            known = [
                _text("product_with_prefix", lang, prefix=p["prefix"], name=_product_name(p, lang))
                for p in fmt.products
            ]
            findings.append(
                finding(
                    "unknown-product",
                    position=0,
                    prefix=_show(prefix, lang),
                    known=_TEXT["list_separator"][lang].join(known),
                )
            )
        else:
            result["product"], result["version"] = entry["product"], entry["version"]

    if all_known and right_length:
        result["normalized"] = fmt.display(compact)
        if not fmt.checksum_ok(compact):
            suggestions = fmt.suggestions(compact)
            variant = "message_with_suggestions" if suggestions else "message" if facts["pairs"] else "message_without_pairs"
            findings.append(finding("checksum", suggestions=suggestions, variant=variant))

    if entry is not None and isinstance(expect, str):
        wanted = fmt.by_id.get(expect.strip())
        if wanted is not None and wanted is not entry:
            findings.append(
                finding(
                    "version-mismatch",
                    position=0,
                    actual=_product_name(entry, lang),
                    expected=_product_name(wanted, lang),
                )
            )

    result["valid"] = not any(f["severity"] == "error" for f in findings)
    return result
