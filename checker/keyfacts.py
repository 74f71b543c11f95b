"""Key facts: what a page or a message may say about the key, from the key format.

Every statement about the key (its length, groups, separator, alphabet, the letters
it never uses, look-alikes, products, an example) is rendered here from
``formats.json`` with the phrases of ``messages.json`` (``key_facts``), so a
vendor who changes the format changes every sentence with it. The checker's
messages use ``separators`` and ``pairs``; the site build fills the placeholders
``<!-- key:NAME -->`` of the pages with ``facts()`` (overrides/hooks/key_facts.py).

>>> from checker.keyformat import default_format
>>> f = facts(default_format(), 'en')
>>> f['length'], f['groups'], f['separator_name'], f['unused_letters']
('25', '5 groups of 5', 'hyphens', 'I, L, O and U')
>>> f['example']
'S5XXX-XXXXX-XXXXX-XXXXX-XXXXX'
"""

import json
import string
from importlib import resources

__all__ = ["facts", "conditions", "message_fields", "example_key", "KeyFactsError"]

_CATALOG = json.loads(resources.files(__package__).joinpath("data/messages.json").read_text(encoding="utf-8"))
_PHRASES = _CATALOG["key_facts"]
# The placeholder in an example key for a symbol the example does not show.
EXAMPLE_SYMBOL = "X"


class KeyFactsError(ValueError):
    """A phrase is missing for a language (messages.json, key_facts)."""


def _phrase(name, lang, variant=None):
    entry = _PHRASES[name] if variant is None else _PHRASES[name][variant]
    if lang not in entry:
        raise KeyFactsError(f"checker/data/messages.json: key_facts.{name}{'.' + variant if variant else ''} "
                            f"has no text in {lang!r}; languages there: {', '.join(sorted(entry))}")
    return entry[lang]


def _joined(items, lang, conjunction="and"):
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    head = _phrase("list_separator", lang).join(items[:-1])
    return _phrase(conjunction, lang).format(head=head, last=items[-1])


def separator_name(fmt, lang):
    names = _PHRASES["separator_names"].get(fmt.separator)
    if names is None:
        return _phrase("separator_other", lang).format(char=fmt.separator)
    if lang not in names:
        raise KeyFactsError(f"checker/data/messages.json: key_facts.separator_names {fmt.separator!r} "
                            f"has no text in {lang!r}")
    return names[lang]


def _pairs(fmt):
    seen, pairs = set(), []
    for a, partners in fmt.partners.items():
        for b in partners:
            if (b, a) not in seen:
                seen.add((a, b))
                pairs.append((a, b))
    return pairs


def message_fields(fmt, lang):
    """The key facts the checker's messages use: ``separators`` and ``pairs`` (empty: none)."""
    pairs = [_phrase("pair", lang).format(a=a, b=b) for a, b in _pairs(fmt)[:3]]
    return {"separators": separator_name(fmt, lang), "pairs": _CATALOG["text"]["list_separator"][lang].join(pairs)}


def _kind(fmt):
    upper = set(fmt.alphabet.upper())
    if upper <= set(string.digits):
        return "digits"
    if upper <= set(string.ascii_uppercase):
        return "letters"
    return "letters_and_digits"


def example_key(fmt, symbol=EXAMPLE_SYMBOL):
    """The shape of a key with the first product's prefix: S5XXX-XXXXX-… (not a real key)."""
    prefix = fmt.products[0]["prefix"] if fmt.products else ""
    return fmt.display(prefix + symbol * (fmt.length - len(prefix)))


def sample_group(fmt):
    """A first group to show typing examples with: the first product's prefix, then alphabet symbols."""
    prefix = fmt.products[0]["prefix"] if fmt.products else ""
    letters = [c for c in fmt.alphabet if c.isalpha() and c not in prefix]
    filler = "".join(letters) or fmt.alphabet
    return (prefix + filler)[: fmt.groups[0]]


def conditions(fmt):
    """What holds for this format, for sentences that only hold for some formats.

    A page wraps such a sentence in ``<!-- key:if NAME -->…<!-- key:end -->``; the build
    keeps it when the condition is true and drops it otherwise.

    >>> from checker.keyformat import default_format
    >>> sorted(name for name, true in conditions(default_format()).items() if true)
    ['has_check', 'has_products', 'has_two_products', 'separator_is_hyphen', 'separator_is_not_space']
    """
    return {
        "has_check": fmt.check != "none",
        "has_products": bool(fmt.products),
        "has_two_products": len(fmt.products) >= 2,
        "separator_is_hyphen": fmt.separator == "-",
        "separator_is_not_space": fmt.separator != " ",
    }


