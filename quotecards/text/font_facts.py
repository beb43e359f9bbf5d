"""What a font file says about itself — its faces (family, weight, style) and each face's
character coverage — read once with fontTools and kept on disk, keyed by the file's path, size
and modification time, so a changed font is read again and an unchanged one never is.

Reading the name tables and cmaps of the bundled faces and the system's CJK collections is most
of what a one-card process would otherwise spend before drawing anything, and fontTools itself
is imported only on a miss. The store is a single JSON file in the cache folder; a store that
cannot be read or written is no store (the facts are read from the fonts, as without one).

A coverage is kept as its ranges packed into one base64 string, not a JSON list of pairs: the
CJK collections have thousands of ranges each, and parsing them as lists was most of the time a
one-card process spent loading the store. Entries of font files that are gone are dropped when
the store is written, so fonts of temporary folders (a test run's, a CI job's) do not pile up.
"""

from __future__ import annotations

import base64
import bisect
import json
import os
import tempfile
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..resources import cache_dir

__all__ = ["Coverage", "FontFacts", "STORE_NAME", "facts"]

STORE_NAME = "font-facts-v3.json"

FaceFacts = dict[str, Any]  # family, weight, italic, index, bitmap_size


@dataclass(frozen=True, eq=True)
class Coverage:
    """The code points a face has glyphs for, as the bounds of their ranges: start, end (past the
    last), start, end… A Noto CJK face's tens of thousands of points take kilobytes this way and
    megabytes as a set of ints, and a multilingual worker keeps a dozen such faces."""

    bounds: array[int]
    count: int

    def __contains__(self, point: object) -> bool:
        # Odd: past a start and not past its end.
        return isinstance(point, int) and bisect.bisect_right(self.bounds, point) % 2 == 1

    def __len__(self) -> int:
        return self.count


class FontFacts:
    """The store, loaded on first use; one per process (the facts of a file never change while its
    size and mtime do not, so sharing them is safe)."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, dict[str, Any]] | None = None
        self.changed = False
        self.lock = threading.Lock()

    def faces(self, font: Path) -> list[FaceFacts]:
        """The faces in `font`; a caller reading a folder of fonts saves once after it (`save`)."""
        entry = self._entry(font)
        if "faces" not in entry:
            entry["faces"] = _read_faces(font)
            self.changed = True
        return list(entry["faces"])

    def problem(self, font: Path) -> str:
        """Why `font` cannot be drawn with (a table, its cmap or an outline does not read), or "" when
        it can; checked once per version of the file, as its faces are read. FreeType meets a broken
        outline only when that glyph is drawn, and says so without the file's name."""
        entry = self._entry(font)
        if not isinstance(entry.get("problem"), str):
            entry["problem"] = _problem(font)
            self.changed = True
        return str(entry["problem"])

    def coverage(self, font: Path, index: int) -> Coverage:
        entry = self._entry(font)
        key = str(index)
        packed = entry.setdefault("coverage", {}).get(key)
        if not isinstance(packed, str):
            packed = entry["coverage"][key] = _packed(_read_cmap(font, index))
            self.changed = True
            self.save()
        bounds = _unpacked(packed)
        return Coverage(bounds, sum(bounds[1::2]) - sum(bounds[::2]))

    def _entry(self, font: Path) -> dict[str, Any]:
        with self.lock:
            if self.entries is None:
                self.entries = self._load()
            try:
                stat = font.stat()
            except OSError:
                return {}
            stamp = [stat.st_size, stat.st_mtime_ns]
            entry = self.entries.get(str(font))
            if entry is None or entry.get("stamp") != stamp:
                entry = self.entries[str(font)] = {"stamp": stamp}
            return entry

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self) -> None:
        """The store written, if anything was read from a font since it was last written."""
        if self.path is None or self.entries is None or not self.changed:
            return
        with self.lock:
            for gone in [name for name in self.entries if not os.path.exists(name)]:
                del self.entries[gone]
            text = json.dumps(self.entries, separators=(",", ":"))
            self.changed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".font-facts-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)  # whole or not at all: a reader never sees half a store
            for older in self.path.parent.glob("font-facts-v*.json"):
                if older.name != self.path.name:
                    older.unlink(missing_ok=True)  # an earlier version's store, read by no one now
        except OSError:
            pass  # no store: the facts are read from the fonts next time as well


