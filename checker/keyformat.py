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
import os
import unicodedata
from importlib import resources

from . import crockford, formatspec, iso7064, luhn, verhoeff
from .exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from .formatspec import FormatsError

__all__ = ["KeyFormat", "Analysis", "FormatsError", "default_format", "load_formats", "FORMATS_FILE_VARIABLE"]

# Check algorithms a format may name (formatspec.CHECKS says which alphabet each needs):
# the module whose is_valid(key, alphabet) and calc_check_digit(body, alphabet) it uses.
_CHECKS = {
    "luhn": luhn,
    "verhoeff": verhoeff,
    "iso7064-mod-11-10": iso7064,  # the hybrid system over ten digits
    "iso7064-mod-37-36": iso7064,  # over the 36 letters and digits
    "crockford-mod-37": crockford,
    "none": None,
}
# Another vendor's formats.json for CPython (tests, the command line); the wheel the
# browser runs carries its own copy (tools/build_runtime.py --formats).
FORMATS_FILE_VARIABLE = "CHECKER_FORMATS"


class Analysis:
    """What normalization did to one input, step by step.

    ``symbols`` has one ``(typed, symbol, confusable)`` triple per character of
    the compact key: ``typed`` as entered (after NFKC), ``symbol`` the alphabet
    symbol it stands for, or None for a character no key uses."""

    __slots__ = ("nfkc_changes", "invisible", "separators", "symbols", "compact")

    def __init__(self, nfkc_changes, invisible, separators, symbols, compact):
        self.nfkc_changes = nfkc_changes  # [(original, replacement)], first occurrence each
        self.invisible = invisible  # removed invisible characters, in order
        self.separators = separators  # removed separators beyond the key's own group separators
        self.symbols = symbols
        self.compact = compact


