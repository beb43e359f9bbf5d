"""A post's date as a reader of its language writes it: 12 October 2020, 12 octobre 2020, 2020年10月12日."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import icu

__all__ = ["long_date"]


@lru_cache(maxsize=64)  # an ICU formatter a language: a newsroom publishes in a few dozen
def _formatter(lang: str) -> icu.DateFormat:
    formatter = icu.DateFormat.createDateInstance(icu.DateFormat.LONG, icu.Locale((lang or "en").replace("-", "_")))
    formatter.setTimeZone(icu.TimeZone.getGMT())  # the day the post names, wherever this runs
    return formatter


def long_date(iso: str | None, lang: str) -> str:
    """The date of an ISO 8601 string, written out in `lang`; "" when there is none."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return ""
    day = dt.datetime(moment.year, moment.month, moment.day, 12, tzinfo=dt.UTC)  # noon: no edge
    return str(_formatter(lang).format(day.timestamp()))
