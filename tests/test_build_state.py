"""A build's state on disk: taken over from the older JSON file, read a post at a time, slugs kept."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

from test_batch import archive, options

from quotecards.build import manifest, workers
from quotecards.build.batch import build
from quotecards.build.gallery import gallery_from_manifest
from quotecards.build.outputs import STATE_FILE
from quotecards.build.state import BuildState, Entry


def test_an_earlier_versions_json_state_is_taken_over_and_its_posts_reused(tmp_path):
    content = archive(tmp_path)
    build(content, options(tmp_path))
    out = tmp_path / "out"
    with sqlite3.connect(out / STATE_FILE) as db:
        settings = json.loads(db.execute("SELECT value FROM meta WHERE name = 'settings'").fetchone()[0])
        rows = db.execute("SELECT key, slug, size, mtime_ns, hash, expires, cards FROM posts").fetchall()
    (out / STATE_FILE).unlink()
    # What versions before the SQLite state wrote: one JSON object.
    old = {"settings": settings, "errors": {}, "posts": {
        key: {"stat": [size, mtime], "hash": digest, "slug": slug, "expires": expires, "cards": json.loads(cards)}
        for key, slug, size, mtime, digest, expires, cards in rows}}
    (out / ".quotecards-state.json").write_text(json.dumps(old))
    summary = build(content, options(tmp_path))
    assert summary.made == 0 and summary.reused == 6
    assert not (out / ".quotecards-state.json").exists() and (out / STATE_FILE).is_file()


def test_the_build_holds_no_archive_in_memory(tmp_path):
    """Walking, reusing and writing the manifest and gallery of 1,500 posts takes no more of
    Python's memory than doing it for 300: entries are read a post at a time (and a folder's
    names at a time: the posts are in folders of 100, as an archive's years and months are)."""
    content = archive(tmp_path, n=1)
    build(content, options(tmp_path))
    out = tmp_path / "out"
    with BuildState(out / STATE_FILE) as state:
        model = next(e for e in map(state.get, state.keys()) if e is not None and e.cards)  # not the draft's
    peaks = {}
    for n in (300, 1500):
        _grow(content, out, model, n)
        for name in ("index.html", "manifest.json"):  # so that the run writes both, from the state
            (out / name).unlink()
        tracemalloc.start()
        summary = build(content, options(tmp_path))
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert summary.reused == n + 1 and summary.made == 0
        assert len(summary.cards) == n + 1 == len(json.loads((out / "manifest.json").read_text())["cards"])
    assert peaks[1500] < 1.1 * peaks[300], peaks


def _grow(content: Path, out: Path, model: Entry, n: int, state_file: str = STATE_FILE, prefix: str = "") -> None:
    """`n` more posts, each with an entry as a build leaves it and its card's file in place."""
    record = model.cards[0]
    with BuildState(out / state_file) as state:
        for i in range(n):
            post = content / "more" / f"{i // 100:02d}" / f"m{i:05d}.md"
            post.parent.mkdir(parents=True, exist_ok=True)
            post.write_text(f"---\ntitle: More {i}\n---\n")
            stat = post.stat()
            slug = f"{prefix}more-{i}"
            card = {**record, "post": str(post), "slug": slug, "path": f"og/{slug}.png"}
            if not (out / card["path"]).exists():
                os.link(out / record["path"], out / card["path"])
            state.put(str(post), Entry(slug, (stat.st_size, stat.st_mtime_ns), "h", None, [card]))
        state.commit()


def test_a_slug_given_up_stays_taken_until_the_posts_new_cards_replace_it(tmp_path):
    content = archive(tmp_path, n=2)
    build(content, options(tmp_path))
    first = content / "posts" / "p0.md"
    first.write_text(first.read_text().replace("/posts/post-0/", "/posts/renamed/"))
    newcomer = content / "posts" / "p9.md"  # after p0 in the walk, wanting the slug p0 had
    newcomer.write_text("---\ntitle: New\naliases: [/posts/post-0/]\nfeatured_quote:\n  quote: Newcomer.\n"
                        "  summary: New\n---\n")
    build(content, options(tmp_path))
    cards = {Path(c["post"]).name: c for c in manifest.read(tmp_path / "out")["cards"]}
    assert cards["p0.md"]["slug"] == "renamed" and cards["p9.md"]["slug"] == "post-0-2"
    assert all((tmp_path / "out" / c["path"]).is_file() for c in cards.values())
    assert not (tmp_path / "out" / "og" / "post-0.png").exists()  # p0's old card is gone with its old slug


