"""The card store: a build on a fresh checkout (new mtimes, no output folder, as in CI) takes the
cards an earlier build made, byte for byte, and draws only what changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from quotecards.build import store as card_store
from quotecards.build.batch import BuildOptions, build
from quotecards.build.store import CardStore, StoreOptions
from quotecards.context import RenderOptions
from quotecards.sources.fetch import FetchOptions

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}


def site_repo(folder: Path) -> Path:
    """A git repository of a small site: a local photo, a URL no one can reach, Japanese, a headline page."""
    repo = folder / "origin"
    content = repo / "content"
    (content / "ja").mkdir(parents=True)
    shutil.copy(ROOT / "samples/images/rocket.jpg", content / "rocket.jpg")
    shutil.copy(ROOT / "samples/posts/launch-day.md", content / "launch.md")
    (content / "launch.md").write_text((content / "launch.md").read_text().replace("../images/rocket.jpg", "rocket.jpg"))
    shutil.copy(ROOT / "samples/posts/seed-post.md", content / "seed.md")
    (content / "ja" / "kyoto.md").write_text("---\ntitle: 京都\nfeatured_quote: 本は、静かな場所で読みたい。\n---\n", "utf-8")
    (content / "headline.md").write_text("---\ntitle: A page with no quote at all\n---\nBody.\n", "utf-8")
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "site"]):
        subprocess.run(["git", *command], cwd=repo, check=True, env=GIT_ENV)
    return repo


def clone(repo: Path, to: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(repo), str(to)], check=True, env=GIT_ENV)
    return to


def cli_build(site: Path, store: Path, *more: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "quotecards", "build", "content", "--out", "public/cards",
                           "--offline", "--platform", "og", "--platform", "story", "--store", str(store), *more],
                          cwd=site, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {"stdout": done.stdout, "manifest": json.loads((site / "public/cards/manifest.json").read_text())}


def card_bytes(site: Path, manifest: dict) -> dict[str, bytes]:
    return {card["path"]: (site / "public/cards" / card["path"]).read_bytes() for card in manifest["cards"]}


def test_a_fresh_checkout_with_only_the_store_restored_draws_nothing(tmp_path):
    repo = site_repo(tmp_path)
    first = clone(repo, tmp_path / "ci-run-1")
    store = tmp_path / "store"
    built = cli_build(first, store)
    assert "8 cards made" in built["stdout"]
    before = card_bytes(first, built["manifest"])
    # CI: the workspace is thrown away, the cache keeps the store, the next job clones afresh elsewhere.
    cached = shutil.copytree(store, tmp_path / "ci-cache")
    shutil.rmtree(first)
    shutil.rmtree(store)
    second = clone(repo, tmp_path / "ci-run-2")
    shutil.copytree(cached, store)
    rebuilt = cli_build(second, store)
    assert "0 cards made, 8 reused (8 from the store)" in rebuilt["stdout"]
    assert card_bytes(second, rebuilt["manifest"]) == before
    assert {c["post"] for c in rebuilt["manifest"]["cards"]} == {
        str(Path("content") / name) for name in ("launch.md", "seed.md", "ja/kyoto.md", "headline.md")}
    # A post changed in the new checkout is drawn again; the others still come from the store.
    kyoto = second / "content/ja/kyoto.md"
    kyoto.write_text(kyoto.read_text("utf-8").replace("読みたい", "読みたいです"), "utf-8")
    shutil.rmtree(second / "public")
    changed = cli_build(second, store)
    assert "2 cards made, 6 reused (6 from the store)" in changed["stdout"]


def test_a_changed_photo_or_setting_misses_the_store(tmp_path):
    repo = site_repo(tmp_path)
    site, store = clone(repo, tmp_path / "site"), tmp_path / "store"
    cli_build(site, store)
    photo = site / "content/rocket.jpg"
    Image.open(photo).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo)  # same name, other bytes
    shutil.rmtree(site / "public")
    assert "2 cards made, 6 reused (6 from the store)" in cli_build(site, store)["stdout"]
    shutil.rmtree(site / "public")
    assert "8 cards made" in cli_build(site, store, "--layout", "band")["stdout"]
    shutil.rmtree(site / "public")
    assert "0 cards made" in cli_build(site, store)["stdout"]  # both settings' cards are kept
    assert "8 cards made" in cli_build(site, store, "--force")["stdout"]  # --force draws, store or not
    assert "8 cards made" in cli_build(site, store, "--no-store", "--out", "public/other")["stdout"]


def test_two_builds_sharing_a_store_at_once_both_finish_and_leave_whole_entries(tmp_path):
    repo = site_repo(tmp_path)
    sites = [clone(repo, tmp_path / f"site{i}") for i in range(2)]
    store = tmp_path / "store"
    command = [sys.executable, "-m", "quotecards", "build", "content", "--out", "public/cards", "--offline",
               "--platform", "all", "--store", str(store), "--jobs", "1"]
    running = [subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for site in sites]
    for process in running:
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    entries = [e for e in (store / f"v{card_store.FORMAT}").glob("??/*")]
    assert len(entries) == 4 and not [e for e in entries if e.name.startswith(".")]
    for entry in entries:
        records = json.loads((entry / card_store.RECORDS).read_text())["cards"]
        assert len(records) == 10 and all((entry / card_store._file_name(r)).stat().st_size == r["bytes"]
                                          for r in records)
    third = clone(repo, tmp_path / "site3")
    done = subprocess.run(command, cwd=third, capture_output=True, text=True, timeout=600)
    assert "0 cards made, 40 reused (40 from the store)" in done.stdout


def test_the_store_keeps_to_its_size_dropping_the_least_recently_used(tmp_path):
    repo = site_repo(tmp_path)
    site = clone(repo, tmp_path / "site")
    content, out, folder = site / "content", site / "out", tmp_path / "store"

    def run(max_bytes: int):
        options = RenderOptions(out_dir=out, platforms=("og",), fetch=FetchOptions(roots=(site,), offline=True))
        return build(content, BuildOptions(render=options, jobs=1, store=StoreOptions(folder, max_bytes)))

    run(1 << 30)
    sizes = {e: sum(f.stat().st_size for f in e.iterdir()) for e in (folder / "v1").glob("??/*")}
    assert len(sizes) == 4
    kept = sorted(sizes.values())[-1] + sorted(sizes.values())[-2]
    shutil.rmtree(out)
    summary = run(kept)
    assert summary.restored == 4  # restored first, then trimmed to the bound
    remaining = list((folder / "v1").glob("??/*"))
    assert 1 <= len(remaining) <= 2
    assert sum(f.stat().st_size for e in remaining for f in e.iterdir()) <= kept
    assert CardStore(StoreOptions(folder, 0)).trim() == len(remaining)
    assert not list((folder / "v1").glob("??/*"))


def test_an_entry_missing_a_card_is_drawn_again(tmp_path):
    repo = site_repo(tmp_path)
    site, store = clone(repo, tmp_path / "site"), tmp_path / "store"
    cli_build(site, store)
    entry = next((store / "v1").glob("??/*"))
    next(entry.glob("*.png")).unlink()  # a cache restored only in part
    shutil.rmtree(site / "public")
    built = cli_build(site, store)
    assert "2 cards made, 6 reused (6 from the store)" in built["stdout"]
    assert all((site / "public/cards" / c["path"]).is_file() for c in built["manifest"]["cards"])


# -- The docs' CI recipes (docs/ci.md), run as written ------------------------------------------

INSTALLS = ("apt-get", "pip install")  # done on the test machine already; no test reaches a registry


def recipe(name: str) -> list[str]:
    """The commands of docs/ci.md's `name` recipe (GitHub Actions or GitLab CI), in order."""
    page = (ROOT / "docs" / "ci.md").read_text("utf-8")
    block = page.split(f"**{name}**", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    if name == "GitHub Actions":
        return [line.split("- run: ", 1)[1] for line in block.splitlines() if "- run: " in line]
    script = block.split("  script:\n", 1)[1].split("\n  artifacts:", 1)[0]
    return [line.split("- ", 1)[1] for line in script.splitlines() if line.strip().startswith("- ")]


def hugo_site_repo(folder: Path) -> Path:
    repo = folder / "origin"
    posts = repo / "content" / "posts"
    posts.mkdir(parents=True)
    (repo / "layouts" / "_default").mkdir(parents=True)
    (repo / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "T"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    (repo / "layouts" / "_default" / "single.html").write_text(
        '<!doctype html><html><head>{{ partial "quotecards.html" . }}</head><body>{{ .Content }}</body></html>\n')
    (repo / "layouts" / "_default" / "list.html").write_text("<!doctype html><html><body>list</body></html>\n")
    (repo / ".gitignore").write_text(".quotecards-store/\npublic/\n")
    shutil.copy(ROOT / "samples/images/rocket.jpg", posts / "rocket.jpg")
    launch = (ROOT / "samples/posts/launch-day.md").read_text("utf-8").replace("../images/rocket.jpg", "rocket.jpg")
    (posts / "launch.md").write_text("".join(line for line in launch.splitlines(True)
                                             if not line.startswith("published:")), "utf-8")
    (posts / "kyoto.md").write_text("---\ntitle: 京都\nlang: ja\nfeatured_quote: 本は、静かな場所で読みたい。\n---\n", "utf-8")
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "site"]):
        subprocess.run(["git", *command], cwd=repo, check=True, env=GIT_ENV)
    return repo


