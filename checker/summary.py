"""Support summary: what a reader may copy for support about a key, without the key.

``support_summary()`` gives the summary's lines about a key as JSON-ready entries,
``[label, value]`` or ``[label, [item, ...]]`` (the shape the page's
``support-summary.js`` turns into text): the key with its middle hidden, the verdict
and the findings. The rule: nothing in it depends on the hidden characters except
their number. Findings are named by kind and counted, never placed or quoted; the key
line shows the first and the last group as the checker read them ("?" for a character
no key uses), and only when the input is at least as long as a key, since a shorter
paste may be the middle of one. Labels and texts come from ``checker/data/messages.json``.

>>> for label, value in support_summary('S6ABI-CDEF2-GHJK3-MNPQ4-RSTVH', lang='en'):
...     print(f'{label}: {value}')
Key (middle hidden): S6AB1-•••••-•••••-•••••-RSTVH
Result: This key has the right format.
Findings: ['Look-alike character (confusable) ×1']
>>> masked_key('Key: S6AB1-CDEF2-GHJK3-MNPQ4-RSTVß')
'KEY?S-•••••-•••••-•••••…-RSTV?'
>>> masked_key('CDEF2-GHJK3'), masked_key('')
('•••••-•••••', '')
"""

from .diagnosis import diagnose, message_catalog, pick_language
from .keyformat import default_format

__all__ = ["support_summary", "masked_key", "visible_count", "HIDDEN_SYMBOL", "UNREADABLE_SYMBOL"]

HIDDEN_SYMBOL = "•"
# A character no key uses, in the visible groups: quoting it could show anything
# (a control character, a combining mark, a right-to-left override).
UNREADABLE_SYMBOL = "?"
# Marks a key line that hides more characters than a key has.
MORE = "…"

_CATALOG = message_catalog()
_SUMMARY = _CATALOG["summary"]
_TITLES = {code: entry["title"] for code, entry in _CATALOG["findings"].items()}


def visible_count(fmt):
    """How many symbols at each end the key line shows: at most the first and the last group,
    and at most a fifth of the key."""
    return min(fmt.groups[0], fmt.groups[-1], fmt.length // 5)


def _masked(analysis, fmt):
    symbols = [symbol or UNREADABLE_SYMBOL for _, symbol, _ in analysis.symbols]
    count = len(symbols)
    if count < fmt.length:
        return fmt.display(HIDDEN_SYMBOL * count)
    visible = visible_count(fmt)
    shown = symbols[:visible] + [HIDDEN_SYMBOL] * (fmt.length - 2 * visible) + symbols[count - visible :]
    line = fmt.display("".join(shown))
    if count > fmt.length:
        head, separator, tail = line.rpartition(fmt.separator)
        line = head + MORE + separator + tail
    return line


def masked_key(text, key_format=None):
    """The key as the checker read it, with all but the first and last group hidden.

    Never longer than a key's display form plus one character, whatever ``text`` is;
    '' when there is no symbol or the input is too long to check."""
    if not isinstance(text, str):
        raise TypeError(f"masked_key() needs a str, not {type(text).__name__}")
    fmt = key_format or default_format()
    if len(text) > fmt.max_input_length:
        return ""
    return _masked(fmt.analyse(text), fmt)


def _counts(text, fmt):
    """How many characters each character-level finding is about (never which ones)."""
    analysis = fmt.analyse(text)
    return {
        "full-width": len(analysis.nfkc_changes),
        "separators": len(analysis.separators),
        "invisible": len(analysis.invisible),
        "confusable": sum(1 for _, symbol, confusable in analysis.symbols if symbol and confusable),
        "invalid-character": sum(1 for _, symbol, _ in analysis.symbols if symbol is None),
        "length": len(analysis.compact),
    }


def _finding_items(text, result, fmt, lang):
    too_long = any(f["code"] == "too-long-input" for f in result["findings"])
    counts = {} if too_long else _counts(text, fmt)
    items, seen = [], set()
    for finding in result["findings"]:
        code = finding["code"]
        if code in seen:
            continue
        seen.add(code)
        fields = {"title": _TITLES[code][lang], "code": code}
        if code == "length":
            items.append(_SUMMARY["finding_length"][lang].format(
                actual=counts["length"], expected=fmt.length, **fields))
        elif code in counts:
            items.append(_SUMMARY["finding_counted"][lang].format(count=counts[code], **fields))
        else:
            items.append(_SUMMARY["finding"][lang].format(**fields))
    return items or [_SUMMARY["none"][lang]]


def support_summary(text, lang="ja", expect=None, key_format=None, result=None):
    """The support summary's entries about ``text``, in ``lang``, JSON-ready.

    ``[[key label, masked key], [verdict label, verdict], [findings label, [item, ...]]]``.
    ``result``: ``diagnose(text, lang=lang, expect=expect)`` when it is already at hand.
    Never raises for a ``str``."""
    if not isinstance(text, str):
        raise TypeError(f"support_summary() needs a str, not {type(text).__name__}")
    fmt = key_format or default_format()
    lang = pick_language(lang)
    if result is None:
        result = diagnose(text, lang=lang, expect=expect, key_format=fmt)
    if len(text) > fmt.max_input_length or any(f["code"] == "too-long-input" for f in result["findings"]):
        key_line = _SUMMARY["not_shown"][lang]
    else:
        key_line = masked_key(text, fmt) or _SUMMARY["none"][lang]
    return [
        [_SUMMARY["key"][lang], key_line],
        [_SUMMARY["verdict"][lang], _SUMMARY["valid" if result["valid"] else "invalid"][lang]],
        [_SUMMARY["findings"][lang], _finding_items(text, result, fmt, lang)],
    ]
