"""Generate a synthetic corpus (JSON Lines) by resampling the seed corpus's sentences.

Every article is built from sentences of the shipped seed corpus (:func:`kazframe.load_corpus`),
drawn with a seeded random generator: a headline (one short sentence), then paragraphs of one
to four sentences until the article has a target length drawn uniformly from 600-730 words.
Outlets, blocs and dates are drawn from the seed articles. The output has the columns the
default ingest preset reads (``id, outlet, date, title, text, language``), one article a line.

Usage::

    python benchmarks/generate.py --n 10000 --out out/bench/corpus_10k.jsonl [--seed 2022]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import kazframe
from kazframe.text import WORD_RE, sentence_spans

__all__ = ["seed_sentences", "generate"]

MIN_WORDS, MAX_WORDS = 600, 730


def seed_sentences() -> tuple[list[str], np.ndarray, list[dict]]:
    """Sentences of the seed corpus bodies, their word counts, and the seed articles' metadata."""
    corpus = kazframe.load_corpus()
    sentences: list[str] = []
    for text in corpus["text"]:
        sentences.extend(text[a:b] for a, b in sentence_spans(text))
    n_words = np.array([len(WORD_RE.findall(s)) for s in sentences])
    meta = corpus[["outlet", "date", "language"]].to_dict("records")
    return sentences, n_words, meta


def generate(n: int, out: Path, *, seed: int = 2022) -> dict:
    """Write ``n`` synthetic articles to ``out`` (JSONL); return size statistics."""
    rng = np.random.default_rng(seed)
    sentences, n_words, meta = seed_sentences()
    keep = n_words > 0
    sentences = [s for s, k in zip(sentences, keep, strict=True) if k]
    n_words = n_words[keep]
    short = np.flatnonzero((n_words >= 5) & (n_words <= 20))
    out.parent.mkdir(parents=True, exist_ok=True)
    total_words = 0
    with out.open("w", encoding="utf-8") as handle:
        for i in range(n):
            target = int(rng.integers(MIN_WORDS, MAX_WORDS + 1))
            words = 0
            paragraphs: list[str] = []
            while words < target:
                k = int(rng.integers(1, 5))
                idx = rng.integers(0, len(sentences), size=k)
                paragraphs.append(" ".join(sentences[j] for j in idx))
                words += int(n_words[idx].sum())
            title = sentences[int(rng.choice(short))]
            m = meta[int(rng.integers(0, len(meta)))]
            record = {"id": f"S{i:07d}", "outlet": m["outlet"], "date": m["date"], "title": title,
                      "text": "\n\n".join(paragraphs), "language": m["language"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            total_words += words
    return {"n_articles": n, "bytes": out.stat().st_size, "words": total_words}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl file")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args(argv)
    stats = generate(args.n, args.out, seed=args.seed)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
