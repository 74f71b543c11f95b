"""The Verhoeff algorithm.

A check digit over decimal digits built on the dihedral group D5: it catches
every single-digit error and every adjacent transposition. It computes the same
as python-stdnum's ``stdnum.verhoeff``.

>>> calc_check_digit('236')
'3'
>>> validate('2363')
'2363'
>>> validate('2364')
Traceback (most recent call last):
    ...
checker.exceptions.InvalidChecksum: The key's checksum is wrong.
"""

from .exceptions import InvalidChecksum, InvalidFormat

__all__ = ["checksum", "calc_check_digit", "validate", "is_valid"]

DIGITS = "0123456789"

# Multiplication in D5, and the permutation applied at each position (mod 8).
_MULTIPLY = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_PERMUTE = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INVERSE = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def checksum(number, alphabet=DIGITS):
    """Return the Verhoeff checksum of ``number``; a valid number gives 0."""
    if not isinstance(number, str) or alphabet != DIGITS:
        raise InvalidFormat()
    check = 0
    for i, digit in enumerate(reversed(number)):
        if digit not in DIGITS:
            raise InvalidFormat()
        check = _MULTIPLY[check][_PERMUTE[i % 8][int(digit)]]
    return check


def calc_check_digit(number, alphabet=DIGITS):
    """Return the digit to append to ``number`` to make it valid."""
    return str(_INVERSE[checksum(number + "0", alphabet)])


def validate(number, alphabet=DIGITS):
    """Return ``number`` if its check digit is right, else raise."""
    if not number:
        raise InvalidFormat()
    if checksum(number, alphabet) != 0:
        raise InvalidChecksum()
    return number


def is_valid(number, alphabet=DIGITS):
    """Return whether ``number`` passes the Verhoeff check. Never raises."""
    try:
        return bool(validate(number, alphabet))
    except (InvalidFormat, InvalidChecksum):
        return False
