"""What a build remembers of the archive between runs: one SQLite file in the state folder.

A post's entry holds the size and modification time its file had, the hash of the fields that
reach its cards, its slug and its card records. The entries live on disk, not in the build's
memory: an archive of any size is walked, drawn and written out (manifest, gallery) a post at a
time. Changes are committed at each checkpoint, so a run killed at any moment leaves the state
of its last checkpoint, whole (SQLite's journal), and the next run resumes from there.

A file in the format of earlier versions (one JSON object) is taken over once and removed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import files
from ..sources.slugs import numbered

__all__ = ["BuildState", "Entry"]

Record = dict[str, Any]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (
    key TEXT PRIMARY KEY,
    slug TEXT,
    size INTEGER,
    mtime_ns INTEGER,
    hash TEXT,
    expires TEXT,
    partial INTEGER NOT NULL DEFAULT 0,
    held TEXT,
    date TEXT NOT NULL DEFAULT '',
    cards TEXT NOT NULL DEFAULT '[]',
    pending TEXT,
    skip TEXT
);
CREATE INDEX IF NOT EXISTS posts_slug ON posts (slug);
CREATE INDEX IF NOT EXISTS posts_held ON posts (held) WHERE held IS NOT NULL;
CREATE INDEX IF NOT EXISTS posts_pending ON posts (key) WHERE pending IS NOT NULL;
"""
COLUMNS = "key, slug, size, mtime_ns, hash, expires, partial, held, date, cards, pending, skip"
PAGE = 500  # rows read at a time where the walk also writes


@dataclass
class Entry:
    """One post as the state knows it. `stat` and `hash` are None until its cards are drawn
    (a run killed before then draws it again); `partial`: some of its cards failed."""

    slug: str | None = None
    stat: tuple[int, int] | None = None
    hash: str | None = None
    expires: str | None = None
    cards: list[Record] = field(default_factory=list)
    partial: bool = False
    held: str | None = None  # the slug its old cards still use while new ones are drawn under another
    pending: Record | None = None  # a queued post: what its entry becomes once its cards arrive
    skip: str | None = None  # a post that gets no card, and why (a draft): not read again while unchanged

    def to_json(self) -> Record:
        """The entry as JSON, in the form earlier versions' state file had: how a queued post
        keeps the entry it will have once its cards arrive (`pending`)."""
        return {"slug": self.slug, "stat": list(self.stat) if self.stat else None, "hash": self.hash,
                "expires": self.expires, "cards": self.cards, **({"partial": True} if self.partial else {})}

    @classmethod
    def from_json(cls, data: Record) -> Entry:
        stat = data.get("stat")
        size_and_time = (int(stat[0]), int(stat[1])) if isinstance(stat, list) and len(stat) == 2 else None
        return cls(data.get("slug"), size_and_time, data.get("hash"), data.get("expires"),
                   list(data.get("cards") or []), bool(data.get("partial")))