class KeyFormat:
    """One key format, built from its entry in formats.json (checked by ``formatspec``)."""

    def __init__(self, spec, normalization, name="format", source="formats.json"):
        formatspec.check_format(spec, normalization, f"format {name!r}" if name != "format" else name, source)
        self.alphabet = spec["alphabet"]
        self.case_sensitive = bool(spec.get("case_sensitive", False))
        self.length = int(spec["length"])
        self.groups = formatspec.groups_of(spec)
        self.group_size = self.groups[0] if len(set(self.groups)) == 1 else None  # None: groups differ
        self.separator = spec["group_separator"]
        self.check = spec["check"]
        self._check_module = _CHECKS[self.check]
        # Crockford's check symbol may be one of five symbols no other position uses.
        self.check_only = crockford.CHECK_SYMBOLS[32:] if self.check == "crockford-mod-37" else ""
        self.max_input_length = int(normalization["max_input_length"])
        self.dashes = formatspec.code_points(normalization["dash_characters"])
        self.invisible = formatspec.code_points(normalization["invisible_characters"])
        # What a reader may type between groups: the separator, what looks like it, any dash.
        self.separator_lookalikes = formatspec.code_points(spec.get("separator_lookalikes", []))
        self.group_breaks = self.dashes | self.separator_lookalikes | {self.separator}
        self.confusables = dict(spec.get("confusables", {}))
        self.max_suggestions = int(spec.get("max_suggestions", 5))
        self.products = [dict(p) for p in spec.get("products", [])]
        self.by_prefix = {p["prefix"]: p for p in self.products}
        self.by_id = {f'{p["product"]}/{p["version"]}': p for p in self.products}
        lengths = {len(prefix) for prefix in self.by_prefix}
        self.prefix_length = lengths.pop() if lengths else 0
        # Where the key's own separators stand (symbols before each), and every run of
        # whole groups a separator may close (a stray symbol earlier shifts positions).
        self.boundaries = frozenset(sum(self.groups[: i + 1]) for i in range(len(self.groups) - 1))
        self.runs = frozenset(sum(self.groups[i:j]) for i in range(len(self.groups))
                              for j in range(i + 1, len(self.groups) + 1))
        # Partners for the look-alike swaps, in the order the data lists the pairs.
        self.partners = {}
        for a, b in spec.get("lookalike_pairs", []):
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        self._table = self._symbol_table()

    def _symbol_table(self):
        """Map every accepted character to (symbol, is_confusable)."""
        table = {}
        sources = [(s, s, False) for s in self.alphabet]
        sources += [(c, s, True) for c, s in self.confusables.items()]
        sources += [(s, s, False) for s in self.check_only]
        for char, symbol, confusable in sources:
            variants = [char]
            if not self.case_sensitive:
                # Only the symbol's own case partners: str.upper() on arbitrary text
                # would turn 'ß' into 'SS' or 'ı' into 'I'.
                variants += [v for v in (char.lower(), char.upper()) if len(v) == 1]
            for variant in variants:
                table.setdefault(variant, (symbol, confusable))
        return table

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
        table, invisible, breaks = self._table, self.invisible, self.group_breaks
        own, runs, boundaries = self.separator, self.runs, self.boundaries
        symbols, removed_invisible, separators = [], [], []
        pending = False  # the key's own separator seen: kept only if a key character comes later
        # A separator is the key's own when it stands where the key has one: after whole
        # groups counted from the last group break (so one stray symbol early in the key
        # cannot turn every later separator into noise), or at a group boundary of the key.
        # Spaces do not break the count: "S6AB1-CD EF2-…" keeps its second hyphen. An
        # unreadable character (a NUL, a combining mark) may stand for a symbol or be
        # extra, so either count closes a group.
        run = readable = 0
        for char in text:
            entry = table.get(char)
            if entry is not None:
                symbols.append((char, entry[0], entry[1]))
                pending = False
                run += 1
                readable += 1
            elif char in invisible:
                removed_invisible.append(char)
            elif char in breaks or char.isspace():
                closes = run in runs or readable in runs or len(symbols) in boundaries
                if char == own and run and not pending and closes:
                    pending = True
                else:
                    separators.append(char)
                if char in breaks:
                    run = readable = 0
            else:
                symbols.append((char, None, False))
                pending = False
                run += 1
        if pending:
            separators.append(own)
        if self.check_only:
            # Crockford's extra check symbols are key symbols in the last place only.
            last = self.length - 1
            symbols = [(typed, None, False) if symbol and symbol in self.check_only and i != last else (typed, symbol, c)
                       for i, (typed, symbol, c) in enumerate(symbols)]
        compact = "".join(symbol or typed for typed, symbol, _ in symbols)
        return Analysis(nfkc_changes, removed_invisible, separators, symbols, compact)

    # --- the key itself -----------------------------------------------------

    def checksum_ok(self, compact):
        """Whether a key of known symbols passes the format's check algorithm."""
        if self._check_module is None:
            return True
        return self._check_module.is_valid(compact, self.alphabet)

    def product_of(self, compact):
        """The product entry named by the key's prefix, or None."""
        return self.by_prefix.get(compact[: self.prefix_length]) if self.prefix_length else None

    def display(self, compact):
        """The key's groups joined by the group separator (a longer text: more groups of the last size)."""
        parts, start = [], 0
        sizes = iter(self.groups)
        size = self.groups[-1]
        while start < len(compact) or not parts:
            size = next(sizes, size)
            parts.append(compact[start : start + size])
            start += size
        return self.separator.join(parts)

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
        if self._check_module is None:
            raise ValueError("this format has no check symbol")
        return self._check_module.calc_check_digit(body, self.alphabet)


def load_formats(path=None):
    """Read and check formats.json: from ``path``, from the file $CHECKER_FORMATS names, or
    from the package (works from a wheel and under Pyodide). Raises FormatsError."""
    path = path or os.environ.get(FORMATS_FILE_VARIABLE)
    if path:
        source = str(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
    else:
        source = "checker/data/formats.json"
        text = resources.files(__package__).joinpath("data/formats.json").read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise FormatsError(f"{source}: not valid JSON: {error}") from None
    formatspec.check_document(data, source)
    formats = {name: KeyFormat(spec, data["normalization"], name, source) for name, spec in data["formats"].items()}
    return data["default"], formats


_DEFAULT_NAME, FORMATS = load_formats()


def default_format():
    return FORMATS[_DEFAULT_NAME]
