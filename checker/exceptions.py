"""Exceptions raised by the key checker.

Every exception is a ``ValidationError``, itself a ``ValueError``, so callers can
catch one thing. ``validate()`` checks in a fixed order (characters, length,
components such as the product prefix, then the checksum) and raises for the
first problem it meets.

>>> from checker import validate, InvalidLength, ValidationError
>>> issubclass(InvalidLength, ValidationError) and issubclass(ValidationError, ValueError)
True
"""

__all__ = [
    "ValidationError",
    "InvalidFormat",
    "InvalidLength",
    "InvalidChecksum",
    "InvalidComponent",
]


class ValidationError(ValueError):
    """The key is not valid. Base class of every checker exception."""

    message = "The key is not valid."

    def __init__(self, *args):
        super().__init__(*(args or (self.message,)))


class InvalidFormat(ValidationError):
    """The key contains a character that no key uses (or is not text at all)."""

    message = "The key has an invalid format."


class InvalidLength(InvalidFormat):
    """The key has the wrong number of symbols."""

    message = "The key has the wrong length."


class InvalidChecksum(ValidationError):
    """The key's check symbol does not match the rest of the key."""

    message = "The key's checksum is wrong."


class InvalidComponent(ValidationError):
    """A part of the key (the product prefix) names nothing we know."""

    message = "A part of the key is not valid."