def _opened(font: Path) -> list[Any]:
    """The file's fonts as fontTools reads them, lazily: one, or a .ttc collection's several."""
    from fontTools.ttLib import TTCollection, TTFont

    return list(TTCollection(font, lazy=True).fonts) if font.suffix.lower() == ".ttc" else [TTFont(font, lazy=True)]


def _read_faces(font: Path) -> list[FaceFacts]:
    try:
        return [_describe(f, font, i) for i, f in enumerate(_opened(font))]
    except Exception:  # a broken system font is skipped, never fatal; a site's own is refused (problem)  # noqa: BLE001
        return []


CHECK_PX = 16  # the size a font's glyphs are loaded at to see that they load (outlines: any size would do)


def _problem(font: Path) -> str:
    try:
        for index, opened in enumerate(_opened(font)):
            points = opened.getBestCmap()
            if not points:
                return "it maps no characters: no Unicode cmap"
            _load_glyphs(font, index, _describe(opened, font, index)["bitmap_size"] or CHECK_PX, points)
    except KeyError as exc:  # fontTools names the table ("OS/2", or "'OS/2' table not found"); str() adds quotes
        return "a table is missing: " + str(exc.args[0] if exc.args else "").removesuffix(" table not found").strip("'")
    except Exception as exc:  # whatever fontTools or FreeType meets in a broken file  # noqa: BLE001
        return str(exc) or type(exc).__name__
    return ""


def _load_glyphs(font: Path, index: int, size: int, points: dict[int, str]) -> None:
    """Every mapped character's glyph loaded by FreeType (a bounding box needs its outline), as
    drawing a card would; raises what FreeType says of the first one that does not load."""
    from PIL import ImageFont

    sized = ImageFont.truetype(str(font), size, index=index, layout_engine=ImageFont.Layout.BASIC)
    text = "".join(chr(cp) for cp in sorted(points) if not 0xD800 <= cp <= 0xDFFF)  # no lone surrogates in a str
    for start in range(0, len(text), 256):
        sized.getbbox(text[start:start + 256])


def _describe(font: Any, path: Path, index: int) -> FaceFacts:
    names = font["name"]
    # Typographic family (ID 16) groups all weights; legacy family (ID 1) splits them.
    family = names.getDebugName(16) or names.getDebugName(1) or path.stem
    os2 = font["OS/2"]
    bitmap = max(s.bitmapSizeTable.ppemY for s in font["CBLC"].strikes) if "CBLC" in font else None
    return {"family": family, "weight": int(os2.usWeightClass), "italic": bool(os2.fsSelection & 0x01),
            "index": index, "bitmap_size": bitmap}


def _read_cmap(font: Path, index: int) -> list[int]:
    from fontTools.ttLib import TTCollection, TTFont

    opened = TTCollection(font, lazy=True).fonts[index] if font.suffix.lower() == ".ttc" else TTFont(font, lazy=True)
    return sorted(opened.getBestCmap())


def _packed(points: list[int]) -> str:
    """Sorted code points as their ranges' bounds (Coverage), 32-bit, in base64."""
    bounds = array("I")
    for cp in points:
        if bounds and cp == bounds[-1]:
            bounds[-1] = cp + 1
        else:
            bounds.extend((cp, cp + 1))
    return base64.b64encode(bounds.tobytes()).decode("ascii")


def _unpacked(packed: str) -> array[int]:
    bounds = array("I")
    bounds.frombytes(base64.b64decode(packed))
    return bounds


def _store_path() -> Path | None:
    if os.environ.get("QUOTECARDS_NO_FONT_CACHE"):
        return None
    return cache_dir() / STORE_NAME


_facts: list[FontFacts] = []
_facts_lock = threading.Lock()


def facts() -> FontFacts:
    """The process's store (made on first use)."""
    with _facts_lock:
        if not _facts:
            _facts.append(FontFacts(_store_path()))
        return _facts[0]
