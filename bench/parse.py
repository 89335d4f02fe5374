"""Parser throughput: a ≥10 MB corpus made by repeating and varying the seeds, parsed document by document.

Varies each copy: renumbered tasks, unit-list styles swapped (trailing parentheses / 牵头单位: lines), some
copies converted to traditional characters. Prints MB/s on one core and peak memory (tracemalloc) beside the
peer a team would otherwise use: none exists for Chinese policy task-splitting, so the reference is the cost of the
unavoidable first step every pipeline has, OpenCC conversion of the same text (ratio = our full parse / OpenCC).

    uv run python bench/parse.py [--mb 10]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rencai.policies.parser import parse_document  # noqa: E402
from rencai.policies.parser.cleaning import _t2s  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"


def variants(rng: random.Random):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    s2t = None
    while True:
        text = rng.choice(texts)
        if rng.random() < 0.3:  # explicit marker style instead of trailing parentheses
            text = re.sub(r"\(([^()]{2,12}?)、([^()]+)\)\n", r"\n牵头单位:\1\n责任单位:\2\n", text)
        offset = rng.randint(0, 5)
        text = re.sub(r"^(\d{1,2})\.", lambda m: f"{int(m.group(1)) + offset}.", text, flags=re.M)
        if rng.random() < 0.2:
            if s2t is None:
                from opencc import OpenCC

                s2t = OpenCC("s2t")
            text = s2t.convert(text)
        yield text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10)
    args = parser.parse_args()
    rng = random.Random(42)
    corpus, size = [], 0
    for text in variants(rng):
        corpus.append(text)
        size += len(text.encode("utf-8"))
        if size >= args.mb * 1024 * 1024:
            break
    mb = size / 1048576
    start = time.perf_counter()
    tasks = 0
    for text in corpus:
        tasks += len(parse_document(text)["tasks"])
    elapsed = time.perf_counter() - start
    tracemalloc.start()  # a separate pass: tracing slows Python down several times
    for text in corpus[:50]:
        parse_document(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    start = time.perf_counter()
    for text in corpus:
        _t2s().convert(text)
    opencc = time.perf_counter() - start
    print(f"corpus: {len(corpus)} documents, {mb:.1f} MB (UTF-8), {tasks} tasks found")
    print(f"full parse: {elapsed:.1f} s = {mb / elapsed:.2f} MB/s on one core; peak traced memory while parsing {peak / 1048576:.1f} MB")
    print(f"OpenCC t2s alone on the same text: {opencc:.1f} s = {mb / opencc:.2f} MB/s (parse costs {elapsed / opencc:.2f}x the conversion)")


if __name__ == "__main__":
    main()
