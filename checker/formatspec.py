"""Key format data: the rules of ``checker/data/formats.json``, checked strictly.

The same rules as ``checker/data/formats.schema.json`` (the JSON Schema editors use
while a vendor types), in plain Python: the checker is standard library only and
runs under Pyodide, where no schema library is at hand. A few rules need more than
one field (every prefix inside the alphabet, groups adding up to the length); the
schema cannot say them, this module does. The tests feed the same bad documents to
both and check that they agree.

The first problem found raises ``FormatsError``, one line naming the file, the
format and the field, and what is allowed:

>>> check_document({"default": "x", "normalization": {}, "formats": {}, "colour": 1})
Traceback (most recent call last):
    ...
checker.formatspec.FormatsError: formats.json: field 'colour': unknown field; allowed: $schema, _comment, default, formats, normalization

This module imports nothing from the package, so build tools can load it by path
(``tools/build_runtime.py`` checks the data before Pyodide is started).
"""

import string

__all__ = ["FormatsError", "CHECKS", "check_document", "check_format", "groups_of", "code_points"]

# Check algorithms and the alphabet each one needs (None: any alphabet).
DIGITS = "0123456789"
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford's mod-37 check symbol may also be one of these five (values 32-36).
CROCKFORD_CHECK_ONLY = "*~$=U"
CHECKS = {
    "none": None,
    "luhn": None,  # Luhn mod N over the alphabet: over digits the usual Luhn
    "verhoeff": DIGITS,
    "iso7064-mod-11-10": DIGITS,
    "iso7064-mod-37-36": ALPHANUMERIC,
    "crockford-mod-37": CROCKFORD_BASE32,
}
# A group separator must be one ASCII punctuation character or a space: what a
# keyboard types and the checker tells from key symbols (schema: "pattern").
SEPARATORS = string.punctuation + " "

_TOP = {"$schema": False, "_comment": False, "default": True, "normalization": True, "formats": True}
_NORMALIZATION = {"_comment": False, "max_input_length": True, "dash_characters": True,
                  "invisible_characters": True}
_FORMAT = {
    "_comment": False, "description": False, "alphabet": True, "case_sensitive": False, "length": True,
    "group_size": False, "groups": False, "group_separator": True, "separator_lookalikes": False,
    "check": True, "confusables": False, "lookalike_pairs": False, "max_suggestions": False, "products": False,
}
_PRODUCT = {"prefix": True, "product": True, "version": True, "name": True}


class FormatsError(ValueError):
    """formats.json (or a format given in code) breaks a rule; the message says which and where."""


def _fail(where, field, problem, source):
    place = f"{where}, field {field!r}" if where else f"field {field!r}"
    raise FormatsError(f"{source}: {place}: {problem}")


def _fields(obj, allowed, where, source, parent=None):
    if not isinstance(obj, dict):
        _fail(where, parent or "(document)", f"must be an object, not {_kind(obj)}", source)
    for key in obj:
        if key not in allowed:
            _fail(where, key, f"unknown field; allowed: {', '.join(sorted(allowed))}", source)
    for key, required in allowed.items():
        if required and key not in obj:
            _fail(where, key, "missing (required)", source)


def _kind(value):
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def _integer(value, where, field, source, minimum=1):
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        _fail(where, field, f"must be a whole number of at least {minimum}, not {value!r}", source)


def _text(value, where, field, source):
    if not isinstance(value, str) or not value:
        _fail(where, field, f"must be non-empty text, not {value!r}", source)


def _char(value, where, field, source):
    if not isinstance(value, str) or len(value) != 1:
        _fail(where, field, f"must be exactly one character, not {value!r}", source)


def code_points(items, where="normalization", field="", source="formats.json"):
    """["U+200B", ...] → frozenset of characters (with the rule checked)."""
    if not isinstance(items, list):
        _fail(where, field, f"must be a list of code points such as \"U+2010\", not {_kind(items)}", source)
    chars = set()
    for item in items:
        ok = isinstance(item, str) and item.startswith("U+") and 4 <= len(item) - 2 <= 6
        ok = ok and all(c in "0123456789ABCDEF" for c in item[2:]) and int(item[2:], 16) <= 0x10FFFF
        if not ok:
            _fail(where, field, f"{item!r} is not a code point written as \"U+XXXX\" (upper-case hex)", source)
        chars.add(chr(int(item[2:], 16)))
    return frozenset(chars)


