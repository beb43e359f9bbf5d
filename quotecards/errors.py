"""The errors a user can meet, as types: each names the file and the field, and reads as one line."""

from __future__ import annotations

from pathlib import Path


class QuotecardsError(Exception):
    """Something in the user's input that stops one post (or the run); `str()` is one line."""

    def __init__(self, path: Path | str, field: str, message: str):
        super().__init__(f"{path}: {field}: {message}")
        self.path = str(path)
        self.field = field
        self.message = message


class PostError(QuotecardsError, ValueError):
    """A post that cannot become a card."""


class OutputError(QuotecardsError):
    """The output folder cannot take the run's files (read-only, under a regular file, …)."""
