"""License key checker: explains what is wrong with a pasted license key.

Pure Python, standard library only, so the same module runs under CPython and
in the browser under Pyodide. Key formats live in ``checker/data/formats.json``
and every message (Japanese and English) in ``checker/data/messages.json``.

The demo format: 25 symbols of Crockford's Base32, shown as five groups of
five; symbols 1-2 name the product (S5, S6, P6) and symbol 25 is the Luhn
mod 32 check symbol of symbols 1-24.

>>> compact(' s6ab1-cdef2-ghjk3-mnpq4-rstvh\\n')
'S6AB1CDEF2GHJK3MNPQ4RSTVH'
>>> validate('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH')
'S6AB1CDEF2GHJK3MNPQ4RSTVH'
>>> validate('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVQ')
Traceback (most recent call last):
    ...
checker.exceptions.InvalidChecksum: Invalid check symbol in 'S6AB1-CDEF2-GHJK3-MNPQ4-RSTVQ'
>>> validate('X6AB1-CDEF2-GHJK3-MNPQ4-RSTVH')
Traceback (most recent call last):
    ...
checker.exceptions.InvalidComponent: Unknown product prefix 'X6'
>>> is_valid('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH'), is_valid(None), is_valid('²')
(True, False, False)
>>> format('s6ab1cdef2ghjk3mnpq4rstvh')
'S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH'

``diagnose`` never raises on a ``str`` and returns plain JSON types:

>>> result = diagnose('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH', lang='en')
>>> result['valid'], result['product'], result['version'], result['findings']
(True, 'studio', '6', [])
>>> finding = diagnose('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH'.replace('1', 'O'), lang='en')['findings'][0]
>>> finding['code'], finding['severity'], finding['position'], finding['help']
('confusable', 'warning', 4, 'entering-keys/#confusable-characters')
>>> print(finding['message'])
“O” at position 5 (counting from the left, without hyphens) was read as “0”. Keys never use “O”, so it almost certainly means “0”.
>>> diagnose('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH', expect='pro/6')['findings'][0]['code']
'version-mismatch'

``support_summary`` gives the lines a reader may copy for support: nothing about the
hidden middle of the key but how many characters it has.

>>> support_summary('S6AB1-CDEF2-GHJK3-MNPQ4-RSTVH', lang='en')[0]
['Key (middle hidden)', 'S6AB1-•••••-•••••-•••••-RSTVH']
>>> products()[0]['id'], 'checksum' in FINDING_CODES, HELP_SECTIONS['checksum']
('studio/5', True, 'entering-keys/#typing-mistakes')
"""

import sys

from .formatspec import FormatsError

try:
    from .keyformat import KeyFormat, default_format
except FormatsError as _error:
    if sys.argv[:1] == ["-m"]:  # `python -m checker` is starting: one line, not a traceback
        print(f"checker: {_error}", file=sys.stderr)
        raise SystemExit(3) from None
    raise

from .diagnosis import (
    FALLBACK_LANGUAGE,
    FINDING_CODES,
    HELP_SECTIONS,
    LANGUAGES,
    MAX_CHARACTER_FINDINGS,
    SEVERITIES,
    diagnose,
    message_catalog,
    pick_language,
    products,
)
from .exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from .summary import masked_key, support_summary

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "compact",
    "validate",
    "is_valid",
    "format",
    "diagnose",
    "products",
    "support_summary",
    "masked_key",
    "FINDING_CODES",
    "HELP_SECTIONS",
    "SEVERITIES",
    "LANGUAGES",
    "FALLBACK_LANGUAGE",
    "MAX_CHARACTER_FINDINGS",
    "message_catalog",
    "pick_language",
    "KeyFormat",
    "default_format",
    "FormatsError",
    "ValidationError",
    "InvalidFormat",
    "InvalidLength",
    "InvalidChecksum",
    "InvalidComponent",
]


def compact(text):
    """Normalize ``text`` to the bare key: NFKC, no separators or invisible
    characters, upper case, confusables replaced. Never validates; characters no
    key uses are kept as they are. Raises TypeError for a non-str."""
    return default_format().compact(text)


def validate(text):
    """Return the compact key, or raise InvalidFormat, InvalidLength,
    InvalidComponent or InvalidChecksum (in that order of checking)."""
    return default_format().validate(text)


def is_valid(text):
    """Whether ``text`` is a valid key. Never raises, whatever it is given."""
    try:
        return bool(validate(text))
    except ValidationError:
        return False


def format(text):  # noqa: A001 - the python-stdnum name
    """The display form: the compact key in its groups, joined by the format's separator."""
    fmt = default_format()
    return fmt.display(fmt.compact(text))
