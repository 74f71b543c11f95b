"""Generate tests/vectors/diagnose.jsonl, the checker's data-driven test vectors.

Run by hand after changing the spec (not part of the test run):

    .venv/bin/python tests/vectors/make_vectors.py

It does NOT import the checker. Every expected value is derived here from the
issue's specification: valid keys get their check symbol from python-stdnum's
``luhn.calc_check_digit(body, alphabet=ALPHABET)`` (the test-only oracle), and
each broken input is built from a valid key by one known change, so its expected
findings follow from how it was built. The vectors are committed as data, so
other runtimes (Pyodide under Node) run exactly the same cases.
"""

import json
import random
from pathlib import Path

from stdnum import luhn

OUT = Path(__file__).with_name("diagnose.jsonl")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PRODUCTS = {"S5": ("studio", "5", "Studio 5"), "S6": ("studio", "6", "Studio 6"), "P6": ("pro", "6", "Pro 6")}
IDS = {f"{p}/{v}": prefix for prefix, (p, v, _) in PRODUCTS.items()}
# From the issue and the lead's decisions.
SEVERITY = {
    "empty": "error", "too-long-input": "error", "invalid-character": "error", "confusable": "warning",
    "full-width": "info", "separators": "info", "invisible": "warning", "length": "error",
    "checksum": "error", "unknown-product": "error", "version-mismatch": "error",
}
HELP = {
    "empty": "entering-keys/#key-format", "too-long-input": "entering-keys/#copy-and-paste",
    "invalid-character": "entering-keys/#key-format", "confusable": "entering-keys/#confusable-characters",
    "full-width": "entering-keys/#full-width-characters", "separators": "entering-keys/#separators",
    "invisible": "entering-keys/#invisible-characters", "length": "entering-keys/#key-format",
    "checksum": "entering-keys/#typing-mistakes", "unknown-product": "entering-keys/#product-and-version",
    "version-mismatch": "troubleshooting/#check-version",
}
PARTNERS = {"0": "DQ", "D": "0", "Q": "0", "2": "Z", "Z": "2", "5": "S", "S": "5", "6": "G", "G": "6", "8": "B", "B": "8"}
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\u30fc"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
             "\u2066", "\u2067", "\u2068", "\u2069"]
LANGS = ("ja", "en")

rng = random.Random(20240603)
vectors = []


def make_key(prefix="S6", forced=None):
    """A valid key; ``forced`` = {position: symbol} fixes some body symbols."""
    body = list(prefix + "".join(rng.choice(ALPHABET) for _ in range(22)))
    for position, symbol in (forced or {}).items():
        body[position] = symbol
    body = "".join(body)
    key = body + luhn.calc_check_digit(body, alphabet=ALPHABET)
    assert luhn.is_valid(key, alphabet=ALPHABET)
    return key


def display(compact):
    return "-".join(compact[i:i + 5] for i in range(0, len(compact), 5))


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def quote(char, lang):
    return f"「{char}」" if lang == "ja" else f"“{char}”"


def at(position, lang):
    """How a message names a 0-based compact position."""
    return f"左から{position + 1}文字目" if lang == "ja" else f"position {position + 1} "


def count(name, n, lang):
    names = {"space": "空白", "tab": "タブ", "line_break": "改行", "dash": "ハイフンや長音記号"}
    if lang == "ja":
        return f"{names[name]}×{n}"
    return f"{name.replace('_', ' ')} ×{n}"


def is_valid_key(compact):
    return compact[:2] in PRODUCTS and luhn.is_valid(compact, alphabet=ALPHABET)


def suggestions(compact):
    found = []
    for position, symbol in enumerate(compact):
        for partner in PARTNERS.get(symbol, ""):
            candidate = compact[:position] + partner + compact[position + 1:]
            if is_valid_key(candidate):
                found.append(display(candidate))
    return found[:5]


def finding(code, position=None, suggestions=(), contains=()):
    return {"code": code, "severity": SEVERITY[code], "position": position, "help": HELP[code],
            "suggestions": list(suggestions), "message_contains": list(contains)}


