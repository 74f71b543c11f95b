"""ISO 7064 MOD 37,36.

The hybrid system of ISO 7064 for alphanumeric strings: 36 symbols, one check
symbol from the same alphabet. Any alphabet of x symbols gives MOD x+1,x
(ten digits give MOD 11,10). It computes the same as python-stdnum's
``stdnum.iso7064.mod_37_36``.

>>> calc_check_digit('A12425GABC1234002')
'M'
>>> validate('A12425GABC1234002M')
'A12425GABC1234002M'
>>> validate('A12425GABC1234002N')
Traceback (most recent call last):
    ...
checker.exceptions.InvalidChecksum: The key's checksum is wrong.
"""

from .exceptions import InvalidChecksum, InvalidFormat

__all__ = ["ALPHANUMERIC", "checksum", "calc_check_digit", "validate", "is_valid"]

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def checksum(number, alphabet=ALPHANUMERIC):
    """Return the MOD 37,36 checksum of ``number``; a valid number gives 1."""
    if not isinstance(number, str):
        raise InvalidFormat()
    modulus = len(alphabet)
    check = modulus // 2
    for symbol in number:
        value = alphabet.find(symbol)
        if value < 0:
            raise InvalidFormat()
        check = (((check or modulus) * 2) % (modulus + 1) + value) % modulus
    return check


def calc_check_digit(number, alphabet=ALPHANUMERIC):
    """Return the symbol to append to ``number`` to make it valid."""
    modulus = len(alphabet)
    return alphabet[(1 - ((checksum(number, alphabet) or modulus) * 2) % (modulus + 1)) % modulus]


def validate(number, alphabet=ALPHANUMERIC):
    """Return ``number`` if its check symbol is right, else raise."""
    if not number:
        raise InvalidFormat()
    if checksum(number, alphabet) != 1:
        raise InvalidChecksum()
    return number


def is_valid(number, alphabet=ALPHANUMERIC):
    """Return whether ``number`` passes the MOD 37,36 check. Never raises."""
    try:
        return bool(validate(number, alphabet))
    except (InvalidFormat, InvalidChecksum):
        return False