@pytest.mark.system("hugo")
@pytest.mark.parametrize("name", ["GitHub Actions", "GitLab CI"])
def test_ci_recipe_draws_nothing_on_a_fresh_checkout_with_the_cached_store(tmp_path, name):
    commands = recipe(name)
    assert [c for c in commands if c.startswith(INSTALLS) or " apt-get " in c] == \
        [c for c in commands if not c.startswith(("quotecards", "hugo"))]  # only installs are left out
    assert any(c.startswith("quotecards hugo") for c in commands) and any(c.startswith("hugo") for c in commands)
    repo, cache = hugo_site_repo(tmp_path), tmp_path / "ci-cache"
    for job in (1, 2):
        workspace = clone(repo, tmp_path / f"job{job}")
        if cache.exists():  # the CI's cache step restores the store into the new workspace
            shutil.copytree(cache, workspace / ".quotecards-store")
        outputs = []
        for command in commands:
            if command.startswith(INSTALLS) or " apt-get " in command:
                continue
            done = subprocess.run(command, shell=True, cwd=workspace, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{command}: {done.stderr}"
            outputs.append(done.stdout)
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(workspace / ".quotecards-store", cache)  # the cache step saves it after the job
        summary = next(o for o in outputs if "cards made" in o)
        assert ("2 cards made" if job == 1 else "0 cards made, 2 reused (2 from the store)") in summary
        public = workspace / "public"
        for page in ("launch", "kyoto"):
            html = next(public.rglob(f"{page}*/index.html")).read_text("utf-8")
            image = re.search(r'<meta property="og:image" content="([^"]+)"', html)
            assert image is not None and "/og/" in image.group(1)
            assert (public / image.group(1).split("example.org/", 1)[1].split("?")[0]).is_file()
        shutil.rmtree(workspace)


def test_a_card_rewritten_in_place_in_the_output_is_not_taken_from_the_store(tmp_path):
    """Output cards are hard links into the store: an optimiser that rewrites one in place
    rewrites the store's too. That entry is dropped and the card drawn again, as it was."""
    repo = site_repo(tmp_path)
    site, store = clone(repo, tmp_path / "site"), tmp_path / "store"
    built = cli_build(site, store)
    before = card_bytes(site, built["manifest"])
    victim = site / "public/cards" / built["manifest"]["cards"][0]["path"]
    with open(victim, "r+b") as handle:  # in place, as `optipng` or `pngcrush -ow` would
        handle.seek(100)
        handle.write(b"\0" * 64)
    shutil.rmtree(site / "public")
    rebuilt = cli_build(site, store)
    assert "2 cards made, 6 reused (6 from the store)" in rebuilt["stdout"]
    assert card_bytes(site, rebuilt["manifest"]) == before
    shutil.rmtree(site / "public")
    assert "0 cards made, 8 reused (8 from the store)" in cli_build(site, store)["stdout"]  # kept anew
