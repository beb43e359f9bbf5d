"""Shards of one build, run at once into their own folders or into one, merge into what one
build without --shard makes, card for card."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from quotecards.build.batch import in_shard

ROOT = Path(__file__).resolve().parent.parent
N = 4


def archive(folder: Path) -> Path:
    """Sixteen posts, a shared photo, one post that fails, and two posts in different shards
    with one slug (neither shard can see the other's)."""
    content = folder / "content"
    content.mkdir(parents=True)
    shutil.copy(ROOT / "samples/images/rocket.jpg", content / "rocket.jpg")
    for i in range(16):
        image = "featured_image: rocket.jpg\n" if i % 4 == 0 else ""
        (content / f"post-{i:02d}.md").write_text(
            f"---\ntitle: Post {i}\n{image}featured_quote:\n  quote: Number {i} said something worth a card.\n"
            f"  summary: Speaker {i}\n---\n", "utf-8")
    (content / "broken.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    names = [f"same-{i}.md" for i in range(40)]
    first = names[0]
    other = next(n for n in names if not in_shard(content / n, content, _shard_of(content / first, content)))
    for name in (first, other):
        (content / name).write_text(f"---\ntitle: {name}\nslug: same\nfeatured_quote:\n  quote: One slug, two posts.\n"
                                    f"  summary: {name}\n---\n")  # two different cards
    return content


def _shard_of(path: Path, root: Path) -> tuple[int, int]:
    return next((k, N) for k in range(1, N + 1) if in_shard(path, root, (k, N)))


def quotecards(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "quotecards", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def shards_at_once(cwd: Path, out_for) -> None:
    running = [subprocess.Popen([sys.executable, "-m", "quotecards", "build", "content", "--out", out_for(k),
                                 "--shard", f"{k}/{N}", "--offline", "--no-store", "--jobs", "1",
                                 "--platform", "og", "--platform", "x"],
                                cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for k in range(1, N + 1)]
    codes = []
    for process in running:
        _out, err = process.communicate(timeout=600)
        assert process.returncode in (0, 1), err
        codes.append(process.returncode)
    assert sorted(codes) == [0, 0, 0, 1]  # the broken post fails in its own shard only


def cards_of(folder: Path) -> list[tuple[str, str, str, str]]:
    data = json.loads((folder / "manifest.json").read_text())
    found = [(c["post"], c["path"], c["sha256"], c["slug"]) for c in data["cards"]]
    for _post, path, _sha, _slug in found:
        assert (folder / path).is_file()
    return found


def errors_of(folder: Path) -> list[str]:
    return [e["post"] for e in json.loads((folder / "manifest.json").read_text())["errors"]]


def single_build(tmp_path: Path) -> Path:
    done = quotecards("build", "content", "--out", "single", "--offline", "--no-store", "--jobs", "1",
                      "--platform", "og", "--platform", "x", cwd=tmp_path)
    assert done.returncode == 1 and "36 cards made" in done.stdout, done.stdout + done.stderr
    return tmp_path / "single"


def test_shards_in_their_own_folders_merge_into_what_one_build_makes(tmp_path):
    archive(tmp_path)
    single = single_build(tmp_path)
    shards_at_once(tmp_path, lambda k: f"part{k}")
    for k in range(1, N + 1):
        assert (tmp_path / f"part{k}" / f"manifest.shard-{k}-of-{N}.json").is_file()
        assert not (tmp_path / f"part{k}" / "manifest.json").exists()
    done = quotecards("merge", "merged", *(f"part{k}" for k in range(1, N + 1)), cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # the broken post is still the build's failure
    assert "1 posts' slugs numbered" in done.stdout
    merged = tmp_path / "merged"
    assert cards_of(merged) == cards_of(single)
    for _post, path, _sha, _slug in cards_of(single):
        assert (merged / path).read_bytes() == (single / path).read_bytes()
    assert errors_of(merged) == errors_of(single) == [str(Path("content/broken.md"))]
    assert (merged / "index.html").is_file()
    # The merged folder is a whole build's: building there again draws nothing.
    again = quotecards("build", "content", "--out", "merged", "--offline", "--no-store", "--platform", "og",
                       "--platform", "x", cwd=tmp_path)
    assert "0 cards made, 36 reused" in again.stdout, again.stdout + again.stderr


def test_shards_into_one_folder_at_once_lose_nothing(tmp_path):
    archive(tmp_path)
    single = single_build(tmp_path)
    shards_at_once(tmp_path, lambda k: "shared")
    shared = tmp_path / "shared"
    parts = sorted(p.name for p in shared.glob("manifest.shard-*"))
    assert parts == [f"manifest.shard-{k}-of-{N}.json" for k in range(1, N + 1)]
    posts = {c["post"] for p in parts for c in json.loads((shared / p).read_text())["cards"]}
    assert posts == {post for post, *_rest in cards_of(single)}
    # The next build without --shard takes the parts in; only the two posts whose one path the
    # shards both wrote are drawn again, numbered as a single build numbers them.
    whole = quotecards("build", "content", "--out", "shared", "--offline", "--no-store", "--platform", "og",
                       "--platform", "x", cwd=tmp_path)
    assert "4 cards made, 32 reused" in whole.stdout, whole.stdout + whole.stderr
    assert cards_of(shared) == cards_of(single)
    assert not list(shared.glob("*.shard-*"))


def test_merge_refuses_parts_of_different_builds(tmp_path):
    archive(tmp_path)
    for k in range(1, N + 1):
        layout = ["--layout", "band"] if k == 2 else []
        quotecards("build", "content", "--out", f"part{k}", "--shard", f"{k}/{N}", "--offline", "--no-store",
                   *layout, cwd=tmp_path)
    done = quotecards("merge", "merged", *(f"part{k}" for k in range(1, N + 1)), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "manifest.shard-2-of-4.json: settings: made with other settings" in done.stderr
    missing = quotecards("merge", "merged", "part1", "part3", "part4", cwd=tmp_path)
    assert missing.returncode == 2 and "parts: shard 2 of 4 missing" in missing.stderr
    assert not (tmp_path / "merged" / "manifest.json").exists()


def test_a_merge_waits_for_the_run_that_holds_its_folder(tmp_path):
    """Two merges, or a merge beside a build, in one folder would write one SQLite state at once."""
    from quotecards.build.runlock import run_lock

    archive(tmp_path)
    for k in range(1, N + 1):
        quotecards("build", "content", "--out", "shared", "--shard", f"{k}/{N}", "--offline", "--no-store",
                   "--jobs", "1", "--platform", "og", cwd=tmp_path)
    with run_lock(tmp_path / "shared"):  # as a build in that folder holds it
        merging = subprocess.Popen([sys.executable, "-m", "quotecards", "merge", "shared"], cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        told = merging.stderr.readline()  # blocks until the merge says it waits (or ends without waiting)
        assert "waiting for the quotecards run that is writing there" in told, told
        assert merging.poll() is None and not (tmp_path / "shared" / "manifest.json").exists()
    out, err = merging.communicate(timeout=600)
    assert merging.returncode == 1 and "Traceback" not in err  # the broken post is still the build's failure
    # 16 posts and one of the two with one slug (the other shard wrote the same file: drawn by the next build)
    assert len(cards_of(tmp_path / "shared")) == 17