def add(name, text, lang, findings, normalized=None, product_of=None, expect=None, validate=None, message_language=None):
    """``product_of``: the compact key (or its prefix) that names the product."""
    product = version = None
    if product_of and product_of[:2] in PRODUCTS:
        product, version, _ = PRODUCTS[product_of[:2]]
    valid = not any(f["severity"] == "error" for f in findings)
    vector = {
        "id": f"{len(vectors) + 1:03d}-{name}-{lang}",
        "input": text,
        "lang": lang,
        "expect": expect,
        "valid": valid,
        "normalized": normalized,
        "product": product,
        "version": version,
        "findings": findings,
        "message_language": message_language or (lang if lang in LANGS else "en"),
        "validate": validate,
    }
    vectors.append(vector)


def both(name, make_text_and_findings, **kwargs):
    for lang in LANGS:
        text, findings, extra = make_text_and_findings(lang)
        add(name, text, lang, findings, **{**kwargs, **extra})


# --- valid keys, every product, in the forms people write them ----------------------------
for prefix in PRODUCTS:
    for i in range(4):
        key = make_key(prefix)
        forms = [display(key), key, display(key).lower(), "".join(c.lower() if j % 2 else c for j, c in enumerate(display(key)))]
        for lang in LANGS:
            add(f"valid-{prefix}-{['display', 'compact', 'lower', 'mixed'][i]}", forms[i], lang, [],
                normalized=display(key), product_of=key, validate=key)

# --- confusables: O/o → 0, I/i/L/l → 1, at a known position ------------------------------
for typed, symbol in [("O", "0"), ("o", "0"), ("I", "1"), ("i", "1"), ("L", "1"), ("l", "1")]:
    position = rng.randrange(2, 24)
    key = make_key(rng.choice(list(PRODUCTS)), {position: symbol})
    text = display(key[:position] + typed + key[position + 1:])
    for lang in LANGS:
        add(f"confusable-{typed}", text, lang,
            [finding("confusable", position, contains=[quote(typed, lang), quote(symbol, lang), at(position, lang)])],
            normalized=display(key), product_of=key, validate=key)
# Several confusables: one finding each, left to right.
key = make_key("P6", {3: "0", 9: "1", 17: "0"})
text = display(key[:3] + "O" + key[4:9] + "l" + key[10:17] + "o" + key[18:])
for lang in LANGS:
    add("confusable-three", text, lang, [finding("confusable", 3, contains=[quote("O", lang)]),
                                         finding("confusable", 9, contains=[quote("l", lang)]),
                                         finding("confusable", 17, contains=[quote("o", lang)])],
        normalized=display(key), product_of=key, validate=key)
# A confusable in the check symbol itself.
for symbol, typed in [("0", "O"), ("1", "I")]:
    while True:
        key = make_key("S5")
        if key[-1] == symbol:
            break
    for lang in LANGS:
        add(f"confusable-check-symbol-{typed}", display(key[:-1] + typed), lang,
            [finding("confusable", 24, contains=[at(24, lang)])], normalized=display(key), product_of=key, validate=key)

# --- full-width (NFKC) --------------------------------------------------------------------
key = make_key("S6")
for lang in LANGS:
    # Full-width letters and U+FF0D hyphens: NFKC gives the standard form, nothing else to report.
    add("full-width-whole-key", full_width(display(key)), lang,
        [finding("full-width", contains=[quote(full_width(key[0]), lang)])], normalized=display(key), product_of=key, validate=key)
    add("full-width-lowercase", full_width(display(key).lower()), lang,
        [finding("full-width")], normalized=display(key), product_of=key, validate=key)
    # Katakana prolonged sound mark (ー) between groups: not changed by NFKC, removed as a separator.
    add("full-width-with-choon", "ー".join(full_width(key[i:i + 5]) for i in range(0, 25, 5)), lang,
        [finding("full-width"), finding("separators", contains=[count("dash", 4, lang)])],
        normalized=display(key), product_of=key, validate=key)
    # Half-width katakana ｰ (U+FF70) becomes ー under NFKC, then is removed.
    add("half-width-choon", "\uff70".join(key[i:i + 5] for i in range(0, 25, 5)), lang,
        [finding("full-width"), finding("separators", contains=[count("dash", 4, lang)])],
        normalized=display(key), product_of=key, validate=key)
    # Ideographic space U+3000 becomes a space under NFKC, then is removed.
    add("ideographic-space", "\u3000".join(key[i:i + 5] for i in range(0, 25, 5)), lang,
        [finding("full-width"), finding("separators", contains=[count("space", 4, lang)])],
        normalized=display(key), product_of=key, validate=key)
