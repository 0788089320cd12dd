"""The benchmark script runs end to end on a tiny corpus (no timing is asserted: speed claims
live in benchmarks/README.md, measured by ``make bench``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"


def test_generator_is_seeded_and_sized(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import MAX_WORDS, MIN_WORDS, generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    stats = generate(12, a, seed=1)
    generate(12, b, seed=1)
    generate(12, c, seed=2)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    records = [json.loads(line) for line in a.read_text(encoding="utf-8").splitlines()]
    assert len(records) == stats["n_articles"] == 12
    assert MIN_WORDS * 12 <= stats["words"] <= (MAX_WORDS + 400) * 12  # the last paragraph may overshoot
    assert {"id", "outlet", "date", "title", "text", "language"} <= set(records[0])


def test_run_reports_every_stage_and_writes_the_stream_outputs(tmp_path):
    stages = ["ingest", "match", "label", "label_terms", "scan_limit"]
    done = subprocess.run(
        [sys.executable, str(RUN), "--n", "24", "--workdir", str(tmp_path), "--chunksize", "10", "--repeat", "2",
         "--stages", *stages],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=600,
    )
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [r.split(" | ")[0][2:] for r in rows[1:]] == stages  # a header, then one row per stage
    results = {k: v for line in done.stdout.splitlines() if line.startswith('{"')
               for k, v in json.loads(line).items()}
    assert all(results[s]["articles"] == 24 for s in stages)
    assert "match / scan_limit" in done.stdout and "label_terms / label" in done.stdout
    each_run = {r.split(" | ")[0][2:]: r.rstrip(" |").split(" | ")[-1].split(", ") for r in rows[1:]}
    assert len(each_run["match"]) == 2 and len(each_run["label"]) == 1  # one-core stages repeated
    # label and label_terms find the same terms; only the full label has voices
    full = pd.read_parquet(tmp_path / "label.parquet")
    terms = pd.read_parquet(tmp_path / "label_terms.parquet")
    assert results["label"]["matches"] == results["label_terms"]["matches"] == len(full) == len(terms) > 0
    assert full[["article_id", "start", "end", "entry"]].equals(terms[["article_id", "start", "end", "entry"]])
    assert full["voice"].notna().all() and terms["voice"].isna().all()
    assert pd.read_parquet(tmp_path / "ingested_corpus_24" / "corpus.parquet")["article_id"].nunique() == 24
