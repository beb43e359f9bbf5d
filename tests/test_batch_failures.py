"""A build meets the world: dying workers, a killed parent, a second build, folders it cannot write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import need
from test_batch import archive, options

from quotecards import cards
from quotecards.build import batch, workers
from quotecards.build.batch import build
from quotecards.build.runlock import run_lock
from quotecards.cli import main
from quotecards.errors import OutputError

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_killed_mid_post_fails_that_post_and_the_build_goes_on(tmp_path, monkeypatch):
    content = archive(tmp_path, n=8)
    real = cards.render_post

    def oom_on_post_3(post, *args, **kwargs):
        if post.source.name == "p3.md":
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
        return real(post, *args, **kwargs)

    monkeypatch.setattr(cards, "render_post", oom_on_post_3)  # forked workers inherit it
    summary = build(content, options(tmp_path))
    failed = {Path(e.post).name: e.error for e in summary.failed}
    assert failed.keys() == {"broken.md", "p3.md"}
    assert failed["p3.md"] == f"{content / 'posts' / 'p3.md'}: {workers.WORKER_DIED}"
    assert summary.made == 7  # every other post, including the one sharing the pool when it broke
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert sorted(Path(c["post"]).name for c in manifest["cards"]) == [f"p{i}.md" for i in range(8) if i != 3]


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
def test_workers_end_when_the_build_is_killed(tmp_path):
    content = archive(tmp_path, n=60)
    proc = subprocess.Popen([sys.executable, "-m", "quotecards", "build", str(content), "--out", str(tmp_path / "out"),
                             "--jobs", "2", "--site-root", str(tmp_path), "--no-cache"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    kids: set[int] = set()
    while time.monotonic() < deadline and len(kids) < 2 and proc.poll() is None:
        kids = _children(proc.pid)
        time.sleep(0.05)
    assert len(kids) >= 2, "the build should have started its two workers"
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers must notice by themselves
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.05)
    orphans = [k for k in kids if _alive(k)]
    for k in orphans:
        os.kill(k, signal.SIGKILL)
    assert orphans == []


def test_a_second_build_waits_for_the_first_and_says_who_holds_the_folder(tmp_path):
    content = archive(tmp_path, n=2)
    (tmp_path / "out").mkdir()
    waiting, heard = threading.Event(), []
    outcome: list[object] = []

    def second_build() -> None:
        outcome.append(build(content, options(tmp_path), on_wait=lambda m: (heard.append(m), waiting.set())))

    with run_lock(tmp_path / "out"):
        thread = threading.Thread(target=second_build)
        thread.start()
        assert waiting.wait(60), "the second build should have said it is waiting"
        assert not outcome  # still waiting while the first holds the folder
    thread.join(120)
    assert f"pid {os.getpid()}" in heard[0] and str(tmp_path / "out") in heard[0]
    assert outcome and outcome[0].made == 2  # type: ignore[attr-defined]
    assert not (tmp_path / "out" / ".quotecards.lock").exists()


def test_an_interrupted_force_run_keeps_every_card_in_the_manifest(tmp_path, monkeypatch):
    content = archive(tmp_path, n=6)
    build(content, options(tmp_path))
    before = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]

    def interrupted(todo, pool, on_result, on_tick):  # stopped (Ctrl-C, kill) before any card
        raise KeyboardInterrupt

    monkeypatch.setattr(workers, "run_jobs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(content, options(tmp_path, force=True))
    after = json.loads((tmp_path / "out" / "manifest.json").read_text())["cards"]
    assert [c["path"] for c in after] == [c["path"] for c in before]
    monkeypatch.undo()
    summary = build(content, options(tmp_path))  # not --force: the unfinished ones are still redone
    assert summary.made == 6 and summary.reused == 0


def test_a_post_deleted_after_listing_is_one_error_line(tmp_path, monkeypatch):
    content = archive(tmp_path, n=3)
    real = batch.discover

    def then_delete(folder, skip=(), refused=None, suffixes=(".md",)):
        paths = list(real(folder, skip, refused, suffixes))
        (content / "posts" / "p1.md").unlink()
        return paths

    monkeypatch.setattr(batch, "discover", then_delete)
    summary = build(content, options(tmp_path))
    failed = {Path(e.post).name: e.error for e in summary.failed}
    assert failed["p1.md"] == f"{content / 'posts' / 'p1.md'}: file: cannot read it (No such file or directory)"
    assert summary.made == 2


def test_out_under_a_regular_file_is_one_error_line(tmp_path):
    (tmp_path / "file").write_text("x")
    post = ROOT / "samples" / "posts" / "launch-day.md"
    for command in (["render", str(post)], ["build", str(post.parent)]):
        result = CliRunner().invoke(main, [*command, "--out", str(tmp_path / "file" / "out"), "--offline"])
        assert result.exit_code == 2, result.output
        assert result.stderr == f"error: {tmp_path / 'file' / 'out'}: output folder: a parent of it is a file, not a folder\n"
    with pytest.raises(OutputError, match="a file of that name is in the way"):
        build(post.parent, replace(options(tmp_path), render=replace(options(tmp_path).render, out_dir=tmp_path / "file")))


def _read_only(out: Path, command: list[str]) -> list[str]:
    """`command` run where `out` cannot be written: by its mode, or (root writes anywhere) on a
    read-only bind mount of it in a mount namespace of the command's own."""
    if os.geteuid() != 0:
        out.chmod(0o555)
        return command
    need("util-linux")
    script = f'mount --bind "{out}" "{out}" && mount -o remount,ro,bind "{out}" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh", *command]