for position in (0, 7, 24):
    key = make_key("S5")
    text = display(key[:position] + full_width(key[position]) + key[position + 1:])
    for lang in LANGS:
        add(f"full-width-one-at-{position}", text, lang,
            [finding("full-width", contains=[full_width(key[position])])], normalized=display(key), product_of=key, validate=key)
key = make_key("S6", {10: "0"})
for lang in LANGS:
    # Ｏ → O (NFKC) → 0 (confusable): both steps reported.
    add("full-width-O", display(key[:10] + "Ｏ" + key[11:]), lang,
        [finding("full-width", contains=["Ｏ"]), finding("confusable", 10, contains=[quote("O", lang)])],
        normalized=display(key), product_of=key, validate=key)
key = make_key("P6", {12: "2"})
for lang in LANGS:
    add("superscript-two", display(key[:12] + "²" + key[13:]), lang,
        [finding("full-width", contains=["²"])], normalized=display(key), product_of=key, validate=key)

# --- separators -----------------------------------------------------------------------------
def grouped(key, sep):
    return sep.join(key[i:i + 5] for i in range(0, 25, 5))


for sep_name, sep, counted in [("space", " ", ("space", 4)), ("tab", "\t", ("tab", 4)), ("newline", "\n", ("line_break", 4)),
                               ("crlf", "\r\n", ("line_break", 8)), ("double-space", "  ", ("space", 8)),
                               ("space-hyphen-space", " - ", ("space", 8))]:
    key = make_key(rng.choice(list(PRODUCTS)))
    for lang in LANGS:
        add(f"separators-{sep_name}", grouped(key, sep), lang, [finding("separators", contains=[count(*counted, lang)])],
            normalized=display(key), product_of=key, validate=key)
for dash in DASHES:
    key = make_key(rng.choice(list(PRODUCTS)))
    # U+2011 (non-breaking hyphen) is a compatibility character: NFKC turns it into U+2010 first.
    nfkc = [finding("full-width", contains=["U+2011"])] if dash == "\u2011" else []
    for lang in LANGS:
        add(f"separators-U+{ord(dash):04X}", grouped(key, dash), lang,
            nfkc + [finding("separators", contains=[count("dash", 4, lang)])], normalized=display(key), product_of=key,
            validate=key)
key = make_key("S6")
for lang in LANGS:
    add("separators-none-needed", key, lang, [], normalized=display(key), product_of=key, validate=key)
    add("separators-trailing-newline", display(key) + "\n", lang,
        [finding("separators", contains=[count("line_break", 1, lang)])], normalized=display(key), product_of=key, validate=key)
    add("separators-leading-trailing-spaces", "  " + display(key) + " ", lang,
        [finding("separators", contains=[count("space", 3, lang)])], normalized=display(key), product_of=key, validate=key)
    # Hyphens after symbols 4, 8, 12, 16, 19 and 23: none at a group boundary (a multiple of 5).
    cuts = [0, 4, 8, 12, 16, 19, 23, 25]
    add("separators-hyphens-misplaced", "-".join(key[a:b] for a, b in zip(cuts, cuts[1:])), lang,
        [finding("separators", contains=[count("dash", 6, lang)])], normalized=display(key), product_of=key, validate=key)
    add("separators-double-hyphen", display(key).replace("-", "--", 1), lang,
        [finding("separators", contains=[count("dash", 1, lang)])], normalized=display(key), product_of=key, validate=key)
    add("separators-trailing-hyphen", display(key) + "-", lang,
        [finding("separators", contains=[count("dash", 1, lang)])], normalized=display(key), product_of=key, validate=key)
    add("separators-leading-hyphen", "-" + display(key), lang,
        [finding("separators", contains=[count("dash", 1, lang)])], normalized=display(key), product_of=key, validate=key)
    add("separators-mixed", key[:5] + " " + key[5:10] + "\t" + key[10:15] + "\u2013" + key[15:20] + "-" + key[20:], lang,
        [finding("separators")], normalized=display(key), product_of=key, validate=key)
    add("separators-email-wrap", display(key)[:14] + "\r\n" + display(key)[14:], lang,
        [finding("separators", contains=[count("line_break", 2, lang)])], normalized=display(key), product_of=key, validate=key)

