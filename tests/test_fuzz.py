"""Several hundred mutated posts, from a fixed seed, through the reader, `build`, `hugo` and `render`.

Every post ends as a card, a one-line error naming its file, or a counted skip; no command ever
prints a traceback. The mutations are what real archives and hostile inputs hold: broken bytes
and lines, other line endings and encodings' marks, impossible dates, wrong YAML tags, numbers
Python will not print, nesting a thousand deep, alias bombs and cycles, control characters.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quotecards.sources.post import PostError, read_post

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261130
COUNT = 320

HOSTILE_VALUES = [
    "2020-13-45", "2020-02-30", "0000-00-00", "!!int abc", "!!float x", "!!timestamp nope", "!!binary ***",
    "9" * 5000, "0x" + "f" * 4000, "[" * 1000 + "]" * 1000, "{a: " * 200 + "1" + "}" * 200, "&a [*a]",
    "*undefined", "~", "null", "true", "[]", "{}", "''", '"\\0"', '"\\ud800"', "\t", "|", ">-", "- a\n- b",
    "!!python/object:os.system ls", "`backtick`", "@at", "%directive", "? complex key", "'" + "x" * 3000 + "'",
    "日本語のタイトル", "\u202eevil\u202c", "&b [" + ", ".join(["x"] * 50) + "]",
]
BOMB = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 9))


def mutate(text: str, rng: random.Random) -> bytes:
    kind = rng.randrange(8)
    lines = text.splitlines(True)
    if kind == 0:  # a front-matter value replaced by a hostile one
        keyed = [i for i, line in enumerate(lines[1:20], 1) if ":" in line and not line.startswith(" ")]
        if keyed:
            i = rng.choice(keyed)
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(HOSTILE_VALUES)}\n"
        return "".join(lines).encode("utf-8", "surrogatepass")
    if kind == 1:  # random bytes flipped
        data = bytearray(text.encode())
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 2:  # lines lost, doubled or swapped
        for _ in range(rng.randint(1, 4)):
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            change = rng.randrange(3)
            if change == 0:
                lines.pop(i)
            elif change == 1:
                lines.insert(i, lines[j])
            else:
                lines[min(i, j)] = lines[max(i, j)]
        return "".join(lines).encode()
    if kind == 3:  # cut short
        return text.encode()[: rng.randrange(len(text.encode()))]
    if kind == 4:  # other line endings, a BOM
        ending = rng.choice(["\r\n", "\r"])
        return (rng.choice([b"", b"\xef\xbb\xbf"]) + text.replace("\n", ending).encode())
    if kind == 5:  # alias bomb or cycle in an unused key
        extra = rng.choice(["l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n" + BOMB, "loop: &loop {self: *loop}\n"])
        return text.replace("\n", "\n" + extra, 1).encode()
    if kind == 6:  # indentation broken
        i = rng.randrange(len(lines))
        lines[i] = rng.choice(["", " ", "\t", "    "]) + lines[i]
        return "".join(lines).encode()
    return text.encode()  # some posts stay as they were


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    rng = random.Random(SEED)
    site = tmp_path_factory.mktemp("fuzz") / "site"
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    shutil.copytree(ROOT / "samples" / "images", site / "content" / "images", ignore=shutil.ignore_patterns("*.md"))
    samples = sorted((ROOT / "samples" / "posts").glob("*.md"))
    for n in range(COUNT):
        sample = rng.choice(samples)
        text = sample.read_text(encoding="utf-8").replace("published: true\n", "")
        (posts / f"{n:03d}-{sample.name}").write_bytes(mutate(text, rng))
    return site


def one_line_errors(lines: list[str], folder: Path) -> None:
    for line in lines:
        assert line.startswith(f"error: {folder}"), line
        assert "Traceback" not in line and "internal error" not in line, line


def test_the_reader_raises_nothing_but_post_errors(corpus):
    outcomes = {"read": 0, "error": 0}
    for path in sorted((corpus / "content" / "posts").glob("*.md")):
        try:
            read_post(path)
            outcomes["read"] += 1
        except PostError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(f"{path}: ")
            outcomes["error"] += 1
    assert outcomes["read"] > COUNT // 3 and outcomes["error"] > COUNT // 10  # the mix is real


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quotecards", *args, "--offline"], capture_output=True, text=True)


def test_build_hugo_and_render_survive_every_post(corpus, tmp_path):
    posts = corpus / "content" / "posts"
    build = run("build", str(corpus / "content"), "--out", str(tmp_path / "out"), "--jobs", "2",
                "--site-root", str(corpus))
    assert build.returncode in (0, 1) and "Traceback" not in build.stderr, build.stderr[-3000:]
    one_line_errors([line for line in build.stderr.splitlines() if line.startswith("error:")], posts)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    summary = build.stdout.splitlines()[0]
    skipped = sum(int(word) for word in summary.split("skipped: ")[1].split(";")[0].split() if word.isdigit())
    accounted = {c["post"] for c in manifest["cards"]} | {e["post"] for e in manifest["errors"]}
    assert len(accounted) + skipped == COUNT, summary

    hugo = run("hugo", str(corpus), "--jobs", "2", "--front-matter")
    assert hugo.returncode in (0, 1) and "Traceback" not in hugo.stderr, hugo.stderr[-3000:]
    one_line_errors([line for line in hugo.stderr.splitlines() if line.startswith("error:")], posts)

    render = run("render", *map(str, sorted(posts.glob("*.md"))[:120]), "--out", str(tmp_path / "render"),
                 "--site-root", str(corpus))
    assert render.returncode in (0, 1) and "Traceback" not in render.stderr, render.stderr[-3000:]
    one_line_errors([line for line in render.stderr.splitlines() if line.startswith("error:")], posts)
