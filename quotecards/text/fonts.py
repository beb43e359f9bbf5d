"""The font stack: faces by family and weight, fallbacks per script, glyph coverage, loading.

Bundled faces live in fonts/; faces too large to ship (CJK) are discovered in the system's font
folders. A text layer's face never decides alone: `stack_for` lists the faces to try, and
`textruns` gives each character to the first one whose cmap has it.
"""

from __future__ import annotations

import functools
import os
import threading
import tomllib
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont, features

from ..errors import ConfigError
from ..resources import data_dir
from .font_facts import Coverage, facts

__all__ = ["Face", "FontError", "SizedFaces", "cjk_variant", "coverage", "describe_stacks", "faces", "find_face",
           "has_complex_shaping", "install_hint", "load", "missing_summary", "scripts_covered", "site_faces",
           "stack_for", "system_faces"]

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                    "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")
# What to install when a discovered family is missing; README says the same.
INSTALL_HINT = {"CJK": "Debian/Ubuntu: apt install fonts-noto-cjk"}

# One or more characters that a face must have to count as covering a script (`quotecards fonts`).
SCRIPT_SAMPLES = {
    "Latin": "AzÀßŁő", "Azerbaijani/Turkish": "əğışİ", "Vietnamese": "ạếữỹđơư", "Greek": "ΑΩαω",
    "Cyrillic": "ЖжЯяЁё", "Armenian": "ԱաՖֆ", "Georgian": "აბჰ", "Hebrew": "אבש", "Arabic": "ابجیۀ",
    "Devanagari": "कषज्ञ", "Thai": "กขฮ", "Han": "中国字", "Kana": "あア", "Hangul": "한글", "Emoji": "😀🇦",
}


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    italic: bool
    path: Path
    index: int = 0  # face number inside a .ttc collection
    source: str = "bundled"  # "bundled", "site" (the config's font_dirs) or "system"
    bitmap_size: int | None = None  # colour bitmap fonts (CBDT emoji) draw only at this pixel size

    @property
    def label(self) -> str:
        return f"{self.family} {self.weight}{' italic' if self.italic else ''}"


class FontError(LookupError):
    pass


def _describe_file(path: Path, source: str) -> list[Face]:
    """The faces in a font file, as its name and OS/2 tables describe them (font_facts keeps them)."""
    return [Face(family=f["family"], weight=f["weight"], italic=f["italic"], path=path, index=f["index"],
                 source=source, bitmap_size=f["bitmap_size"]) for f in facts().faces(path)]


@functools.lru_cache(maxsize=8)  # a folder's faces: the bundled one and a site's few font_dirs
def faces(folder: Path | None = None) -> tuple[Face, ...]:
    """Every face in `folder` (default: the bundled fonts/), described from its own name table."""
    folder = folder or data_dir("fonts")
    found: list[Face] = []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() in FONT_SUFFIXES:
            found.extend(_describe_file(p, "bundled"))
    facts().save()  # once for the folder, not once for each file read
    return tuple(found)


def _compact(name: str) -> str:
    return "".join(name.split()).casefold()


@functools.lru_cache(maxsize=64)  # a family's faces: the stacks name a few dozen families
def system_faces(family: str) -> tuple[Face, ...]:
    """Faces of `family` found in the usual system font folders.

    Only files whose name starts like the family are opened (NotoSerifCJK-Regular.ttc for
    "Noto Serif CJK SC"), so a look-up costs a directory walk, not parsing every font.
    """
    wanted = _compact(family)
    found: list[Face] = []
    for root in SYSTEM_FONT_DIRS:
        base = Path(root).expanduser()
        if not base.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(base):
            for name in sorted(files):
                stem = _compact(name.rsplit(".", 1)[0].split("-")[0])
                if name.lower().endswith(FONT_SUFFIXES) and len(stem) >= 6 and wanted.startswith(stem):
                    found.extend(f for f in _describe_file(Path(dirpath) / name, "system")
                                 if _compact(f.family) == wanted)
    facts().save()
    return tuple(found)


