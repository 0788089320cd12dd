"""Benchmark kazframe's ingest, matching, labelling and vectorizing against baselines.

Usage::

    python benchmarks/run.py [--n 10000 100000] [--processes 2] [--chunksize 500] [--workdir out/bench]
                             [--stages ...] [--repeat 3] [--profile]

Generates (or reuses) a synthetic corpus of ``--n`` articles (``benchmarks/generate.py``), then
runs every stage in its own subprocess, so each stage's peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is its own, and prints a Markdown table:
articles/s, MB/s (UTF-8 bytes of title + text), peak RSS, and ratios to the baselines.
Baselines run in the same invocation; slow ones run on a subsample and their rate is
extrapolated (marked ``sub``). ``--profile`` prints the cProfile top functions of the label
stage (on a 500-article slice).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import platform
import pstats
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

STAGES = ("ingest", "clean", "match", "label", "label_terms", "vectorize",
          "naive_regex", "countvectorizer", "scan_limit", "match_fold", "scan_copy", "automaton")
#: Short one-core stages, run ``--repeat`` times (the shared VM varies by about +-30%).
REPEATED = ("clean", "match", "match_fold", "scan_copy", "automaton", "scan_limit")
SUBSAMPLE = {"naive_regex": 100, "countvectorizer": 5000, "vectorize": 10000}


def _texts(corpus: Path, limit: int | None = None):
    with corpus.open(encoding="utf-8") as fh:
        for line in itertools.islice(fh, limit):
            rec = json.loads(line)
            yield rec["title"], rec["text"]


def _parquet_rows(path: Path) -> int:
    """Number of rows of a Parquet file (from its metadata)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def _size(title: str, text: str) -> int:
    return len(title.encode("utf-8")) + len(text.encode("utf-8"))


def _ingest(corpus: Path, out: Path, chunksize: int) -> None:
    """``kazframe ingest CORPUS --out OUT``: the article table ``OUT/corpus.parquet`` and its report."""
    import contextlib

    from kazframe.cli import main as cli

    with contextlib.redirect_stdout(io.StringIO()):
        code = cli(["ingest", str(corpus), "--out", str(out), "--chunksize", str(chunksize)])
    if code != 0:
        raise RuntimeError(f"kazframe ingest {corpus} failed with exit code {code}")


