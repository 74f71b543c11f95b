"""License key formats, read from ``checker/data/formats.json``.

A ``KeyFormat`` holds everything that makes a key valid: the alphabet, case
sensitivity, length, grouping, the check algorithm, the confusable characters
and the product prefixes. It also normalizes raw input the way the checker
reports it. The functions of the package (``compact``, ``validate``,
``format``) use the default format; pass ``key_format=`` for another one.

>>> fmt = default_format()
>>> fmt.length, fmt.group_size, fmt.check
(25, 5, 'luhn')
>>> fmt.display('S6AB1CDEF2GHJK3MNPQ4RSTVH')
'S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH'
"""

import json
import unicodedata
from importlib import resources

from . import iso7064, luhn
from .exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

__all__ = ["KeyFormat", "Analysis", "default_format", "load_formats"]

# Check algorithms a format may name: (checksum function, value of a valid key).
_CHECKS = {
    "luhn": (luhn.checksum, 0),
    "iso7064-mod-37-36": (iso7064.checksum, 1),
    "none": (None, None),
}


def _code_points(items):
    """Turn ["U+200B", ...] into a frozenset of characters."""
    return frozenset(chr(int(item.removeprefix("U+"), 16)) for item in items)


class Analysis:
    """What normalization did to one input, step by step.

    ``symbols`` has one ``(typed, symbol, confusable)`` triple per character of
    the compact key: ``typed`` as entered (after NFKC), ``symbol`` the alphabet
    symbol it stands for, or None for a character no key uses."""

    __slots__ = ("nfkc_changes", "invisible", "separators", "symbols", "compact")

    def __init__(self, nfkc_changes, invisible, separators, symbols, compact):
        self.nfkc_changes = nfkc_changes  # [(original, replacement)], first occurrence each
        self.invisible = invisible  # removed invisible characters, in order
        self.separators = separators  # removed separators beyond the standard group hyphens
        self.symbols = symbols
        self.compact = compact