# --- invisible characters -------------------------------------------------------------------
for char in INVISIBLE:
    key = make_key(rng.choice(list(PRODUCTS)))
    where = rng.randrange(0, 30)
    text = display(key)[:where] + char + display(key)[where:]
    for lang in LANGS:
        add(f"invisible-U+{ord(char):04X}", text, lang, [finding("invisible", contains=[f"U+{ord(char):04X}"])],
            normalized=display(key), product_of=key, validate=key)
key = make_key("S6")
for lang in LANGS:
    # An invisible character next to a group hyphen leaves the hyphen standard.
    add("invisible-next-to-hyphen", display(key).replace("-", "\u200b-\ufeff", 2), lang,
        [finding("invisible", contains=["U+200B", "U+FEFF"])], normalized=display(key), product_of=key, validate=key)
    add("invisible-bom-and-bidi", "\ufeff\u202a" + display(key) + "\u202c", lang,
        [finding("invisible", contains=["U+FEFF", "U+202A", "U+202C"])], normalized=display(key), product_of=key, validate=key)

# --- invalid characters ---------------------------------------------------------------------
INVALID = [("U", "quote"), ("u", "quote"), ("!", "quote"), ("@", "quote"), ("😀", "U+1F600"), ("\x00", "U+0000"),
           ("\ud800", "U+D800"), ("\u041e", "U+041E"), ("\u039f", "U+039F"), ("\x7f", "U+007F"), ("#", "quote"),
           ("\u00e9", "U+00E9")]
for char, shown in INVALID:
    position = rng.randrange(2, 25)
    key = make_key(rng.choice(list(PRODUCTS)))
    broken = key[:position] + char + key[position + 1:]
    for lang in LANGS:
        contains = [at(position, lang), quote(char, lang) if shown == "quote" else shown]
        add(f"invalid-U+{ord(char):04X}", display(broken), lang, [finding("invalid-character", position, contains=contains)],
            product_of=key, validate="InvalidFormat")
key = make_key("S5")
for lang in LANGS:
    # In the prefix: no product, and no unknown-product (the prefix is not made of key symbols).
    add("invalid-in-prefix", display("U" + key[1:]), lang, [finding("invalid-character", 0)], validate="InvalidFormat")
    # Inserted rather than replaced: the length is wrong too.
    add("invalid-inserted", display(key[:8] + "*" + key[8:]), lang,
        [finding("invalid-character", 8, contains=[quote("*", lang)]), finding("length", contains=["26"])],
        product_of=key, validate="InvalidFormat")
    # A combining accent stays a character of its own after the symbol it follows.
    add("invalid-combining-mark", display(key[:6] + "\u0301" + key[6:]), lang,
        [finding("invalid-character", 6, contains=["U+0301"]), finding("length", contains=["26"])],
        product_of=key, validate="InvalidFormat")
    # Twelve bad characters: only the first ten are reported one by one.
    add("invalid-capped-at-ten", "!" * 12, lang,
        [finding("invalid-character", i) for i in range(10)] + [finding("length", contains=["12"])], validate="InvalidFormat")
    # "Key" is made of key symbols, so the compact text starts with KE: an unknown product too.
    # The space ends "Key:"; the key's own group hyphens then close whole groups and are
    # not reported (issue 11, defect 13): only the space is.
    add("invalid-sentence", "Key: " + display(key), lang,
        [finding("separators", contains=[count("space", 1, lang)]),
         finding("invalid-character", 3, contains=[quote(":", lang)]),
         finding("length", contains=["29"]), finding("unknown-product", 0, contains=[quote("KE", lang)])],
        validate="InvalidFormat")

# --- length -----------------------------------------------------------------------------------
for removed in (3, 24):
    key = make_key("S6")
    short = key[:removed] + key[removed + 1:]
    for lang in LANGS:
        add(f"length-24-missing-{removed}", display(short), lang, [finding("length", contains=["24"])],
            product_of=key, validate="InvalidLength")