def stage(name: str, corpus: Path, processes: int, workdir: Path, chunksize: int = 500) -> dict:
    """Run one stage; return articles, bytes and seconds (subsample counts for baselines)."""
    from kazframe.ingest import _clean_body, _clean_title
    from kazframe.lexicon import load_lexicon

    limit = SUBSAMPLE.get(name)
    n = nbytes = 0
    ingested = workdir / f"ingested_{corpus.stem}"
    if name == "ingest":
        t0 = time.perf_counter()
        _ingest(corpus, ingested, chunksize)
        seconds = time.perf_counter() - t0
        n = _parquet_rows(ingested / "corpus.parquet")
        return {"articles": n, "bytes": corpus.stat().st_size, "seconds": seconds}  # the file size read
    if name in ("label", "label_terms"):
        from kazframe.stream import label_stream

        if not (ingested / "corpus.parquet").exists():  # not timed, in its own process (RSS)
            subprocess.run([sys.executable, __file__, "--stage", "ingest", "--corpus", str(corpus),
                            "--processes", str(processes), "--workdir", str(workdir),
                            "--chunksize", str(chunksize)], capture_output=True, check=True)
        t0 = time.perf_counter()
        summary = label_stream(ingested / "corpus.parquet", workdir / f"{name}.parquet", processes=processes,
                               chunksize=chunksize, progress=False, voice=name == "label")
        seconds = time.perf_counter() - t0
        nbytes = sum(_size(a, b) for a, b in _texts(corpus))
        return {"articles": summary.n_articles, "bytes": nbytes, "seconds": seconds,
                "matches": summary.n_matches}
    texts = list(_texts(corpus, limit)) if name in ("vectorize", "countvectorizer", "naive_regex") else None
    lexicon = load_lexicon()
    en_patterns = lexicon.expanded_terms().merge(lexicon.entries[["entry", "language"]], on="entry")
    en_patterns = en_patterns[en_patterns["language"] == "en"]
    if name == "vectorize":
        from kazframe.vectorize import make_term_vectorizer

        docs = [f"{a}\n\n{b}" for a, b in texts]
        t0 = time.perf_counter()
        make_term_vectorizer(lexicon).fit_transform(docs)
        seconds = time.perf_counter() - t0
        return {"articles": len(docs), "bytes": sum(_size(a, b) for a, b in texts), "seconds": seconds}
    if name == "countvectorizer":
        from sklearn.feature_extraction.text import CountVectorizer

        vocab = sorted(set(en_patterns["pattern"]))
        docs = [f"{a}\n\n{b}" for a, b in texts]
        t0 = time.perf_counter()
        CountVectorizer(vocabulary=vocab, ngram_range=(1, 3)).fit_transform(docs)
        seconds = time.perf_counter() - t0
        return {"articles": len(docs), "bytes": sum(_size(a, b) for a, b in texts), "seconds": seconds}
    if name == "naive_regex":
        pats = [re.compile(r"(?<!\w)" + re.escape(p).replace(r"\ ", r"\s+") + (r"\w*" if s else r"(?!\w)"),
                           re.IGNORECASE)
                for p, s in zip(en_patterns["pattern"], en_patterns["stem"], strict=True)]
        t0 = time.perf_counter()
        hits = 0
        for a, b in texts:
            for p in pats:
                hits += sum(1 for _ in p.finditer(a)) + sum(1 for _ in p.finditer(b))
        seconds = time.perf_counter() - t0
        return {"articles": len(texts), "bytes": sum(_size(a, b) for a, b in texts), "seconds": seconds}
    # streaming stages over the whole corpus, reading excluded from the timing
    seconds = 0.0
    if name == "scan_limit":
        one = re.compile("terror")
    if name in ("match", "match_fold", "scan_copy", "automaton"):
        # one-time setup outside the timing: the automaton and the fold table
        lexicon.find_text("Warm-up \u00e9", "en")
        from kazframe.lexicon import _scan_copy_text
        from kazframe.text import fold

        automaton = lexicon._matcher_for("en").automaton
    for a, b in _texts(corpus):
        n += 1
        nbytes += _size(a, b)
        if name == "automaton":  # the copies it scans are made outside the timing
            scans = (_scan_copy_text(a)[0], _scan_copy_text(b)[0])
        t0 = time.perf_counter()
        if name == "clean":  # what ingest does to a record's title and body: normalise, strip, offset maps
            _clean_title(a, 0, len(a))
            _clean_body(b, [(0, len(b))])
        elif name == "match":
            lexicon.find_text(a, "en")
            lexicon.find_text(b, "en")
        elif name == "scan_limit":
            sum(1 for _ in one.finditer(a.lower()))
            sum(1 for _ in one.finditer(b.lower()))
        elif name == "match_fold":  # the two-pass path find_text replaces (same matches)
            lexicon.find(fold(a), "en")
            lexicon.find(fold(b), "en")
        elif name == "scan_copy":  # part of match: folding + the matcher's copy of the text
            _scan_copy_text(a)
            _scan_copy_text(b)
        elif name == "automaton":  # part of match: pyahocorasick's scan of that copy, hits counted
            sum(1 for s in scans for _ in automaton.iter(s))
        seconds += time.perf_counter() - t0
    return {"articles": n, "bytes": nbytes, "seconds": seconds}