class KeyFormat:
    """One key format, built from its entry in formats.json."""

    def __init__(self, spec, normalization):
        self.alphabet = spec["alphabet"]
        if len(set(self.alphabet)) != len(self.alphabet):
            raise ValueError("alphabet has repeated symbols")
        self.case_sensitive = bool(spec.get("case_sensitive", False))
        self.length = int(spec["length"])
        self.group_size = int(spec.get("group_size") or self.length)
        self.separator = spec.get("group_separator", "-")
        self.check = spec.get("check", "none")
        if self.check not in _CHECKS:
            raise ValueError(f"unknown check algorithm {self.check!r}")
        self._checksum, self._valid_checksum = _CHECKS[self.check]
        self.max_input_length = int(normalization["max_input_length"])
        self.dashes = _code_points(normalization["dash_characters"])
        self.invisible = _code_points(normalization["invisible_characters"])
        self.confusables = dict(spec.get("confusables", {}))
        self.max_suggestions = int(spec.get("max_suggestions", 5))
        self.products = [dict(p) for p in spec.get("products", [])]
        self.by_prefix = {p["prefix"]: p for p in self.products}
        self.by_id = {f'{p["product"]}/{p["version"]}': p for p in self.products}
        lengths = {len(prefix) for prefix in self.by_prefix}
        if len(lengths) > 1:
            raise ValueError("product prefixes must all have the same length")
        self.prefix_length = lengths.pop() if lengths else 0
        # Partners for the look-alike swaps, in the order the data lists the pairs.
        self.partners = {}
        for a, b in spec.get("lookalike_pairs", []):
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        self._table = self._symbol_table()
        self._check_consistency()

    def _symbol_table(self):
        """Map every accepted character to (symbol, is_confusable)."""
        table = {}
        sources = [(s, s, False) for s in self.alphabet]
        sources += [(c, s, True) for c, s in self.confusables.items()]
        for char, symbol, confusable in sources:
            variants = [char]
            if not self.case_sensitive:
                # Only the symbol's own case partners: str.upper() on arbitrary text
                # would turn 'ß' into 'SS' or 'ı' into 'I'.
                variants += [v for v in (char.lower(), char.upper()) if len(v) == 1]
            for variant in variants:
                table.setdefault(variant, (symbol, confusable))
        return table

    def _check_consistency(self):
        for char, symbol in self.confusables.items():
            if symbol not in self.alphabet:
                raise ValueError(f"confusable {char!r} maps to {symbol!r}, not in the alphabet")
            if char in self.alphabet:
                raise ValueError(f"confusable {char!r} is itself in the alphabet")
        for char in self._table:
            if char in self.dashes or char in self.invisible or char.isspace():
                raise ValueError(f"key symbol {char!r} is also a separator")
        for prefix in self.by_prefix:
            if any(s not in self.alphabet for s in prefix):
                raise ValueError(f"product prefix {prefix!r} uses symbols outside the alphabet")
        for symbol, partners in self.partners.items():
            if symbol not in self.alphabet or any(p not in self.alphabet for p in partners):
                raise ValueError("look-alike pairs must use alphabet symbols")

    # --- normalization ------------------------------------------------------

    def analyse(self, text):
        """Normalize ``text`` and record what every step changed."""
        if unicodedata.is_normalized("NFKC", text):
            nfkc_changes = []
        else:
            # Character by character, so each change can be named and a combining
            # mark never merges with a key symbol into something else.
            nfkc_changes, seen, parts = [], set(), []
            for char in text:
                new = unicodedata.normalize("NFKC", char)
                if new != char and char not in seen:
                    seen.add(char)
                    nfkc_changes.append((char, new))
                parts.append(new)
            text = "".join(parts)
        table, invisible, dashes = self._table, self.invisible, self.dashes
        group, hyphen = self.group_size, self.separator
        symbols, removed_invisible, separators = [], [], []
        after_symbol = False  # was the previous visible character a key character?
        pending = False  # a group hyphen seen: standard only if a key character comes later
        # Characters since the last separator: a hyphen is the key's own when it closes
        # whole groups. Counted per run, so one stray character early in the key cannot
        # turn every later hyphen into noise; an unreadable character (a NUL, a combining
        # mark) may stand for a symbol or be extra, so either count closes a group.
        run = readable = 0
        for char in text:
            entry = table.get(char)
            if entry is not None:
                symbols.append((char, entry[0], entry[1]))
                pending = False
                after_symbol = True
                run += 1
                readable += 1
            elif char in invisible:
                removed_invisible.append(char)
            elif char in dashes or char.isspace():
                if char == hyphen and after_symbol and (run % group == 0 or (readable and readable % group == 0)):
                    pending = True
                else:
                    separators.append(char)
                after_symbol = False
                run = readable = 0
            else:
                symbols.append((char, None, False))
                pending = False
                after_symbol = True
                run += 1
        if pending:
            separators.append(hyphen)
        compact = "".join(symbol or typed for typed, symbol, _ in symbols)
        return Analysis(nfkc_changes, removed_invisible, separators, symbols, compact)

    # --- the key itself -----------------------------------------------------

    def checksum_ok(self, compact):
        """Whether a key of known symbols passes the format's check algorithm."""
        if self._checksum is None:
            return True
        return self._checksum(compact, self.alphabet) == self._valid_checksum

    def product_of(self, compact):
        """The product entry named by the key's prefix, or None."""
        return self.by_prefix.get(compact[: self.prefix_length]) if self.prefix_length else None

    def display(self, compact):
        """Groups of ``group_size`` joined by the group separator."""
        size = self.group_size
        return self.separator.join(compact[i : i + size] for i in range(0, len(compact), size))

    def pattern(self):
        """The shape of a key, e.g. XXXXX-XXXXX-XXXXX-XXXXX-XXXXX."""
        return self.display("X" * self.length)

    def is_complete(self, compact):
        """Known product (if the format has products) and a passing check."""
        return (not self.prefix_length or self.product_of(compact) is not None) and self.checksum_ok(compact)

    def suggestions(self, compact):
        """Valid keys one look-alike swap away, left to right, in display form."""
        found = []
        for position, symbol in enumerate(compact):
            for partner in self.partners.get(symbol, ()):
                candidate = compact[:position] + partner + compact[position + 1 :]
                if self.is_complete(candidate):
                    found.append(self.display(candidate))
                    if len(found) == self.max_suggestions:
                        return found
        return found

    def compact(self, text):
        if not isinstance(text, str):
            raise TypeError(f"key must be a str, not {type(text).__name__}")
        return self.analyse(text).compact

    def validate(self, text):
        """Return the compact key or raise the first problem found."""
        if not isinstance(text, str):
            raise InvalidFormat(f"Key must be a str, not {type(text).__name__}")
        if len(text) > self.max_input_length:
            raise InvalidLength(f"Input too long: {len(text)} characters (at most {self.max_input_length})")
        analysis = self.analyse(text)
        for position, (typed, symbol, _) in enumerate(analysis.symbols):
            if symbol is None:
                raise InvalidFormat(f"Invalid character {typed!r} at position {position}")
        compact = analysis.compact
        if len(compact) != self.length:
            raise InvalidLength(f"Expected {self.length} characters, got {len(compact)}")
        if self.prefix_length and self.product_of(compact) is None:
            raise InvalidComponent(f"Unknown product prefix {compact[: self.prefix_length]!r}")
        if not self.checksum_ok(compact):
            raise InvalidChecksum(f"Invalid check symbol in {self.display(compact)!r}")
        return compact

    def calc_check_symbol(self, body):
        """The symbol that completes ``body`` (length - 1 symbols) to a valid key."""
        if self.check == "luhn":
            return luhn.calc_check_digit(body, self.alphabet)
        if self.check == "iso7064-mod-37-36":
            return iso7064.calc_check_digit(body, self.alphabet)
        raise ValueError("this format has no check symbol")


def load_formats():
    """Read formats.json from the package (works from a wheel and under Pyodide)."""
    text = resources.files(__package__).joinpath("data/formats.json").read_text(encoding="utf-8")
    data = json.loads(text)
    formats = {name: KeyFormat(spec, data["normalization"]) for name, spec in data["formats"].items()}
    return data["default"], formats


_DEFAULT_NAME, FORMATS = load_formats()


def default_format():
    return FORMATS[_DEFAULT_NAME]