def site_faces(folders: tuple[Path, ...]) -> tuple[Face, ...]:
    """Every face in a site's own font folders (the config's font_dirs), described as the bundled ones.

    A file there that cannot be drawn with is the site's ConfigError, naming it: skipped, the
    layout that names its family would fail without saying why, or a card would fail mid-line
    with FreeType's "invalid outline"."""
    found: list[Face] = []
    try:
        for folder in folders:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.suffix.lower() in FONT_SUFFIXES:
                        found.extend(_site_file(path))
    finally:
        facts().save()  # what was learnt, a broken file's verdict too: it is checked again only when it changes
    return tuple(found)


def _site_file(path: Path) -> list[Face]:
    problem = facts().problem(path)
    if problem:
        raise ConfigError(path, "font_dirs", f"not a font that can be drawn with ({problem}): replace it, "
                                             "or move it out of the font folder")
    return _describe_file(path, "site")


def find_face(family: str, weight: int = 400, italic: bool = False, folder: Path | None = None,
              system: bool = False, site: tuple[Face, ...] = ()) -> Face:
    """The face of `family` closest to `weight` (exact style first), like CSS font matching: the
    site's own faces first, then the bundled ones, then (with `system`) the machine's."""
    candidates = [f for f in site if f.family.casefold() == family.casefold()]
    candidates = candidates or [f for f in faces(folder) if f.family.casefold() == family.casefold()]
    if not candidates and system:
        candidates = list(system_faces(family))
    if not candidates:
        known = sorted({f.family for f in faces(folder)})
        raise FontError(f"no font family {family!r} (have: {', '.join(known)})")
    return min(candidates, key=lambda f: (f.italic != italic, abs(f.weight - weight)))


@functools.lru_cache(maxsize=4)  # stacks.toml of the bundled folder and a site's own
def _stacks(folder: Path | None) -> dict[str, list[str]]:
    with open((folder or data_dir("fonts")) / "stacks.toml", "rb") as fh:
        return tomllib.load(fh)


def stack_kind(face: Face) -> str:
    return "serif" if "serif" in face.family.casefold() else "sans"


def cjk_variant(text: str, lang: str = "") -> str:
    """Which regional CJK face suits `text`: the same code point is drawn differently in each."""
    lang = lang.casefold()
    if lang.startswith("ja") or any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "JP"
    if lang.startswith("ko") or any("\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" for ch in text):
        return "KR"
    if lang in ("zh-hk", "zh-mo"):
        return "HK"
    if lang.startswith(("zh-tw", "zh-hant")):
        return "TC"
    return "SC"


@functools.lru_cache(maxsize=64)  # a face's fallbacks: the layers' faces × the CJK regions, a few dozen
def stack_for(face: Face, cjk: str = "SC", folder: Path | None = None) -> tuple[Face, ...]:
    """The layer's face, then the fallbacks of its kind (serif or sans), then the other kind's.

    Fallbacks take the weight nearest the layer's, so a semibold quote stays semibold in
    Arabic. Families the machine lacks are left out; `quotecards fonts` shows which.
    """
    stacks = _stacks(folder)
    kind = stack_kind(face)
    families = stacks[kind] + [f for f in stacks["serif" if kind == "sans" else "sans"] if f not in stacks[kind]]
    found = [face]
    for family in families:
        family = family.replace("{cjk}", cjk)
        try:
            fallback = find_face(family, face.weight, face.italic, folder, system=True)
        except FontError:
            continue
        if fallback not in found:
            found.append(fallback)
    return tuple(found)


@dataclass(frozen=True)
class StackEntry:
    kind: str  # "serif" or "sans"
    family: str
    face: Face | None  # None: not bundled and not found on this machine
    scripts: tuple[str, ...]
    hint: str  # what to install when the face is missing


def describe_stacks(folder: Path | None = None) -> list[StackEntry]:
    """Both fallback stacks as `quotecards fonts` shows them (regular weight, CJK as SC)."""
    entries = []
    for kind in ("serif", "sans"):
        for family in _stacks(folder)[kind]:
            family = family.replace("{cjk}", "SC")
            try:
                face = find_face(family, folder=folder, system=True)
            except FontError:
                hint = next((h for key, h in INSTALL_HINT.items() if key in family), "")
                entries.append(StackEntry(kind, family, None, (), hint))
                continue
            entries.append(StackEntry(kind, family, face, tuple(scripts_covered(face)), ""))
    return entries


