"""Test vectors generated from a formats.json document, for any vendor's key format.

``vectors(document)`` gives vectors in the form of ``diagnose.jsonl`` (compared by
``compare.py``, under CPython and inside Pyodide) for the document's default format:
a valid key of every product in display, compact and lower-case form; every
single-symbol substitution at every position; each confusable character; full-width
symbols; each dash look-alike and each of the format's separator look-alikes; a
stray space; a missing and an extra symbol. It does not import the checker: check
symbols come from python-stdnum (Luhn mod N, Verhoeff, ISO 7064) or, for Crockford's
mod 37, from plain arithmetic, and each input's findings follow from how it was made.
"""

import random
import unicodedata

from stdnum import luhn, verhoeff
from stdnum.iso7064 import mod_37_36

CROCKFORD_CHECK = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U"
HELP = {
    "invalid-character": "entering-keys/#key-format", "confusable": "entering-keys/#confusable-characters",
    "full-width": "entering-keys/#full-width-characters", "separators": "entering-keys/#separators",
    "length": "entering-keys/#key-format", "checksum": "entering-keys/#typing-mistakes",
    "unknown-product": "entering-keys/#product-and-version",
}
SEVERITY = {"invalid-character": "error", "confusable": "warning", "full-width": "info", "separators": "info",
            "length": "error", "checksum": "error", "unknown-product": "error"}
LANGS = ("ja", "en")


def _chars(items):
    return [chr(int(item[2:], 16)) for item in items]


class Format:
    """The parts of a format entry the vectors need, read straight from the data."""

    def __init__(self, document):
        spec = document["formats"][document["default"]]
        self.alphabet = spec["alphabet"]
        self.length = spec["length"]
        self.case_sensitive = spec.get("case_sensitive", False)
        if "groups" in spec:
            self.groups = list(spec["groups"])
        else:
            size = spec["group_size"]
            self.groups = [size] * (self.length // size) + ([self.length % size] if self.length % size else [])
        self.separator = spec["group_separator"]
        self.lookalikes = _chars(spec.get("separator_lookalikes", []))
        self.dashes = [c for c in _chars(document["normalization"]["dash_characters"]) if c != self.separator]
        self.check = spec["check"]
        self.confusables = spec.get("confusables", {})
        self.products = spec.get("products", [])
        self.prefixes = {p["prefix"]: p for p in self.products}
        self.prefix_length = len(self.products[0]["prefix"]) if self.products else 0
        self.max_suggestions = spec.get("max_suggestions", 5)
        self.partners = {}
        for a, b in spec.get("lookalike_pairs", []):
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)

    def check_symbol(self, body):
        if self.check == "luhn":
            return luhn.calc_check_digit(body, alphabet=self.alphabet)
        if self.check == "verhoeff":
            return verhoeff.calc_check_digit(body)
        if self.check in ("iso7064-mod-37-36", "iso7064-mod-11-10"):
            return mod_37_36.calc_check_digit(body, alphabet=self.alphabet)
        if self.check == "crockford-mod-37":
            value = 0
            for symbol in body:
                value = value * 32 + self.alphabet.index(symbol)
            return CROCKFORD_CHECK[value % 37]
        raise ValueError("no check symbol")

    def passes(self, key):
        return self.check == "none" or self.check_symbol(key[:-1]) == key[-1]

    def complete(self, key):
        return (not self.prefix_length or key[: self.prefix_length] in self.prefixes) and self.passes(key)

    def display(self, key):
        parts, start = [], 0
        for size in self.groups:
            parts.append(key[start : start + size])
            start += size
        return self.separator.join(parts)

    def make_key(self, rng, prefix=""):
        body = prefix + "".join(rng.choice(self.alphabet) for _ in range(self.length - len(prefix) - 1))
        last = self.check_symbol(body) if self.check != "none" else rng.choice(self.alphabet)
        return body + last

    def suggestions(self, key):
        found = []
        for position, symbol in enumerate(key):
            for partner in self.partners.get(symbol, ()):
                candidate = key[:position] + partner + key[position + 1 :]
                if self.complete(candidate):
                    found.append(self.display(candidate))
                    if len(found) == self.max_suggestions:
                        return found
        return found