key = make_key("P6")
for lang in LANGS:
    add("length-26", display(key + "A"), lang, [finding("length", contains=["26"])], product_of=key, validate="InvalidLength")
    add("length-30", display(key + "ABCDE"), lang, [finding("length", contains=["30"])], product_of=key, validate="InvalidLength")
    add("length-one-symbol", "S", lang, [finding("length", contains=["1"])], validate="InvalidLength")
    add("length-prefix-only", "P6", lang, [finding("length", contains=["2"])], product_of="P6", validate="InvalidLength")
    add("length-doubled-key", display(key) + display(key), lang, [finding("length", contains=["50"])],
        product_of=key, validate="InvalidLength")
    add("length-256-symbols", "A" * 256, lang,
        [finding("length", contains=["256"]), finding("unknown-product", 0, contains=[quote("AA", lang)])],
        validate="InvalidLength")

# --- empty --------------------------------------------------------------------------------------
for lang in LANGS:
    add("empty-string", "", lang, [finding("empty")], validate="InvalidLength")
    add("empty-spaces", "   ", lang, [finding("separators", contains=[count("space", 3, lang)]), finding("empty")],
        validate="InvalidLength")
    add("empty-newline", "\n", lang, [finding("separators"), finding("empty")], validate="InvalidLength")
    add("empty-hyphens", "-----", lang, [finding("separators", contains=[count("dash", 5, lang)]), finding("empty")],
        validate="InvalidLength")
    add("empty-invisible", "\u200b\u200d", lang, [finding("invisible"), finding("empty")], validate="InvalidLength")
    add("empty-ideographic-space", "\u3000", lang, [finding("full-width"), finding("separators"), finding("empty")],
        validate="InvalidLength")

# --- too long -------------------------------------------------------------------------------------
key = make_key("S6")
for lang in LANGS:
    add("too-long-257", "A" * 257, lang, [finding("too-long-input", contains=["257"])], validate="InvalidLength")
    email = ("Dear customer, your key is " + display(key) + ". ") * 10
    add("too-long-email", email, lang, [finding("too-long-input", contains=[str(len(email))])], validate="InvalidLength")
    add("too-long-spaces", " " * 300, lang, [finding("too-long-input", contains=["300"])], validate="InvalidLength")
    # 256 characters is not too long: everything is checked.
    add("not-too-long-256", display(key) + " " * 227, lang,
        [finding("separators", contains=[count("space", 227, lang)])], normalized=display(key), product_of=key, validate=key)

# --- checksum: look-alike swaps get suggestions --------------------------------------------------
made = 0
while made < 16:
    key = make_key(rng.choice(list(PRODUCTS)))
    candidates = [p for p in range(2, 25) if key[p] in PARTNERS]
    if not candidates:
        continue
    position = rng.choice(candidates)
    broken = key[:position] + rng.choice(PARTNERS[key[position]]) + key[position + 1:]
    assert not is_valid_key(broken)
    expected = suggestions(broken)
    assert display(key) in expected or len(expected) == 5
    made += 1
    lang = LANGS[made % 2]
    add("checksum-lookalike-swap", display(broken), lang, [finding("checksum", suggestions=expected)],
        normalized=display(broken), product_of=broken, validate="InvalidChecksum")
made = 0
while made < 10:
    key = make_key(rng.choice(list(PRODUCTS)))
    position = rng.randrange(2, 25)
    wrong = rng.choice([c for c in ALPHABET if c != key[position]])
    broken = key[:position] + wrong + key[position + 1:]
    made += 1
    lang = LANGS[made % 2]
    add("checksum-substitution", display(broken), lang, [finding("checksum", suggestions=suggestions(broken))],
        normalized=display(broken), product_of=broken, validate="InvalidChecksum")
made = 0
while made < 10:
    key = make_key(rng.choice(list(PRODUCTS)))
    position = rng.randrange(2, 24)
    a, b = key[position], key[position + 1]
    if a == b or {a, b} == {"0", "Z"}:
        continue
    broken = key[:position] + b + a + key[position + 2:]
    made += 1
    lang = LANGS[made % 2]
    add("checksum-transposition", display(broken), lang, [finding("checksum", suggestions=suggestions(broken))],
        normalized=display(broken), product_of=broken, validate="InvalidChecksum")
# Luhn mod 32's blind spot: swapping neighbours 0 and Z (first and last symbol) keeps the checksum.
key = make_key("S6", {10: "0", 11: "Z"})
swapped = key[:10] + "Z0" + key[12:]
for lang in LANGS:
    add("luhn-blind-spot-0Z", display(swapped), lang, [], normalized=display(swapped), product_of=swapped, validate=swapped)