def facts(fmt, lang):
    """Every fact a page may state about the key, as text in ``lang``."""
    from .summary import visible_count  # noqa: PLC0415 (summary imports the diagnosis, which imports this)

    kind = _kind(fmt)
    sizes = fmt.groups
    count = str(len(sizes))
    if len(set(sizes)) == 1:
        groups = _phrase("groups_equal", lang).format(size=sizes[0], count=count)
        step = _phrase("group_step_equal", lang).format(size=sizes[0])
    else:
        sizes_text = _joined([str(s) for s in sizes], lang)
        groups = _phrase("groups_sizes", lang).format(sizes=sizes_text, count=count)
        step = _phrase("group_step_sizes", lang)
    letters = set(fmt.alphabet.upper()) & set(string.ascii_uppercase)
    unused = [c for c in string.ascii_uppercase if c not in letters] if letters else []
    if kind == "letters_and_digits" and set(fmt.alphabet.upper()) <= set(string.digits + string.ascii_uppercase):
        variant = "letters_and_digits_except" if unused else "letters_and_digits"
    elif kind == "digits":
        variant = "digits"
    else:
        variant = "other"
    alphabet = _phrase("alphabet", lang, variant).format(
        unused=_joined(unused, lang), count=len(unused), alphabet=fmt.alphabet)
    sample = sample_group(fmt)
    case_variant = "no_letters" if not letters else "sensitive" if fmt.case_sensitive else "insensitive"
    case = _phrase("case", lang, case_variant).format(lower=sample.lower(), upper=sample.upper())
    by_symbol = {}
    for typed, symbol in fmt.confusables.items():
        by_symbol.setdefault(symbol, []).append(typed)
    confusable_rows = "\n".join(
        _phrase("confusable_row", lang).format(typed=", ".join(typed), symbol=symbol)
        for symbol, typed in by_symbol.items())
    advice = _phrase("confusable_advice_join", lang).join(
        _phrase("confusable_advice", lang).format(typed=_joined(typed, lang, "or"), symbol=symbol)
        for symbol, typed in by_symbol.items())
    lookalikes = "\n".join(_phrase("lookalike_item", lang).format(a=a, b=b) for a, b in _pairs(fmt))
    names = [(p["prefix"], p["name"].get(lang) or p["name"].get("en") or p["prefix"]) for p in fmt.products]
    product_table = "\n".join(
        [_phrase("product_table_head", lang).format(count=fmt.prefix_length), "|---|---|"]
        + [f"| {prefix} | {name} |" for prefix, name in names])
    product_list = _phrase("product_list_separator", lang).join(
        _phrase("product_item", lang).format(prefix=prefix, name=name) for prefix, name in names)
    separator = separator_name(fmt, lang)
    heading = _phrase("separator_heading", lang, "space" if fmt.separator == " " else "other").format(
        separators=separator)
    return {
        "length": str(fmt.length),
        "display_length": str(len(fmt.pattern())),
        "kind": _phrase("kind", lang, kind),
        "groups": groups,
        "group_count": count,
        "group_step": step,
        "separator": fmt.separator,
        "separator_name": separator_name(fmt, lang),
        "alphabet": fmt.alphabet,
        "alphabet_sentence": alphabet,
        "unused_letters": _joined(unused, lang) or _phrase("unused_none", lang),
        "unused_letters_or": _joined(unused, lang, "or") or _phrase("unused_none", lang),
        "case_sentence": case,
        "case_answer": _phrase("case_answer", lang, case_variant),
        "example": example_key(fmt),
        "example_group": sample,
        "example_group_fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in sample),
        "confusable_rows": confusable_rows,
        "confusable_advice": advice,
        "lookalike_list": lookalikes,
        "prefix_length": str(fmt.prefix_length),
        "product_table": product_table,
        "product_list": product_list,
        "product_names": _joined([name for _, name in names], lang),
        "product_first": names[0][1] if names else "",
        "product_second": names[1][1] if len(names) > 1 else "",
        "separator_heading": heading[:1].upper() + heading[1:],
        "summary_visible": str(visible_count(fmt)),
    }