class BuildState:
    """The state file of a build (or a shard's part), open for one run; see the module's doc."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = _open(path)
        except sqlite3.DatabaseError:
            # Not a database (a truncated copy, another program's file): the state is only a
            # record of cards that can be drawn again, so the build starts afresh.
            path.unlink()
            self.db = _open(path)
        # A row whose JSON cannot be read (a hand-edited or damaged file) is as if absent: its
        # post is drawn again, and the queries that read the JSON in SQL never meet it.
        self.db.execute(f"DELETE FROM posts WHERE NOT ({_READABLE})")
        legacy = path.with_suffix(".json")
        if legacy.is_file():
            self._take_over(legacy)

    @classmethod
    def reading(cls, path: Path) -> BuildState | None:
        """Another run's state, opened only to read (None where there is none, or it cannot be
        read): it may be another build's, whose file this run must not change."""
        if not path.is_file():
            return None
        state = cls.__new__(cls)
        state.path = path
        state.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            state.db.execute(f"SELECT {COLUMNS} FROM posts LIMIT 1").fetchall()
            state.db.execute("SELECT name, value FROM meta LIMIT 1").fetchall()
        except sqlite3.DatabaseError:
            state.close()
            return None
        return state

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> BuildState:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- the run's settings and errors --

    def _meta(self, name: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        try:
            return json.loads(row[0]) if row else None
        except (ValueError, TypeError):
            return None  # damaged: as if never written

    def _set_meta(self, name: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, json.dumps(value)))

    @property
    def settings(self) -> str | None:
        value = self._meta("settings")
        return value if isinstance(value, str) else None

    @settings.setter
    def settings(self, value: str | None) -> None:
        self._set_meta("settings", value)

    @property
    def errors(self) -> dict[str, str] | None:
        """The failed posts of the last run that wrote them (post → one line); None before any."""
        value = self._meta("errors")
        return value if isinstance(value, dict) else None

    @errors.setter
    def errors(self, value: dict[str, str]) -> None:
        self._set_meta("errors", value)

    @property
    def outputs_written(self) -> bool:
        """Whether the manifest and gallery show what the entries say (false while a run draws)."""
        return self._meta("outputs_written") is True

    @outputs_written.setter
    def outputs_written(self, value: bool) -> None:
        self._set_meta("outputs_written", value)

    # -- entries --

    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM posts").fetchone()[0])

    def __contains__(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM posts WHERE key = ?", (key,)).fetchone() is not None

    def get(self, key: str) -> Entry | None:
        row = self.db.execute(f"SELECT {COLUMNS} FROM posts WHERE key = ?", (key,)).fetchone()
        return _entry(row) if row else None

    def put(self, key: str, entry: Entry) -> None:
        first = entry.cards[0].get("date") if entry.cards else None
        self.db.execute(f"INSERT OR REPLACE INTO posts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (key, entry.slug, *(entry.stat or (None, None)), entry.hash, entry.expires,
                         int(entry.partial), entry.held, first if isinstance(first, str) else "",
                         json.dumps(entry.cards, ensure_ascii=False),
                         None if entry.pending is None else json.dumps(entry.pending), entry.skip))

    def pop(self, key: str) -> Entry | None:
        entry = self.get(key)
        if entry is not None:
            self.db.execute("DELETE FROM posts WHERE key = ?", (key,))
        return entry

    def slug_owner(self, slug: str) -> str | None:
        """The post whose cards are (or are still, until its new ones arrive) named with `slug`."""
        row = self.db.execute("SELECT key FROM posts WHERE slug = ?1 OR held = ?1 LIMIT 1", (slug,)).fetchone()
        return row[0] if row else None

    def free_slug(self, slug: str, key: str) -> str:
        """`slug` for the post `key`, numbered where another post of the build has it."""
        return numbered(slug, lambda candidate: self.slug_owner(candidate) not in (None, key))

    def see(self, key: str) -> None:
        """Note a post the archive has (for `unseen`), in a table of this run's own."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY)")
        self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,))

    def unseen(self) -> list[str]:
        """The posts with an entry that `see` was not told of: gone from the archive."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY)")
        return [row[0] for row in self.db.execute("SELECT key FROM posts WHERE key NOT IN (SELECT key FROM seen)")]

    def keys(self, where: str = "1") -> Iterator[str]:
        """Every post's key in order, read a page at a time so the caller may change entries meanwhile."""
        after = ""
        while True:
            page = [row[0] for row in self.db.execute(
                f"SELECT key FROM posts WHERE key > ? AND ({where}) ORDER BY key LIMIT ?", (after, PAGE))]
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1]

    def pending(self) -> Iterator[str]:
        """The posts queued for drawing, in order."""
        return self.keys("pending IS NOT NULL")

    def drop_pending(self) -> None:
        """Queued posts that were never drawn go back to being unfinished: drawn again next run."""
        self.db.execute("UPDATE posts SET pending = NULL WHERE pending IS NOT NULL")

    def cards(self) -> Iterator[Record]:
        """Every card record, in the order of the posts' keys."""
        for (text,) in self.db.execute("SELECT cards FROM posts ORDER BY key"):
            yield from json.loads(text)

    def card_count(self) -> int:
        return int(self.db.execute("SELECT coalesce(sum(json_array_length(cards)), 0) FROM posts").fetchone()[0])

    def posts_newest_first(self) -> Iterator[list[Record]]:
        """Each post's cards, newest post first (by its first card's date, then its key)."""
        for (text,) in self.db.execute("SELECT cards FROM posts WHERE cards != '[]' ORDER BY date DESC, key DESC"):
            yield json.loads(text)

    def platforms(self) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT json_extract(c.value, '$.platform') FROM posts p, json_each(p.cards) c")
        return sorted(str(row[0]) for row in rows)

    def shared_paths(self) -> set[str]:
        """The posts whose cards have a path another post's cards have too."""
        rows = self.db.execute(
            "SELECT DISTINCT p.key FROM posts p, json_each(p.cards) c WHERE json_extract(c.value, '$.path') IN ("
            " SELECT json_extract(c2.value, '$.path') FROM posts q, json_each(q.cards) c2"
            " GROUP BY 1 HAVING count(DISTINCT q.key) > 1)")
        return {row[0] for row in rows}

    def take(self, other: BuildState, keep: Callable[[str], bool] = lambda key: True, replace: bool = False) -> int:
        """Copy `other`'s entries for which `keep` holds; an entry this state has is kept unless `replace`."""
        taken = 0
        for key in other.keys():
            if keep(key) and (replace or key not in self):
                entry = other.get(key)
                assert entry is not None
                self.put(key, entry)
                taken += 1
        return taken

    def commit(self) -> None:
        self.db.commit()

    def _take_over(self, legacy: Path) -> None:
        data = files.read_json_object(legacy)
        posts = data.get("posts")
        if isinstance(posts, dict) and not len(self):
            for key, entry in posts.items():
                if isinstance(entry, dict):
                    self.put(str(key), Entry.from_json(entry))
            self.settings = data.get("settings") if isinstance(data.get("settings"), str) else None
            errors = data.get("errors")
            if isinstance(errors, dict):
                self.errors = errors
            self.commit()
        legacy.unlink(missing_ok=True)


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        if "skip" not in {row[1] for row in db.execute("PRAGMA table_info(posts)")}:
            db.execute("ALTER TABLE posts ADD COLUMN skip TEXT")  # a state from before skipped posts were kept
        db.execute(f"SELECT {COLUMNS} FROM posts LIMIT 1").fetchall()  # an older layout of the table fails here
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _entry(row: tuple[Any, ...]) -> Entry | None:
    """The row's entry; None where its JSON cannot be read (another run's damaged state)."""
    _key, slug, size, mtime_ns, digest, expires, partial, held, _date, cards, pending, skip = row
    try:
        cards, pending = json.loads(cards), json.loads(pending) if pending else None
    except (ValueError, TypeError):
        return None
    if not isinstance(cards, list) or not (pending is None or isinstance(pending, dict)):
        return None
    return Entry(slug, (size, mtime_ns) if size is not None else None, digest, expires, cards, bool(partial), held,
                 pending, skip)


_READABLE = ("json_valid(cards) AND json_type(cards) = 'array' "
             "AND (pending IS NULL OR (json_valid(pending) AND json_type(pending) = 'object'))")
