"""The Luhn mod N algorithm.

The Luhn algorithm over an arbitrary alphabet (Luhn mod N, N = the alphabet's
size). It catches every single-symbol substitution and every adjacent
transposition except that of the first and the last symbol of the alphabet
(``0`` and ``Z`` in Crockford's Base32, like ``09``/``90`` in decimal Luhn).
It computes the same as python-stdnum's ``stdnum.luhn``.

>>> calc_check_digit('S6AB1CDEF2GHJK3MNPQ4RSTV', alphabet=CROCKFORD_BASE32)
'H'
>>> validate('S6AB1CDEF2GHJK3MNPQ4RSTVH', alphabet=CROCKFORD_BASE32)
'S6AB1CDEF2GHJK3MNPQ4RSTVH'
>>> validate('S6AB1CDEF2GHJK3MNPQ4RSTVZ', alphabet=CROCKFORD_BASE32)
Traceback (most recent call last):
    ...
checker.exceptions.InvalidChecksum: The key's checksum is wrong.
>>> validate('78949')
'78949'
"""

from .exceptions import InvalidChecksum, InvalidFormat

__all__ = ["CROCKFORD_BASE32", "checksum", "calc_check_digit", "validate", "is_valid"]

DECIMAL = "0123456789"
# Crockford's Base32: no I, L, O (they look like 1, 1, 0) and no U.
CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

_INDEX_CACHE = {}


def _index(alphabet):
    table = _INDEX_CACHE.get(alphabet)
    if table is None:
        table = _INDEX_CACHE[alphabet] = {symbol: i for i, symbol in enumerate(alphabet)}
    return table


def checksum(number, alphabet=DECIMAL):
    """Return the Luhn mod N checksum of ``number``; a valid number gives 0.

    Raises ``InvalidFormat`` if ``number`` has a symbol outside ``alphabet``."""
    if not isinstance(number, str):
        raise InvalidFormat()
    index = _index(alphabet)
    n = len(alphabet)
    total = 0
    double = False
    try:
        for symbol in reversed(number):
            value = index[symbol]
            if double:
                value *= 2
                # Sum of the "digits" of 2*value written in base n.
                value = value // n + value % n
            total += value
            double = not double
    except KeyError:
        raise InvalidFormat() from None
    return total % n


def calc_check_digit(number, alphabet=DECIMAL):
    """Return the symbol to append to ``number`` to make it valid."""
    return alphabet[-checksum(number + alphabet[0], alphabet)]


def validate(number, alphabet=DECIMAL):
    """Return ``number`` if its check symbol is right, else raise."""
    if not number:
        raise InvalidFormat()
    if checksum(number, alphabet) != 0:
        raise InvalidChecksum()
    return number


def is_valid(number, alphabet=DECIMAL):
    """Return whether ``number`` passes the Luhn mod N check. Never raises."""
    try:
        return bool(validate(number, alphabet))
    except (InvalidFormat, InvalidChecksum):
        return False
