"""`quotecards check`: a built site's pages and their cards, as folders written here by hand with
real images, and as pages served by a real HTTP server on this machine."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from quotecards.cli import main
from quotecards.sites.check import CheckError, ProblemKind, check_site

SITE = "https://example.org/"
CARD = "assets/quotecards/og/a.png"


def image(path: Path, size: tuple[int, int] = (1200, 630), kind: str = "PNG", noise: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    picture = (Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise
               else Image.new("RGB", size, (20, 40, 90)))
    picture.save(path, kind)
    return path


def tags(url: str = SITE + CARD + "?v=0123456789", width: str = "1200", height: str = "630", mime: str = "image/png",
         alt: str = "A quote from the post", twitter: bool = True, page_url: str = SITE + "posts/a/") -> str:
    """The tags quotecards' own templates write, with the page's og:url."""
    head = (f'<meta property="og:url" content="{page_url}">\n<meta property="og:image" content="{url}">\n'
            f'<meta property="og:image:type" content="{mime}">\n<meta property="og:image:width" content="{width}">\n'
            f'<meta property="og:image:height" content="{height}">\n<meta property="og:image:alt" content="{alt}">\n')
    if twitter:
        head += (f'<meta name="twitter:card" content="summary_large_image">\n<meta name="twitter:image" content="{url}">\n'
                 f'<meta name="twitter:image:alt" content="{alt}">\n')
    return head


def page(path: Path, head: str, body: str = "<p>Text.</p>") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>A page</title>\n{head}"
                    f"</head>\n<body>{body}</body>\n</html>\n", "utf-8")
    return path


def output(tmp_path: Path, head: str | None = None) -> Path:
    """A built site with one post, posts/a/, and its card."""
    root = tmp_path / "public"
    image(root / CARD)
    page(root / "posts/a/index.html", tags() if head is None else head)
    return root


def check(*args: object) -> tuple[int, list[str]]:
    done = CliRunner().invoke(main, ["check", *map(str, args)])
    return done.exit_code, done.output.splitlines()


def kinds(root: Path, *more: str) -> list[str]:
    """The kinds of the problems found, from the report's lines, in order."""
    _code, lines = check(root, *more)
    return [line.split(": ")[1] for line in lines[:-1]]


def test_a_clean_site_passes_with_the_summary_line(tmp_path):
    root = output(tmp_path)
    code, lines = check(root)
    assert lines == ["checked 1 page: 1 with a card, 0 without, 0 that need none; 0 problems"]
    assert code == 0


def test_each_problem_is_one_line_naming_the_page_and_the_summary_counts_them(tmp_path):
    root = output(tmp_path)
    page(root / "about/index.html", "")
    code, lines = check(root)
    assert code == 1
    assert lines == ["about/index.html: no card: no og:image",
                     "checked 2 pages: 1 with a card, 1 without, 0 that need none; 1 problem"]


