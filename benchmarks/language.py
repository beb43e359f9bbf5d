"""What deciding a post's language and breaking its lines by phrase cost.

    python benchmarks/language.py [--rounds N]

Two measurements, each against a baseline in the same run:
- one `quotecards render` process for a post whose language the post gives (`lang: en`) and for
  the same post without it (the Latin-script detector, lingua, loads its models), rounds
  interleaved: wall time and peak memory of the process;
- line-break segmentation of a headline in English (ICU alone, the baseline), Japanese and
  Chinese (ICU and BudouX) and Vietnamese (ICU and underthesea's word segmenter): the first call
  in a process (models loading) and then per call, on texts a card has not seen.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUOTE = "Four years of concrete, paperwork and patience took nine seconds to disappear behind us."
TEXTS = {
    "en": "The city will open every library at night because students, nurses and workers need a quiet room",
    "ja": "国民の皆さまが安心して暮らせる社会を目指し、図書館は来月から深夜まで開きます",
    "zh-Hans": "浏览器的性能优化是一项全球性的长期工作，每个团队都要参与",
    "vi": "Chúng tôi kiên quyết bảo vệ chủ quyền lãnh thổ của đất nước và sẽ không bao giờ lùi bước",
}


def one_process(post: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak MB of one render process."""
    code = ("import resource, sys, time; t = time.perf_counter(); from quotecards.cli import run; "
            f"sys.argv = ['quotecards', 'render', {str(post)!r}, '--out', {str(out)!r}]\n"
            "try:\n    run()\nexcept SystemExit:\n    pass\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, mb = done.stdout.split()[-2:]
    return float(seconds), float(mb)


def processes(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        given, detected = folder / "given.md", folder / "detected.md"
        given.write_text(f'---\ntitle: Launch\nlang: en\nfeatured_quote: "{QUOTE}"\n---\n')
        detected.write_text(f'---\ntitle: Launch\nfeatured_quote: "{QUOTE}"\n---\n')
        runs: dict[str, list[tuple[float, float]]] = {"lang given": [], "detected": []}
        for _ in range(rounds):
            runs["lang given"].append(one_process(given, folder / "a"))
            runs["detected"].append(one_process(detected, folder / "b"))
    base = statistics.median(s for s, _ in runs["lang given"])
    print("| post | median s | ratio | peak MB |\n|---|---:|---:|---:|")
    for name, values in runs.items():
        seconds = statistics.median(s for s, _ in values)
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f} | {max(mb for _, mb in values):.0f} |")


def segmentation(rounds: int) -> None:
    from quotecards.text import linebreak

    print("\n| text | first call ms | per call ms | ratio to en |\n|---|---:|---:|---:|")
    steady: dict[str, float] = {}
    for lang, text in TEXTS.items():
        locale = linebreak.locale_for(text, lang)
        start = time.perf_counter()
        linebreak.segments(text, locale)
        first = time.perf_counter() - start
        times = []
        for i in range(rounds * 20):
            fresh = f"{text} {i}"  # a text not seen: no memo helps
            start = time.perf_counter()
            linebreak.segments(fresh, locale)
            times.append(time.perf_counter() - start)
        steady[lang] = statistics.median(times)
        print(f"| {lang} | {first * 1000:.1f} | {steady[lang] * 1000:.3f} | {steady[lang] / steady['en']:.1f} |")
    print(f"\npeak MB of this process after loading every model: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    processes(rounds)
    segmentation(rounds)


if __name__ == "__main__":
    main()