def test_the_builds_gallery_is_what_the_manifest_makes(tmp_path):
    content = archive(tmp_path)
    (content / "posts" / "p2.md").write_text((content / "posts" / "p2.md").read_text().replace(
        "title: Post 2", "title: Post 2\ndate: 2020-01-01"))  # the one with a date: shown first
    build(content, options(tmp_path))
    out = tmp_path / "out"
    built = (out / "index.html").read_text()
    gallery_from_manifest(out)
    assert (out / "index.html").read_text() == built
    assert built.index("p2.md") < built.index("p5.md") < built.index("p0.md")


def test_the_manifest_written_a_record_at_a_time_is_json_of_the_whole(tmp_path):
    card = {"post": "a.md", "lines": ["“Line”", "two"], "nested": {"x": [1, {"y": None}]}, "alt": "é\n"}
    for cards, errors, about in [([card] * 3, [], None), ([], [], None), ([card], [{"post": "b", "error": "e"}],
                                                                            {"settings": "s", "shard": [1, 2]})]:
        manifest.write(tmp_path, iter(cards), errors, "m.json", about)
        whole = {**(about or {}), "cards": cards, "errors": errors}
        assert (tmp_path / "m.json").read_text() == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"


def _echo(path: str, slug: str) -> workers.Result:
    return path, [{"slug": slug}], None


def _nothing() -> None:
    pass


def test_jobs_are_taken_from_the_queue_as_workers_free_up(tmp_path):
    taken = [0]
    seen_when_first_done: list[int] = []

    def queue():
        for i in range(200):
            taken[0] += 1
            yield f"p{i}", f"s{i}"

    results = []

    def on_result(result):
        if not results:
            seen_when_first_done.append(taken[0])
        results.append(result)

    workers.run_jobs(queue(), workers.Pool(2, _nothing, (), _echo), on_result, lambda: None)
    assert sorted(r[0] for r in results) == sorted(f"p{i}" for i in range(200))
    assert seen_when_first_done[0] <= 2 * workers.QUEUED_PER_WORKER


def test_a_state_file_is_copied_whole_between_folders(tmp_path):
    """A CI cache restores the state folder as files: the copy is a state like the original."""
    content = archive(tmp_path, n=2)
    build(content, options(tmp_path))
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "out", copy)
    with BuildState(copy / STATE_FILE) as state:
        assert len(state) == 3 and state.card_count() == 2  # two posts, and the draft remembered as skipped


def test_a_state_file_that_is_no_database_is_replaced_and_every_post_drawn(tmp_path):
    content = archive(tmp_path, n=2)
    build(content, options(tmp_path))
    state = tmp_path / "out" / STATE_FILE
    state.write_bytes(state.read_bytes()[:100])  # cut short, as by a full disk or a bad copy
    summary = build(content, options(tmp_path))
    assert summary.made == 2 and [Path(e.post).name for e in summary.failed] == ["broken.md"]
    again = build(content, options(tmp_path))
    assert again.made == 0 and again.reused == 2


def test_merging_parts_holds_no_archive_in_memory(tmp_path):
    """`quotecards merge` reads each shard's state a post at a time: merging parts of 1,500 posts
    takes no more of Python's memory than parts of 300."""
    from quotecards.build.outputs import BuildFiles

    content = archive(tmp_path, n=6)
    out = tmp_path / "out"
    for k in (1, 2):
        build(content, options(tmp_path, shard=(k, 2)))
    with BuildState(out / BuildFiles.of((1, 2)).state) as one, BuildState(out / BuildFiles.of((2, 2)).state) as two:
        model = next(e for state in (one, two) for e in map(state.get, state.keys()) if e is not None and e.cards)
    peaks = {}
    for n in (300, 1500):
        for k in (1, 2):  # each part gains n posts, with their cards in place
            _grow(tmp_path / f"elsewhere{k}", out, model, n, BuildFiles.of((k, 2)).state, prefix=f"p{k}-")
        peaks[n], cards = _merge_peak(out)
        assert cards == 2 * n + 6 == len(manifest.read(out)["cards"])
        for k in (1, 2):  # merge folds the parts into the whole; the next round splits them again
            build(content, options(tmp_path, shard=(k, 2)))
    # Not a ratio: CPython's table of interned names (pathlib interns every path's parts) grows
    # by doubling, a megabyte or two once; holding the parts' records would take ten.
    assert 0 < peaks[1500] < peaks[300] + (2 << 20), peaks