def profile_label(corpus: Path, n: int = 500, top: int = 25) -> str:
    """cProfile of label() on the first ``n`` articles: the top functions by cumulative time."""
    import kazframe
    from kazframe.label import label
    from kazframe.quotes import SpeakerRegistry

    lines = list(itertools.islice(corpus.open(encoding="utf-8"), n))
    sub = corpus.with_name(f"profile_{n}.jsonl")
    sub.write_text("".join(lines), encoding="utf-8")
    frame, _ = kazframe.read_corpus(sub)
    lexicon, speakers = kazframe.load_lexicon(), SpeakerRegistry.load()
    lexicon.find("")
    prof = cProfile.Profile()
    prof.enable()
    label(frame, lexicon, speakers=speakers)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def machine() -> dict:
    """nproc, CPU model, RAM, Python and package versions."""
    import os
    from importlib.metadata import version

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), "?")
    pkgs = {p: version(p) for p in ("pandas", "numpy", "pyarrow", "pyahocorasick", "nltk", "scikit-learn")}
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "python": platform.python_version(), **pkgs}


def main(argv: list[str] | None = None) -> int:
    """Entry point: run every stage in a subprocess and print the results table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000],
                        help="corpus sizes, run one after the other (default: 10000 100000)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--chunksize", type=int, default=500, help="articles per chunk (ingest, label)")
    parser.add_argument("--workdir", type=Path, default=HERE.parent / "out" / "bench")
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=STAGES)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each short one-core stage")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:  # child: one stage, JSON on stdout
        result = stage(args.stage, args.corpus, args.processes, args.workdir, args.chunksize)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["children_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(result))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(json.dumps(machine()))
    corpus = None
    for n in args.n:
        corpus = run_size(n, args)
    if args.profile and corpus is not None:
        print(profile_label(corpus))
    return 0


def run_size(n: int, args: argparse.Namespace) -> Path:
    """Every selected stage on a corpus of ``n`` articles; print the results table."""
    corpus = args.workdir / f"corpus_{n}.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--n", str(n), "--out", str(corpus)],
                       check=True)
    results = {}
    for name in args.stages:
        runs = []
        for _ in range(args.repeat if name in REPEATED else 1):
            done = subprocess.run([sys.executable, __file__, "--stage", name, "--corpus", str(corpus),
                                   "--processes", str(args.processes), "--workdir", str(args.workdir),
                                   "--chunksize", str(args.chunksize)],
                                  capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = sorted(runs, key=lambda x: x["seconds"])[len(runs) // 2]  # the median run
        r["articles_s"] = r["articles"] / r["seconds"]
        r["mb_s"] = r["bytes"] / 1e6 / r["seconds"]
        r["mb_s_runs"] = sorted(round(x["bytes"] / 1e6 / x["seconds"], 2) for x in runs)
        r["s_per_full"] = n / r["articles_s"]
        results[name] = r
        print(json.dumps({name: r}), flush=True)
    print(f"\nN = {n} articles, {corpus.stat().st_size / 1e6:.0f} MB JSONL; label with "
          f"processes={args.processes}, chunksize={args.chunksize}; one-core stages run {args.repeat} times "
          f"(median shown, every run's MB/s in the last column)\n")
    print("| stage | articles | wall s (measured) | articles/s | MB/s | est. s for all N "
          "| peak RSS MB (parent / workers) | MB/s of each run |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        sub = " (sub)" if r["articles"] < n else ""
        each = ", ".join(f"{v:.1f}" for v in r["mb_s_runs"])
        print(f"| {name} | {r['articles']}{sub} | {r['seconds']:.1f} | {r['articles_s']:.0f} | {r['mb_s']:.2f} | "
              f"{r['s_per_full']:.0f} | {r['peak_rss_mb']:.0f} / {r['children_peak_rss_mb']:.0f} | {each} |")
    if "match" in results:
        for base in ("naive_regex", "countvectorizer", "scan_limit", "match_fold"):
            if base in results:
                print(f"\nmatch / {base}: {results['match']['mb_s'] / results[base]['mb_s']:.1f}x", end="")
        print()
    if "label" in results and "label_terms" in results:
        print(f"label_terms / label (speed without / with the voice model): "
              f"{results['label_terms']['articles_s'] / results['label']['articles_s']:.1f}x")
    return corpus


if __name__ == "__main__":
    raise SystemExit(main())