def test_a_read_only_output_folder_is_one_error_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    post = ROOT / "samples" / "posts" / "short-and-sharp.md"
    for command in (["render", str(post)], ["build", str(post.parent)]):
        argv = _read_only(out, [sys.executable, "-m", "quotecards", *command, "--out", str(out), "--offline"])
        result = subprocess.run(argv, capture_output=True, text=True)
        assert result.returncode == 2, result.stderr
        assert result.stderr.endswith(f"error: {out}: output folder: cannot write there (Read-only file system)\n"
                                      if os.geteuid() == 0 else
                                      f"error: {out}: output folder: cannot write there (Permission denied)\n")
        assert list(out.iterdir()) == []


def test_a_post_whose_file_name_is_not_utf8_is_one_error_and_the_run_goes_on(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / os.fsdecode(b"caf\xe9.md")).write_text("---\ntitle: T\nfeatured_quote: A quote here.\n---\n")
    (content / "ok.md").write_text("---\ntitle: T\nfeatured_quote: Another one.\n---\n")
    line = "content/caf\\xe9.md: file name: not UTF-8 (another encoding's bytes): rename the file"
    for command in (["build", "content", "--out", "built", "--jobs", "1"],
                    ["render", *sorted(os.listdir(content)), "--out", "rendered"]):
        cwd = tmp_path if command[0] == "build" else content
        done = subprocess.run([sys.executable, "-m", "quotecards", *command, "--offline", "--no-cache"], cwd=cwd,
                              capture_output=True, text=True, errors="surrogateescape", timeout=300)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        shown = line if command[0] == "build" else line.removeprefix("content/")
        assert f"error: {shown}" in done.stderr
        manifest = json.loads((cwd / command[command.index("--out") + 1] / "manifest.json").read_text("utf-8"))
        assert [e["error"] for e in manifest["errors"]] == [shown] and len(manifest["cards"]) == 1


def test_a_disk_that_fills_up_is_one_error_line_naming_the_file(tmp_path):
    """Run on a small file system of the command's own (a tmpfs in a mount namespace, as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    need("util-linux")
    content = tmp_path / "content"
    content.mkdir()
    for i in range(12):
        (content / f"p{i}.md").write_text(f"---\ntitle: Post {i}\nfeatured_quote: Quote number {i} is here.\n---\n")
    for command, size in ((["render", *(str(p) for p in sorted(content.iterdir()))], "300k"),
                          (["build", str(content), "--jobs", "1", "--no-store"], "120k")):
        out = tmp_path / f"out-{command[0]}"
        out.mkdir()
        script = f'mount -t tmpfs -o size={size} tmpfs "{out}" && exec "$@"'
        argv = ["unshare", "-m", "sh", "-c", script, "sh", sys.executable, "-m", "quotecards", *command,
                "--out", str(out), "--offline", "--no-cache"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last in (f"error: {out / 'manifest.json'}: No space left on device",
                        f"error: {out / 'index.html'}: No space left on device",
                        f"error: {out / '.quotecards-state.sqlite'}: build state: cannot write it (database or disk "
                        "is full); the next build takes up from its last checkpoint"), last
