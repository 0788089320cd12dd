"""Same inputs, same outputs: across processes and hash seeds, and whatever the input order."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pandas as pd
from conftest import ROOT

from kazframe.label import label
from kazframe.voices import quotes

SCRIPT = """
import hashlib, sys
import kazframe
from kazframe.compare import rates
corpus = kazframe.load_corpus()
matches = kazframe.label(corpus)
tables = [matches, kazframe.quotes(corpus), kazframe.claims(corpus), kazframe.event_dates(corpus),
          rates(corpus, matches, n_boot=200), kazframe.keyness(corpus, a="kz_state", b="western")]
digest = hashlib.sha256()
for t in tables:
    digest.update(t.to_csv(index=False, lineterminator="\\n").encode("utf-8"))
print(digest.hexdigest())
"""


def _digest(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip().splitlines()[-1]


def test_tables_are_byte_identical_across_processes_and_hash_seeds():
    first, second = _digest("1"), _digest("4242")
    assert len(first) == 64 and first == second


def test_permuting_the_input_order_changes_no_result(corpus):
    shuffled = corpus.sample(frac=1.0, random_state=7).reset_index(drop=True)
    for fn in (label, quotes):
        a = fn(corpus).sort_values(["article_id", "start", "end"]).reset_index(drop=True)
        b = fn(shuffled).sort_values(["article_id", "start", "end"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)


def test_labeling_is_idempotent(corpus):
    once = label(corpus)
    twice = label(corpus)
    assert hashlib.sha256(once.to_csv().encode()).digest() == hashlib.sha256(twice.to_csv().encode()).digest()
