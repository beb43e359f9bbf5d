"""The errors a user can meet, as types: each names the file and the field, and reads as one line.

One base for all of them, so the CLI turns any into `error: …` and exit status 2 in one place,
and a program can read the parts (`path`, `field`, `expected`, `got`) instead of the sentence.
"""

from __future__ import annotations

import reprlib
from pathlib import Path

__all__ = ["ConfigError", "LayoutError", "OutputError", "PlatformError", "PostError", "QuotecardsError"]

_NOTHING = object()


class QuotecardsError(Exception):
    """Something in the user's input that stops one post, or the run; `str()` is one line."""

    def __init__(self, path: Path | str, field: str, message: str):
        super().__init__(message)
        self.path = str(path)  # the file, or "" when the problem is in a name rather than a file
        self.field = field
        self.message = message
        self.expected: str | None = None
        self.got: object = _NOTHING

    @classmethod
    def expecting(cls, path: Path | str, field: str, expected: str, got: object) -> QuotecardsError:
        """"expected a number from 0 to 1, got 'x'", with the parts kept for programs."""
        error = cls(path, field, f"expected {expected}, got {reprlib.repr(got)}")
        error.expected, error.got = expected, got
        return error

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}" if self.path else f"{self.field}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in a worker process and re-raised in its parent (the service's drawing
        # processes): pickled by its parts, whatever arguments a subclass's __init__ takes.
        return _rebuilt, (type(self), self.args, self.__dict__)

    def in_file(self, path: Path | str) -> str:
        """The one line, naming `path` when the error itself names no file (a layout asked for by name)."""
        return str(self) if self.path else f"{path}: {self}"


class PostError(QuotecardsError, ValueError):
    """A post that cannot become a card."""


class LayoutError(QuotecardsError, ValueError):
    """A layout file that cannot be used, or a layout name that names none."""


class ConfigError(QuotecardsError, ValueError):
    """The site's quotecards.toml (or [tool.quotecards]) cannot be used."""


class PlatformError(QuotecardsError, ValueError):
    """A platform name that names no preset."""


class OutputError(QuotecardsError):
    """The output folder cannot take the run's files (read-only, under a regular file, …)."""


def _rebuilt(cls: type[QuotecardsError], args: tuple[object, ...], state: dict[str, object]) -> QuotecardsError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