# A change to the post's head, or to its card, and the one problem it makes.
CASES = {
    "same og:image twice": (tags() + f'<meta property="og:image" content="{SITE}{CARD}?v=0123456789">\n', None,
                            ProblemKind.DUPLICATE_TAG, "og:image 2 times"),
    "theme's og:image and ours": (tags() + f'<meta property="og:image" content="{SITE}images/cover.jpg">\n', None,
                                  ProblemKind.CONFLICTING_TAGS, "og:image 2 times, with 2 values"),
    "two twitter:cards": (tags() + '<meta name="twitter:card" content="summary">\n', None,
                          ProblemKind.CONFLICTING_TAGS, "twitter:card 2 times"),
    "two widths": (tags() + '<meta property="og:image:width" content="1200">\n', None,
                   ProblemKind.DUPLICATE_TAG, "og:image:width 2 times"),
    "root-relative og:image (Eleventy without --base-url)": (tags(url="/" + CARD + "?v=1"), None,
                                                             ProblemKind.NOT_ABSOLUTE, "no http(s) URL with a host"),
    "no such file": (tags(url=SITE + "assets/quotecards/og/gone.png?v=1"), None,
                     ProblemKind.IMAGE_NOT_FOUND, "no file assets/quotecards/og/gone.png in the output"),
    "another site's image": (tags(url="https://cdn.example.net/a.png"), None,
                             ProblemKind.IMAGE_NOT_FOUND, "not under the site's address //example.org/"),
    "not an image": (tags(), lambda path: path.write_bytes(b"<html>Not found</html>"),
                     ProblemKind.IMAGE_UNREADABLE, "not an image"),
    "a truncated PNG": (tags(), lambda path: path.write_bytes(path.read_bytes()[:-30]),
                        ProblemKind.IMAGE_UNREADABLE, CARD),
    "declared height wrong": (tags(height="600"), None,
                              ProblemKind.SIZE_MISMATCH, "og:image:height '600'; the image is 1200×630"),
    "another canvas": (tags(width="1080", height="1080"), lambda path: image(path, (1080, 1080)),
                       ProblemKind.WRONG_SIZE, "the image is 1080×1080; og cards are 1200×630"),
    "a JPEG said to be a PNG": (tags(), lambda path: image(path, kind="JPEG"),
                                ProblemKind.TYPE_MISMATCH, "og:image:type 'image/png'; the image is image/jpeg"),
    "no og:image:alt": (tags().replace('<meta property="og:image:alt" content="A quote from the post">\n', ""), None,
                        ProblemKind.MISSING_ALT, "no og:image:alt"),
    "blank og:image:alt": (tags().replace('og:image:alt" content="A quote from the post"', 'og:image:alt" content=" "'),
                           None, ProblemKind.MISSING_ALT, "no og:image:alt"),
    "twitter:image without its alt": (tags().replace('<meta name="twitter:image:alt" content="A quote from the post">\n',
                                                     ""), None,
                                      ProblemKind.MISSING_ALT, "twitter:image without twitter:image:alt"),
    "a summary twitter:card": (tags().replace("summary_large_image", "summary"), None,
                               ProblemKind.SMALL_TWITTER_CARD, "twitter:card is 'summary'"),
    "no og:image at all": ('<meta name="twitter:image" content="https://example.org/x.png">\n', None,
                           ProblemKind.NO_CARD, "no og:image (only twitter:image)"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_kind_of_problem(tmp_path, case):
    head, change, kind, detail = CASES[case]
    root = output(tmp_path, head)
    if change:
        change(root / CARD)
    code, lines = check(root)
    assert code == 1
    assert lines[:-1] == [line for line in lines[:-1] if line.startswith("posts/a/index.html: ")]
    found = [line.split(": ", 2)[1:] for line in lines[:-1]]
    assert [problem_kind for problem_kind, _ in found] == [kind.value], lines
    assert detail in found[0][1]
    assert lines[-1].endswith("; 1 problem")


def test_the_library_gives_the_problems_as_types(tmp_path):
    root = output(tmp_path, tags(url="/" + CARD, height="600"))
    report = check_site([root])
    assert [(p.page, p.kind) for p in report.problems] == [("posts/a/index.html", ProblemKind.NOT_ABSOLUTE),
                                                          ("posts/a/index.html", ProblemKind.SIZE_MISMATCH)]
    assert (report.pages, report.with_card, report.without_card, report.ok) == (1, 1, 0, False)
    with pytest.raises(CheckError):
        check_site([tmp_path / "nothing-here"])


def test_the_platforms_canvas_and_byte_limit(tmp_path):
    root = output(tmp_path)
    assert kinds(root, "--platform", "x") == ["wrong size"]  # X's 1200×675 is not og's 1200×630
    image(root / CARD, (1200, 675))
    page(root / "posts/a/index.html", tags(height="675"))
    assert kinds(root, "--platform", "x") == []
    assert kinds(root) == ["wrong size"]
    image(root / CARD, noise=True)  # over 2 MB of noise: Bluesky takes 1,000,000 bytes
    page(root / "posts/a/index.html", tags())
    code, lines = check(root, "--platform", "bluesky")
    assert code == 1 and lines[0].startswith("posts/a/index.html: image too large: ")
    assert kinds(root) == []


def test_unquoted_attributes_name_instead_of_property_and_minified_html(tmp_path):
    root = tmp_path / "public"
    image(root / "og.jpg", kind="JPEG")
    # Tags as minifiers and some themes write them: no quotes, no <head> or <body> tags, name=.
    (root / "index.html").write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Home</title>"
        "<meta name=og:image content=https://example.org/og.jpg?v=1><meta property=og:image:type content=image/jpeg>"
        "<meta property=og:image:width content=1200><meta property=og:image:height content=630>"
        "<meta property=og:image:alt content='The home page'><meta name=twitter:card content=summary_large_image>"
        "<p>Welcome.</p>", "utf-8")
    assert check(root) == (0, ["checked 1 page: 1 with a card, 0 without, 0 that need none; 0 problems"])


def test_tags_in_the_body_are_not_the_pages_card(tmp_path):
    root = output(tmp_path, "")
    page(root / "posts/a/index.html", "", body=tags())
    assert kinds(root) == ["no card"]


def test_pages_that_need_no_card_and_files_that_are_no_pages_are_not_reported(tmp_path):
    root = output(tmp_path)
    # Hugo's alias page, a redirect without noindex, 404 pages, a page kept out of search engines.
    (root / "old").mkdir()
    (root / "old/index.html").write_text(
        '<!DOCTYPE html><html lang="en-us"><head><title>https://example.org/posts/a/</title>'
        '<link rel="canonical" href="https://example.org/posts/a/"><meta name="robots" content="noindex">'
        '<meta charset="utf-8"><meta http-equiv="refresh" content="0; url=https://example.org/posts/a/"></head></html>')
    page(root / "moved.html", '<meta http-equiv=Refresh content="0; url=/posts/a/">')
    page(root / "404.html", "")
    page(root / "fr/404/index.html", "")
    page(root / "drafts/x.html", '<meta name="robots" content="noindex, nofollow">')
    # A search engine's verification file, and a fragment some generator left in the output.
    (root / "google1234abcd.html").write_text("google-site-verification: google1234abcd.html\n")
    (root / "partials/nav.html").parent.mkdir()
    (root / "partials/nav.html").write_text('<nav><a href="/">Home</a></nav>\n')
    assert check(root) == (0, ["checked 6 pages: 1 with a card, 0 without, 5 that need none; 0 problems; "
                               "2 .html files are no pages"])


def test_the_sites_address_comes_from_the_pages_og_url_or_canonical_link_or_base_url(tmp_path):
    root = tmp_path / "site"
    image(root / CARD)
    docs = "https://example.org/docs/"
    # A site published below /docs/: the card's URL path is not its path in the output.
    page(root / "guide/index.html", tags(url=docs + CARD, page_url=docs + "guide/"))
    page(root / "index.html", tags(url=docs + CARD, page_url="").replace('<meta property="og:url" content="">\n', "")
         + f'<link rel="canonical" href="{docs}">')
    page(root / "faq.html", tags(url=docs + CARD, page_url=docs + "faq"))  # a URL without .html
    assert check(root)[0] == 0
    page(root / "faq.html", tags(url=docs + CARD, page_url="").replace('<meta property="og:url" content="">\n', ""))
    code, lines = check(root)  # nothing tells the address: the URL's path is taken from the output's root
    assert lines[0] == "faq.html: image not found: 'https://example.org/docs/assets/quotecards/og/a.png': no file " \
                       "docs/assets/quotecards/og/a.png in the output"
    assert check(root, "--base-url", "https://example.org/docs")[0] == 0
    code, lines = check(root, "--base-url", "https://example.org/")  # the flag wins over each page's og:url
    assert lines[-1].endswith("; 3 problems")


def test_pages_are_listed_in_order_and_each_input_named_when_there_are_several(tmp_path):
    first = output(tmp_path)
    for name in ("z.html", "b/index.html", "a.html"):
        page(first / name, "")
    second = tmp_path / "other"
    page(second / "index.html", "")
    code, lines = check(first, second)
    assert [line.split(": ")[0] for line in lines[:-1]] == [f"{first}/a.html", f"{first}/b/index.html",
                                                             f"{first}/z.html", f"{second}/index.html"]
    assert lines[-1] == "checked 5 pages: 1 with a card, 4 without, 0 that need none; 4 problems"


def test_usage_errors_exit_2_with_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.html").write_text("<!doctype html>")
    for args, message in [
        ([tmp_path / "missing"], f"error: {tmp_path / 'missing'}: SITE_OUTPUT: no such folder"),
        ([tmp_path / "file.html"], f"error: {tmp_path / 'file.html'}: SITE_OUTPUT: not a folder"),
        ([tmp_path / "empty"], f"error: {tmp_path / 'empty'}: SITE_OUTPUT: no .html files below it"),
        ([tmp_path / "empty", "--base-url", "example.org"], "error: --base-url: expected the site's address"),
    ]:
        done = CliRunner().invoke(main, ["check", *map(str, args)])
        assert done.exit_code == 2, done.output
        assert done.output.startswith(message) and done.output.count("\n") == 1, done.output


def test_a_url_not_on_this_machine_is_refused_before_anything_is_fetched(tmp_path):
    # A URL the standard library and the HTTP client would read two ways (the client connects to
    # the host before a backslash) is none of this machine's either.
    for url in ("http://example.invalid/", "https://private-net.invalid/", "http://127.0.0.1.example.invalid/",
                "http://example.invalid:80\\@127.0.0.1:1/index.html", "http://127.0.0.1:1@127.0.0.1:2/",
                "http://127.0.0.1 /"):
        done = CliRunner().invoke(main, ["check", url])
        assert done.exit_code == 2
        assert done.output == (f"error: {url}: SITE_OUTPUT: not on this machine: only URLs of 127.0.0.1, ::1 or "
                               "localhost are fetched (check the built folder instead)\n")
    # Refused even beside a folder that would pass: no page is read.
    done = CliRunner().invoke(main, ["check", str(output(tmp_path)), "http://example.invalid/"])
    assert done.exit_code == 2 and "checked" not in done.output


def test_what_is_no_url_or_no_file_is_one_line_not_a_traceback_or_a_hang(tmp_path):
    root = output(tmp_path)
    page(root / "odd/index.html", '<meta property="og:image" content="https://[oops/x.png">'
                                  '<meta property="og:url" content="http://[::1">')
    os.symlink("/dev/zero", root / "zero.html")  # read, it would never end
    (root / "huge.html").write_bytes(b"<html><head><meta content='" + b"x" * (6 * 1024 * 1024))
    code, lines = check(root)
    assert code == 1 and any(line.startswith("odd/index.html: image not found:") for line in lines), lines
    for args, words in ((["--base-url", "https://[::1/"], "--base-url: expected the site's address"),
                        ([], "SITE_OUTPUT: not a URL")):
        done = CliRunner().invoke(main, ["check", *args, "http://[::1" if not args else str(root)])
        assert done.exit_code == 2 and words in done.output and "Traceback" not in done.output, done.output


class _Quiet(SimpleHTTPRequestHandler):
    """The output folder's files, and /away, a redirect off this machine."""

    def do_GET(self) -> None:
        if self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "http://example.invalid/page/")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1, and its address."""
    root = tmp_path / "served"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_pages_served_on_this_machine_and_their_images(served):
    root, local = served
    image(root / CARD)
    # The built site as served: its pages name the public address, which maps to the local server.
    page(root / "posts/a/index.html", tags())
    page(root / "posts/b/index.html", tags(url=local + CARD + "?v=1", page_url=local + "posts/b/"))
    page(root / "posts/c/index.html", tags(url="/assets/gone.png", page_url=SITE + "posts/c/"))
    page(root / "posts/d/index.html", tags(url="https://cdn.example.net/a.png", page_url=""))
    urls = [local + "posts/a", local + "posts/b/", local + "posts/c/", local + "posts/d/"]  # posts/a redirects to posts/a/
    code, lines = check(*urls)
    assert lines == [
        f"{local}posts/c/: not absolute: og:image '/assets/gone.png' is no http(s) URL with a host; networks need a full URL "
        "(https://…)",
        f"{local}posts/c/: image not found: {local}assets/gone.png: HTTP 404",
        f"{local}posts/d/: image not found: 'https://cdn.example.net/a.png' is not on 127.0.0.1:{local.split(':')[2][:-1]}; "
        "give --base-url to look it up there",
        "checked 4 pages: 4 with a card, 0 without, 0 that need none; 3 problems",
    ]
    assert code == 1
    done = CliRunner().invoke(main, ["check", local + "posts/none/"])
    assert done.exit_code == 2 and done.output == f"error: {local}posts/none/: SITE_OUTPUT: HTTP 404\n"


def test_a_redirect_off_this_machine_is_not_followed(served):
    _root, local = served
    done = CliRunner().invoke(main, ["check", local + "away"])
    assert done.exit_code == 2
    assert done.output == (f"error: {local}away: SITE_OUTPUT: redirected to http://example.invalid/page/, "
                           "not on this machine; not followed\n")


def test_a_folder_named_twice_is_checked_once(tmp_path):
    root = output(tmp_path)
    once, twice = check(root), check(root, root)
    assert once == twice and once[0] == 0