def _merge_peak(out: Path) -> tuple[int, int]:
    """Python's peak memory while merging `out`'s parts, and the cards merged: in a process of its
    own, as `quotecards merge` runs, so that what the test run loaded before (a larger table of
    interned names, whose doubling costs more) does not count."""
    code = ("import sys, tracemalloc; from pathlib import Path; from quotecards.build.merge import merge; "
            "tracemalloc.start(); result = merge(Path(sys.argv[1]), []); "
            "print(tracemalloc.get_traced_memory()[1], result.cards)")
    done = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, check=True)
    peak, cards = done.stdout.split()
    return int(peak), int(cards)


def test_a_part_without_its_state_is_merged_from_its_manifest(tmp_path):
    from quotecards.build.merge import merge
    from quotecards.build.outputs import BuildFiles

    content = archive(tmp_path, n=6)
    for k in (1, 2):
        build(content, options(tmp_path, shard=(k, 2)))
    out = tmp_path / "out"
    (out / BuildFiles.of((1, 2)).state).unlink()  # as a CI artifact that leaves hidden files behind
    parts = {c["post"]: c for name in ("manifest.shard-1-of-2.json", "manifest.shard-2-of-2.json")
             for c in manifest.read(out, name)["cards"]}
    result = merge(out, [])
    merged = {c["post"]: c for c in manifest.read(out)["cards"]}
    assert result.cards == 6 and merged == parts
    again = build(content, options(tmp_path))
    assert again.reused > 0 and again.reused + again.made == 6  # the part with a state: not drawn again


def test_a_state_row_whose_json_cannot_be_read_is_as_if_absent(tmp_path):
    content = archive(tmp_path, n=3)
    assert build(content, options(tmp_path)).made == 3
    with sqlite3.connect(tmp_path / "out" / STATE_FILE) as db:
        (key,) = db.execute("SELECT key FROM posts WHERE key LIKE '%p1.md'").fetchone()
        db.execute("UPDATE posts SET cards = '[{not json' WHERE key = ?", (key,))
        db.execute("UPDATE meta SET value = '{also not json' WHERE name = 'errors'")
    with BuildState.reading(tmp_path / "out" / STATE_FILE) as other:  # another run's, read only
        assert other.get(key) is None and other.errors is None
    again = build(content, options(tmp_path))
    assert (again.made, again.reused) == (1, 2)  # the damaged post is drawn again, the rest kept


def test_a_draft_is_not_read_again_while_its_file_is_unchanged(tmp_path, monkeypatch):
    """4,000 drafts cost seconds a build when every build read them all again."""
    from quotecards.build import batch

    content = archive(tmp_path, n=2)
    (content / "posts" / "draft.md").write_text("---\ntitle: Not yet\ndraft: true\nfeatured_quote: Soon.\n---\n")
    first = build(content, options(tmp_path))
    assert first.skipped == {"draft": 2}  # _index.md and draft.md
    read = []
    real = batch.read_post
    monkeypatch.setattr(batch, "read_post", lambda path, *a, **k: read.append(Path(path).name) or real(path, *a, **k))
    again = build(content, options(tmp_path))
    assert again.skipped == {"draft": 2} and again.reused == 2 and "draft.md" not in read
    (content / "posts" / "draft.md").write_text("---\ntitle: Now\nfeatured_quote: Out now.\n---\n")
    published = build(content, options(tmp_path))
    assert "draft.md" in read and published.made == 1 and published.skipped == {"draft": 1}
