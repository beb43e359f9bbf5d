"""The live preview renders on several threads at once: each result must be what one thread makes."""

from __future__ import annotations

import sys
import threading
import tomllib
from pathlib import Path

from quotecards import files
from quotecards.draw.layout import find_layout, load_layout
from quotecards.draw.plan import plan_card
from quotecards.draw.platforms import PLATFORMS
from quotecards.draw.render import render
from quotecards.encode import export
from quotecards.sources.post import Post
from quotecards.text import linebreak

ROOT = Path(__file__).resolve().parent.parent
CORPUS = tomllib.loads((ROOT / "tests" / "corpus" / "multilingual.toml").read_text(encoding="utf-8"))["quote"]


def at_once(work, inputs, threads=4, rounds=3):  # type: ignore[no-untyped-def]
    """Run `work` over `inputs` on several threads released together; every output, by input."""
    start = threading.Barrier(threads)
    results: list[dict[int, object]] = [{} for _ in range(threads)]
    failures: list[BaseException] = []

    def run(slot: int) -> None:
        start.wait()
        try:
            for _ in range(rounds):
                for i in range(slot, len(inputs) + slot):  # each thread in its own order
                    results[slot][i % len(inputs)] = work(inputs[i % len(inputs)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    pool = [threading.Thread(target=run, args=(slot,)) for slot in range(threads)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns every few bytecodes: races show, if there are any
    try:
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    return results


def test_line_breaking_on_many_threads_matches_one_thread():
    inputs = [(q["quote"], q.get("lang", "")) for q in CORPUS] * 4
    alone = {i: linebreak.segments(text, lang) for i, (text, lang) in enumerate(inputs)}
    for results in at_once(lambda item: linebreak.segments(*item), inputs, threads=4, rounds=25):
        assert results == alone


def test_cards_rendered_on_many_threads_match_one_thread():
    layout = load_layout(find_layout("brand"))
    posts = [Post(source=ROOT / "x.md", slug=q["name"], quote=q["quote"], attribution=q["attribution"], citation="",
                  image=None, image_alt="", title="", description="", date=None, section="", lang=q.get("lang", ""))
             for q in CORPUS[:6]]

    def card(post: Post) -> bytes:
        return export.encode(render(plan_card(post, layout, PLATFORMS["og"]), None).image, 10**8).data

    alone = {i: card(post) for i, post in enumerate(posts)}
    for results in at_once(card, posts, threads=3, rounds=2):
        assert results == alone


def test_a_post_is_drawn_while_the_last_ones_cards_are_encoded_and_each_keeps_its_own_error(tmp_path, monkeypatch):
    from quotecards import cards
    from quotecards.cards import RenderOptions, render_posts

    posts = [ROOT / "samples/posts" / f"{name}.md" for name in ("council-budget", "market-day", "short-and-sharp")]
    next_post_drawn = threading.Event()
    overlapped: list[bool] = []
    real_write, real_draw = files.write_atomic, cards.draw_post

    def write(path, data, like=None):  # on an encoder thread
        if "market" in path.stem:
            # Held until the next post is being drawn: were posts not overlapped, this would wait in vain.
            overlapped.append(next_post_drawn.wait(timeout=30))
            raise OSError(28, "No space left on device")
        real_write(path, data, like)

    def draw(post, *args, **kwargs):
        if post.source.stem == "short-and-sharp":
            next_post_drawn.set()
        return real_draw(post, *args, **kwargs)

    monkeypatch.setattr(files, "write_atomic", write)
    monkeypatch.setattr(cards, "draw_post", draw)
    monkeypatch.setattr(cards.os, "cpu_count", lambda: 2)
    result = render_posts(posts, RenderOptions(out_dir=tmp_path))
    # The encoder's failure is the post's whose card it was, not the post drawn meanwhile.
    assert [e.post for e in result.errors] == [str(posts[1])], result.errors
    assert "No space left" in result.errors[0].error
    assert [c.post for c in result.cards] == [str(posts[0]), str(posts[2])]
    assert overlapped == [True]