def groups_of(spec):
    """The group sizes of a format: ``groups`` as written, or ``length`` cut by ``group_size``."""
    if "groups" in spec:
        return list(spec["groups"])
    size = spec["group_size"]
    length = spec["length"]
    return [size] * (length // size) + ([length % size] if length % size else [])


def check_format(spec, normalization, where="format", source="formats.json"):
    """Check one format entry (and the normalization it is read with)."""
    _fields(spec, _FORMAT, where, source)
    alphabet = spec["alphabet"]
    if not isinstance(alphabet, str) or len(alphabet) < 2 or not all(
            c in string.ascii_letters + string.digits for c in alphabet):
        _fail(where, "alphabet", f"must be at least two ASCII letters and digits, not {alphabet!r}", source)
    if len(set(alphabet)) != len(alphabet):
        _fail(where, "alphabet", "has a symbol more than once", source)
    case_sensitive = spec.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        _fail(where, "case_sensitive", f"must be true or false, not {case_sensitive!r}", source)
    if not case_sensitive and len({c.upper() for c in alphabet}) != len(alphabet):
        _fail(where, "alphabet", "has a letter in both cases, but case_sensitive is false", source)
    _integer(spec["length"], where, "length", source)
    length = spec["length"]
    if ("group_size" in spec) == ("groups" in spec):
        _fail(where, "groups", "give either group_size (equal groups) or groups (a list of sizes), "
              "not both and not neither", source)
    if "group_size" in spec:
        _integer(spec["group_size"], where, "group_size", source)
    else:
        groups = spec["groups"]
        if not isinstance(groups, list) or not groups:
            _fail(where, "groups", f"must be a list of group sizes such as [8, 4, 4, 4, 12], not {groups!r}", source)
        for size in groups:
            _integer(size, where, "groups", source)
        if sum(groups) != length:
            _fail(where, "groups", f"add up to {sum(groups)}, but length is {length}", source)
    separator = spec["group_separator"]
    if not isinstance(separator, str) or len(separator) != 1 or separator not in SEPARATORS:
        _fail(where, "group_separator", f"{separator!r} cannot separate groups; allowed: one ASCII "
              f"punctuation character (such as - . / _ :) or a space", source)
    lookalikes = code_points(spec.get("separator_lookalikes", []), where, "separator_lookalikes", source)
    check = spec["check"]
    if check not in CHECKS:
        _fail(where, "check", f"unknown check algorithm {check!r}; allowed: {', '.join(CHECKS)}", source)
    if check == "crockford-mod-37" and separator in CROCKFORD_CHECK_ONLY:
        _fail(where, "group_separator", f"{separator!r} is one of Crockford's check symbols {CROCKFORD_CHECK_ONLY}",
              source)
    needed = CHECKS[check]
    if needed is not None and alphabet != needed:
        _fail(where, "check", f"{check} works on the alphabet {needed!r} only, not {alphabet!r}", source)
    confusables = spec.get("confusables", {})
    if not isinstance(confusables, dict):
        _fail(where, "confusables", f"must be an object such as {{\"O\": \"0\"}}, not {_kind(confusables)}", source)
    for char, symbol in confusables.items():
        _char(char, where, "confusables", source)
        _char(symbol, where, "confusables", source)
        if char.isspace() or char in SEPARATORS:
            _fail(where, "confusables", f"{char!r} is a space or separator, not a key character", source)
        if check == "crockford-mod-37" and char.upper() in CROCKFORD_CHECK_ONLY:
            _fail(where, "confusables", f"{char!r} is one of Crockford's check symbols {CROCKFORD_CHECK_ONLY}", source)
        if symbol not in alphabet:
            _fail(where, "confusables", f"{char!r} is read as {symbol!r}, which is not in the alphabet", source)
        if char in alphabet or (not case_sensitive and char.upper() in alphabet.upper()):
            _fail(where, "confusables", f"{char!r} is itself a key symbol", source)
    pairs = spec.get("lookalike_pairs", [])
    if not isinstance(pairs, list):
        _fail(where, "lookalike_pairs", f"must be a list of pairs such as [\"0\", \"D\"], not {_kind(pairs)}", source)
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2:
            _fail(where, "lookalike_pairs", f"{pair!r} is not a pair of two symbols", source)
        for symbol in pair:
            _char(symbol, where, "lookalike_pairs", source)
            if symbol not in alphabet:
                _fail(where, "lookalike_pairs", f"{symbol!r} is not in the alphabet", source)
    if "max_suggestions" in spec:
        _integer(spec["max_suggestions"], where, "max_suggestions", source, minimum=0)
    for field in ("description", "_comment"):
        if field in spec and not isinstance(spec[field], str):
            _fail(where, field, f"must be text, not {_kind(spec[field])}", source)
    products = spec.get("products", [])
    if not isinstance(products, list):
        _fail(where, "products", f"must be a list, not {_kind(products)}", source)
    prefix_lengths = set()
    for number, product in enumerate(products, 1):
        place = f"{where}, product {number}"
        _fields(product, _PRODUCT, place, source, "products")
        for field in ("prefix", "product", "version"):
            _text(product[field], place, field, source)
        prefix = product["prefix"]
        if any(c not in alphabet for c in prefix):
            _fail(place, "prefix", f"{prefix!r} uses symbols outside the alphabet", source)
        prefix_lengths.add(len(prefix))
        names = product["name"]
        if not isinstance(names, dict) or not names:
            _fail(place, "name", "must be an object of names by language, such as {\"en\": \"Studio 6\"}", source)
        for lang, name in names.items():
            _text(name, place, f"name.{lang}", source)
    if len(prefix_lengths) > 1:
        _fail(where, "products", "every product prefix must have the same length", source)
    if prefix_lengths and max(prefix_lengths) >= length:
        _fail(where, "products", "a product prefix must be shorter than the key", source)
    if len({(p["product"], p["version"]) for p in products}) != len(products) or len(
            {p["prefix"] for p in products}) != len(products):
        _fail(where, "products", "two products have the same prefix or the same product and version", source)
    # Normalization must not take a key symbol (or the separator) for something else.
    dashes = code_points(normalization["dash_characters"], "normalization", "dash_characters", source)
    invisible = code_points(normalization["invisible_characters"], "normalization", "invisible_characters", source)
    readable = set(alphabet) | set(confusables)
    if not case_sensitive:
        readable |= {c.lower() for c in readable} | {c.upper() for c in readable}
    clash = sorted(readable & (dashes | invisible | lookalikes))
    if clash:
        _fail(where, "alphabet", f"{clash[0]!r} is a key symbol and also a separator or invisible character", source)
    if separator in invisible or (lookalikes & invisible):
        _fail(where, "group_separator", "is listed as an invisible character", source)
    display = length + len(groups_of(spec)) - 1
    if normalization["max_input_length"] < display:
        _fail("normalization", "max_input_length", f"must be at least {display}, the length of a {where} key "
              "with its separators", source)


def check_document(data, source="formats.json"):
    """Check a whole formats.json document (already parsed)."""
    _fields(data, _TOP, "", source)
    for field in ("$schema", "_comment"):
        if field in data and not isinstance(data[field], str):
            _fail("", field, f"must be text, not {_kind(data[field])}", source)
    normalization = data["normalization"]
    _fields(normalization, _NORMALIZATION, "normalization", source, "normalization")
    _integer(normalization["max_input_length"], "normalization", "max_input_length", source)
    for field in ("dash_characters", "invisible_characters"):
        code_points(normalization[field], "normalization", field, source)
    formats = data["formats"]
    if not isinstance(formats, dict) or not formats:
        _fail("", "formats", "must be an object with at least one format", source)
    for name, spec in formats.items():
        check_format(spec, normalization, f"format {name!r}", source)
    if data["default"] not in formats:
        _fail("", "default", f"{data['default']!r} names no format; formats: {', '.join(formats)}", source)

