"""Crockford's Base32 check symbol (mod 37).

Douglas Crockford's Base32 reads a string of its 32 symbols as one number and
appends that number modulo 37 as a check symbol, written with the 32 symbols
plus ``*``, ``~``, ``$``, ``=`` and ``U`` for the values 32 to 36 (so a key's
last symbol may be one of those five).

>>> calc_check_digit('16J')
'D'
>>> validate('16JD')
'16JD'
>>> validate('16JU')
Traceback (most recent call last):
    ...
checker.exceptions.InvalidChecksum: The key's checksum is wrong.
"""

from .exceptions import InvalidChecksum, InvalidFormat

__all__ = ["CROCKFORD_BASE32", "CHECK_SYMBOLS", "checksum", "calc_check_digit", "validate", "is_valid"]

CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = CROCKFORD_BASE32 + "*~$=U"


def checksum(number, alphabet=CROCKFORD_BASE32):
    """Return the value of ``number`` (base 32) modulo 37."""
    if not isinstance(number, str) or alphabet != CROCKFORD_BASE32:
        raise InvalidFormat()
    value = 0
    for symbol in number:
        digit = alphabet.find(symbol)
        if digit < 0:
            raise InvalidFormat()
        value = (value * 32 + digit) % 37
    return value


def calc_check_digit(number, alphabet=CROCKFORD_BASE32):
    """Return the check symbol for ``number``."""
    return CHECK_SYMBOLS[checksum(number, alphabet)]


def validate(number, alphabet=CROCKFORD_BASE32):
    """Return ``number`` if its last symbol is the check symbol of the rest, else raise."""
    if not isinstance(number, str) or len(number) < 2 or number[-1] not in CHECK_SYMBOLS:
        raise InvalidFormat()
    if calc_check_digit(number[:-1], alphabet) != number[-1]:
        raise InvalidChecksum()
    return number


def is_valid(number, alphabet=CROCKFORD_BASE32):
    """Return whether ``number`` ends with its check symbol. Never raises."""
    try:
        return bool(validate(number, alphabet))
    except (InvalidFormat, InvalidChecksum):
        return False
