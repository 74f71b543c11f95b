"""The checker as the browser widget calls it.

``docs/assets/javascripts/key-checker-worker.js`` runs this module under Pyodide: one call
per check, text in, JSON text out (one string crosses from Python to JavaScript, not a
tree of proxies). The memory snapshot is taken with it imported, so it is in memory
before the first check.

The widget hands over at most ``MAX_INPUT_LENGTH + 1`` characters of a paste and the
paste's whole ``length``: anything longer is judged too long without ever being copied
into Python.

>>> import json
>>> result = json.loads(check_json('S6ABI-ＣDEF2-GHJK3-MNPQ4-RSTVH', lang='en'))
>>> result['valid'], result['normalized'], result['corrected']
(True, 'S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH', [4, 5])
>>> result['summary'][0]
['Key (middle hidden)', 'S6AB1-•••••-•••••-•••••-RSTVH']
>>> json.loads(check_json('A' * 257, lang='en', length=10_000_000))['findings'][0]['code']
'too-long-input'
"""

import json
import unicodedata

from .diagnosis import diagnose
from .keyformat import default_format
from .summary import support_summary

# What the widget may hand over at most (characters, as Python counts them).
MAX_INPUT_LENGTH = default_format().max_input_length


def corrected_positions(text, result):
    """Where, in the compact key, the checker changed what was typed (for the widget to mark).

    A character counts as changed when Unicode compatibility folding (full-width
    letters, …) or the checker's own reading (a letter I for 1, lower case, …) gave a
    different symbol. When the typed text does not line up with the key symbol for
    symbol, only the confusable findings' positions are given.
    """
    normalized = result.get("normalized")
    if not normalized:
        return []
    fmt = default_format()
    compact = normalized.replace(fmt.separator, "")
    kept = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        kept.extend((c, folded != ch) for c in folded if c.isascii() and (c.isalnum() or c in fmt.check_only))
    if len(kept) != len(compact):
        return sorted({f["position"] for f in result["findings"]
                       if f["code"] == "confusable" and isinstance(f["position"], int)})
    return [i for i, (c, changed) in enumerate(kept) if changed or c.upper() != compact[i]]


def check_json(text, lang="en", expect=None, length=None):
    """``diagnose(text, lang=lang, expect=expect, length=length)`` plus ``corrected``,
    ``separator`` (the format's group separator) and ``summary`` (``support_summary()``'s
    entries), as JSON text."""
    result = diagnose(text, lang=lang, expect=expect or None, length=length)
    result["corrected"] = corrected_positions(text, result)
    result["separator"] = default_format().separator  # between the groups of "normalized"
    result["summary"] = support_summary(text, lang=lang, result=result)
    return json.dumps(result, ensure_ascii=False)