# The prefix S → 5 is caught as an unknown product, and the swap back is suggested.
key = make_key("S6")
broken = "5" + key[1:]
for lang in LANGS:
    add("prefix-S-typed-as-5", display(broken), lang,
        [finding("unknown-product", 0, contains=[quote("56", lang)]), finding("checksum", suggestions=suggestions(broken))],
        normalized=display(broken), validate="InvalidComponent")

# --- unknown product ----------------------------------------------------------------------------
for prefix in ["S7", "P5", "X6", "00", "6S", "ZZ"]:
    body = prefix + "".join(rng.choice(ALPHABET) for _ in range(22))
    key = body + luhn.calc_check_digit(body, alphabet=ALPHABET)
    for lang in LANGS:
        add(f"unknown-product-{prefix}", display(key), lang,
            [finding("unknown-product", 0, contains=[quote(prefix, lang), "S5", "S6", "P6"])],
            normalized=display(key), validate="InvalidComponent")

# --- version mismatch ---------------------------------------------------------------------------
for prefix, (product, version, name) in PRODUCTS.items():
    key = make_key(prefix)
    for expect, wanted_prefix in IDS.items():
        for lang in LANGS:
            if wanted_prefix == prefix:
                add(f"expect-match-{expect}", display(key), lang, [], normalized=display(key), product_of=key, expect=expect,
                    validate=key)
            else:
                add(f"expect-mismatch-{prefix}-{expect}", display(key), lang,
                    [finding("version-mismatch", 0, contains=[name, PRODUCTS[wanted_prefix][2]])],
                    normalized=display(key), product_of=key, expect=expect, validate=key)
key = make_key("S5")
for lang in LANGS:
    for expect in ["studio/9", "", "STUDIO/5", "nonsense", "studio/5/extra"]:
        add("expect-unknown-ignored", display(key), lang, [], normalized=display(key), product_of=key, expect=expect, validate=key)
    add("expect-padded", display(key), lang, [finding("version-mismatch", 0)], normalized=display(key), product_of=key,
        expect=" pro/6 ", validate=key)
    broken = key[:24] + ("A" if key[24] != "A" else "B")
    add("expect-mismatch-and-checksum", display(broken), lang,
        [finding("checksum", suggestions=suggestions(broken)), finding("version-mismatch", 0)],
        normalized=display(broken), product_of=broken, expect="studio/6", validate="InvalidChecksum")
    add("expect-with-unknown-product", display("X9" + key[2:]), lang, [finding("unknown-product", 0), finding("checksum", suggestions=suggestions("X9" + key[2:]))],
        normalized=display("X9" + key[2:]), expect="studio/5", validate="InvalidComponent")

# --- everything at once ---------------------------------------------------------------------------
key = make_key("S6", {7: "0", 13: "1"})
messy = ("\ufeff " + full_width(key[:5]) + "ー" + key[5:7] + "o" + key[8:10] + "\u200b-" + key[10:13] + "I"
         + key[13 + 1:15] + "\u3000" + key[15:20] + "\u2212" + key[20:] + "\r\n")
for lang in LANGS:
    add("everything-at-once", messy, lang,
        [finding("full-width"), finding("separators"), finding("invisible", contains=["U+FEFF", "U+200B"]),
         finding("confusable", 7, contains=[quote("o", lang)]), finding("confusable", 13, contains=[quote("I", lang)])],
        normalized=display(key), product_of=key, validate=key)

# --- language selection ---------------------------------------------------------------------------
key = make_key("S6")
broken = key[:5] + "U" + key[6:]
for lang, effective in [("ja-JP", "ja"), ("ja_JP.UTF-8", "ja"), ("JA", "ja"), ("en-US", "en"), ("fr", "en"), ("", "en"),
                        ("zh", "en"), ("en_GB", "en")]:
    add("language-fallback", display(broken), lang,
        [finding("invalid-character", 5, contains=[at(5, effective)])], product_of=key, validate="InvalidFormat",
        message_language=effective)

with OUT.open("w", encoding="ascii") as out:
    for vector in vectors:
        out.write(json.dumps(vector, ensure_ascii=True, sort_keys=True) + "\n")
print(f"wrote {len(vectors)} vectors to {OUT}")