def install_hint(ch: str) -> str:
    """What to install for a character no face has, when a discoverable family would have it."""
    cp = ord(ch)
    cjk = (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
           or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF)
    return INSTALL_HINT["CJK"] if cjk else ""


def script_name(ch: str) -> str:
    """The script a character belongs to, as people call it: "CJK", "Ethiopic", "Cherokee"."""
    name = unicodedata.name(ch, "")
    if not name:
        return f"U+{ord(ch):04X}"
    first = name.split()[0]
    return first if first in ("CJK", "NKO") else first.title()


def missing_summary(chars: list[str], most: int = 5) -> str:
    """A few of the characters no face has, their scripts, and what to install: one readable line."""
    shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in chars[:most])
    more = f" and {len(chars) - most} more" if len(chars) > most else ""
    scripts = ", ".join(dict.fromkeys(script_name(ch) for ch in chars))
    hints = "; ".join(dict.fromkeys(h for h in (install_hint(ch) for ch in chars) if h))
    return f"no font has {shown}{more} ({scripts})" + (f"; {hints}" if hints else "")


@functools.lru_cache(maxsize=1)  # Pillow's features do not change while the process runs
def has_complex_shaping() -> bool:
    """Pillow's raqm layout with fribidi: without it RTL comes out backwards and unjoined."""
    return bool(features.check("raqm") and features.check("fribidi"))


# Sized faces kept loaded, by their cost in memory. Each size is a FreeType face of its own: some
# 2 MB for a CJK collection's face (tens of thousands of glyphs), a tenth of that for a Latin one,
# while loading one again takes a millisecond or less. A count would let CJK sizes fill a worker.
SIZED_FACES_BUDGET = 8 << 20  # chosen by measuring a multilingual archive's build (benchmarks/RESULTS.md)
FACE_BASE_COST = 160 << 10  # bytes of a sized face whatever its glyphs
FACE_CODEPOINT_COST = 48  # bytes more per character its cmap maps


class SizedFaces:
    """Sized fonts, most recently used first, up to a budget of estimated bytes. Thread-safe: the
    preview's requests share it."""

    def __init__(self, budget: int = SIZED_FACES_BUDGET):
        self.budget = budget
        self.used = 0
        self.fonts: OrderedDict[tuple[Face, int], tuple[ImageFont.FreeTypeFont, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, face: Face, size: int) -> ImageFont.FreeTypeFont:
        key = (face, size)
        with self.lock:
            if key in self.fonts:
                self.fonts.move_to_end(key)
                return self.fonts[key][0]
        font = _open(face, size)
        cost = FACE_BASE_COST + FACE_CODEPOINT_COST * len(coverage(face))
        with self.lock:
            if key not in self.fonts:
                self.fonts[key] = (font, cost)
                self.used += cost
            while self.used > self.budget and len(self.fonts) > 1:
                _font, dropped = self.fonts.popitem(last=False)[1]
                self.used -= dropped
        return font


_sized = SizedFaces()


def load(face: Face, size: int) -> ImageFont.FreeTypeFont:
    """A sized font; raqm when Pillow has it, so kerning and shaping match what is drawn.

    Colour bitmap faces load at their only strike size; callers scale what they draw.
    """
    return _sized.get(face, face.bitmap_size or size)


def _open(face: Face, size: int) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(face.path), size=size, index=face.index, layout_engine=engine)


@functools.lru_cache(maxsize=128)  # the faces a run draws with: the stacks hold about a hundred
def coverage(face: Face) -> Coverage:
    """The code points `face` has a glyph for (its best cmap)."""
    return facts().coverage(face.path, face.index)


def scripts_covered(face: Face) -> list[str]:
    have = coverage(face)
    return [name for name, sample in SCRIPT_SAMPLES.items() if all(ord(ch) in have for ch in sample)]
