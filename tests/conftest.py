"""Shared fixtures: the seed corpus (loaded once) and the ../shared material when present."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is optional)")
    return path


def gold_article_table() -> pd.DataFrame:
    """The article table of ../shared/gold/README.md, one row per article."""
    text = shared_path("gold", "README.md").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 8 and re.fullmatch(r"[A-Z]\d", cells[0]):
            first, last = (int(x) for x in cells[6].split("-"))
            rows.append(
                {
                    "article_id": cells[0],
                    "source_file": cells[1],
                    "outlet": cells[2],
                    "bloc": cells[3],
                    "date": cells[4].split()[0],
                    "title_line": int(cells[5]),
                    "body_first": first,
                    "body_last": last,
                    "notes": cells[7],
                }
            )
    return pd.DataFrame(rows)


def gold_voice() -> pd.DataFrame:
    """The hand-coded rows of ../shared/gold/voice_*.csv, concatenated."""
    files = sorted(shared_path("gold").glob("voice_*.csv"))
    return pd.concat([pd.read_csv(f, keep_default_na=False) for f in files], ignore_index=True)


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    from kazframe.corpus import load_corpus

    return load_corpus()