def _finding(code, position=None, suggestions=()):
    return {"code": code, "severity": SEVERITY[code], "position": position, "help": HELP[code],
            "suggestions": list(suggestions), "message_contains": []}


def vectors(document, seed=20261207):
    fmt = Format(document)
    rng = random.Random(seed)
    out = []

    def add(name, text, key, findings, lang=None, valid=None):
        product = fmt.prefixes.get(key[: fmt.prefix_length]) if key and fmt.prefix_length else None
        whole = key is not None and len(key) == fmt.length
        errors = any(SEVERITY[f["code"]] == "error" for f in findings)
        for language in [lang] if lang else LANGS:
            out.append({
                "id": f"{len(out) + 1:04d}-{name}-{language}", "input": text, "lang": language, "expect": None,
                "message_language": language, "findings": findings,
                "valid": (not errors) if valid is None else valid,
                "normalized": fmt.display(key) if whole else None,
                "product": product["product"] if product else None,
                "version": product["version"] if product else None,
                "validate": key if not errors else
                ("InvalidLength" if any(f["code"] == "length" for f in findings) else
                 "InvalidFormat" if any(f["code"] == "invalid-character" for f in findings) else
                 "InvalidComponent" if any(f["code"] == "unknown-product" for f in findings) else "InvalidChecksum"),
            })

    keys = [fmt.make_key(rng, p) for p in fmt.prefixes] or [fmt.make_key(rng)]
    letters = any(c.isalpha() for c in fmt.alphabet)
    for key in keys:
        shown = fmt.display(key)
        add("valid-display", shown, key, [])
        add("valid-compact", key, key, [])
        if letters and not fmt.case_sensitive:
            add("valid-lower-case", shown.lower(), key, [])
        wide = "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in shown)
        add("full-width", wide, key, [_finding("full-width")], lang="en")
        for dash in fmt.dashes[:4] + fmt.lookalikes:
            folded = unicodedata.normalize("NFKC", dash)
            findings = [_finding("full-width")] if folded != dash else []
            findings += [_finding("separators")] if folded != fmt.separator else []
            add(f"separator-U{ord(dash):04X}", shown.replace(fmt.separator, dash), key, findings, lang="en")
        if fmt.separator != " ":
            add("stray-space", shown[:1] + " " + shown[1:], key, [_finding("separators")])
        for char, symbol in fmt.confusables.items():
            if symbol in key[fmt.prefix_length : -1]:
                position = key.index(symbol, fmt.prefix_length)
                typed = key[:position] + char + key[position + 1 :]
                add(f"confusable-{char}", fmt.display(typed), key, [_finding("confusable", position)], lang="en")
        add("missing-symbol", key[:-1], key[:-1], [_finding("length")], lang="en")
        add("extra-symbol", key + fmt.alphabet[0], key + fmt.alphabet[0], [_finding("length")], lang="en")
    key = keys[0]
    for position in range(fmt.length):
        symbol = key[position]
        other = fmt.alphabet[(fmt.alphabet.index(symbol) + 1) % len(fmt.alphabet)] if symbol in fmt.alphabet else \
            fmt.alphabet[0]
        wrong = key[:position] + other + key[position + 1 :]
        findings = []
        if fmt.prefix_length and wrong[: fmt.prefix_length] not in fmt.prefixes:
            findings.append(_finding("unknown-product", 0))
        if not fmt.passes(wrong):
            findings.append(_finding("checksum", suggestions=fmt.suggestions(wrong)))
        add(f"substitution-{position + 1}", fmt.display(wrong), wrong, findings, lang="en")
    return out
