"""python -m quotecards: the same as the quotecards command."""

from .cli import run

run()
