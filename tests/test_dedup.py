"""Shared passages, duplicate pairs and story groups: seed corpus and synthetic copies."""

from __future__ import annotations

import pandas as pd
import pytest

from kazframe.corpus import read_raw
from kazframe.dedup import (
    DUPLICATE_COLUMNS,
    PASSAGE_COLUMNS,
    find_duplicates,
    find_shared_passages,
    mark_duplicates,
    story_groups,
    unique_stories,
)
from kazframe.text import normalize


@pytest.fixture(scope="module")
def seed_passages(corpus) -> pd.DataFrame:
    return find_shared_passages(corpus)


def pair_rows(table: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    return table[(table["article_id_a"] == a) & (table["article_id_b"] == b)]


# --- seed corpus: Anadolu (D1) reworks Reuters (A3) ----------------------------------------

def test_d1_reuses_a3_passages(seed_passages):
    shared = pair_rows(seed_passages, "A3", "D1")
    victory = shared[shared["text_a"].str.contains("claimed victory")
                     & shared["text_b"].str.contains("declared victory")]
    assert len(victory) == 1
    assert "terrorist uprising" in victory["text_a"].iloc[0]
    assert "terrorist insurgency" in victory["text_b"].iloc[0]
    looters = shared[shared["text_a"].str.contains("terrorists, criminals, looters")
                     & shared["text_b"].str.contains("terrorists, criminals, looters")]
    assert len(looters) == 1
    # Hand check of the two articles: at least these reworded sentences are Reuters copy.
    for words in ("wave of unrest broke out", "paratroopers", "clearly shown"):
        assert shared["text_a"].str.contains(words).any()
    assert list(seed_passages.columns) == list(PASSAGE_COLUMNS)


def test_passage_offsets_map_to_text_and_raw(corpus, seed_passages):
    articles = corpus.set_index("article_id")
    assert len(seed_passages) > 0
    for side in ("a", "b"):
        for row in seed_passages.itertuples(index=False):
            aid = getattr(row, f"article_id_{side}")
            text = getattr(row, f"text_{side}")
            assert articles.at[aid, "text"][getattr(row, f"start_{side}") : getattr(row, f"end_{side}")] == text
            raw = read_raw(articles.at[aid, "source_file"])
            original = raw[getattr(row, f"raw_start_{side}") : getattr(row, f"raw_end_{side}")]
            # The raw slice is the original: equal up to normalisation (NBSP -> space ...).
            assert normalize(original)[0] == text


def test_passages_are_across_articles_and_ordered(corpus, seed_passages):
    order = {aid: i for i, aid in enumerate(corpus["article_id"])}
    assert (seed_passages["article_id_a"].map(order) < seed_passages["article_id_b"].map(order)).all()
    assert seed_passages["similarity"].between(0.5, 1.0).all()


def test_only_a3_d1_is_a_duplicate_pair(corpus, seed_passages):
    pairs = find_duplicates(corpus, passages=seed_passages)
    assert list(pairs.columns) == list(DUPLICATE_COLUMNS)
    assert list(zip(pairs["article_id_a"], pairs["article_id_b"], strict=True)) == [("A3", "D1")]
    row = pairs.iloc[0]
    assert not row["exact"]
    assert 0.3 <= row["share_a"] <= 1 and 0.3 <= row["share_b"] <= 1
    assert row["n_shared_passages"] >= 5


def test_unrelated_articles_share_nothing(corpus, seed_passages):
    # Ukrinform's A1 (Jan 9, day of mourning) and the Eurasianet report E1 (Jan 6-7) were
    # read side by side: no sentence of one rewrites the other.
    assert pair_rows(seed_passages, "A1", "E1").empty
    assert pair_rows(find_duplicates(corpus, passages=seed_passages, threshold=0.0), "A1", "E1").empty


def test_seed_story_groups_mark_but_keep(corpus):
    before = corpus.copy()
    marked = mark_duplicates(corpus)
    pd.testing.assert_frame_equal(corpus, before)
    assert len(marked) == len(corpus)
    by_id = marked.set_index("article_id")
    # A3 and D1 both start on 2022-01-10; the tie goes to the article_id order.
    assert by_id.at["D1", "story_id"] == "A3" and not by_id.at["D1", "is_representative"]
    assert by_id.at["A3", "n_placements"] == 2
    assert by_id.loc[["A1", "A2", "B1", "C1", "E1"], "n_placements"].eq(1).all()
    unique = unique_stories(corpus)
    assert "D1" not in set(unique["article_id"]) and len(unique) == len(corpus) - 1


# --- synthetic copies --------------------------------------------------------------------

WIRE = (
    "Protesters stormed the mayor's office in Almaty on Wednesday and set it on fire.\n\n"
    "The government resigned after fuel prices doubled at the start of the year.\n\n"
    "Security forces fired tear gas and stun grenades at crowds in the main square."
)
EDITED = (
    "Protesters stormed the mayor's office in Almaty on Wednesday and set the building on fire.\n\n"
    "The government resigned after fuel prices doubled at the start of the new year.\n\n"
    "Security forces fired tear gas and stun grenades at the crowds in the main square."
)
OTHER = (
    "The central bank kept its key interest rate unchanged at its quarterly meeting.\n\n"
    "Wheat exports rose sharply in the autumn thanks to a record harvest in the north.\n\n"
    "Analysts expect inflation to slow gradually over the next twelve months."
)


def synthetic_corpus(bodies: dict[str, tuple[str, str]]) -> pd.DataFrame:
    rows = [
        {"article_id": aid, "source_file": f"{aid}.txt", "date_start": pd.Timestamp(date), "language": "en",
         "title": "", "text": body, "title_offsets": [[0, 0]], "text_offsets": [[0, 0]]}
        for aid, (date, body) in bodies.items()
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_corpus({
        "S1": ("2022-01-06", WIRE),
        "S2": ("2022-01-05", "Reprint. " + WIRE.replace("\n\n", "\n\n", 1)),
        "S3": ("2022-01-07", EDITED),
        "S4": ("2022-01-06", OTHER),
    })


def test_synthetic_exact_edited_unrelated(synthetic):
    pairs = find_duplicates(synthetic).set_index(["article_id_a", "article_id_b"])
    assert set(pairs.index) == {("S1", "S2"), ("S1", "S3"), ("S2", "S3")}
    assert not pairs.at[("S1", "S2"), "exact"]  # "Reprint." makes the bodies differ
    assert pairs.at[("S1", "S3"), "n_shared_passages"] == 3
    assert pairs.loc[("S1", "S3"), "share_a"] == pytest.approx(1 - 4 / len(WIRE))  # two "\n\n"
    assert pairs.at[("S1", "S3"), "cosine"] > 0.8


def test_synthetic_exact_copy_and_offsets():
    corpus = synthetic_corpus({"S1": ("2022-01-06", WIRE), "S9": ("2022-01-08", WIRE.replace(".", " ."))})
    pairs = find_duplicates(corpus)
    assert pairs["exact"].tolist() == [True]
    assert pairs[["share_a", "share_b"]].iloc[0].tolist() == [1.0, 1.0]
    assert pairs["cosine"].iloc[0] == pytest.approx(1.0)
    passages = find_shared_passages(corpus)
    assert passages["similarity"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    # First sentence: 7 content tokens "protest storm mayor offic almati wednesday set"
    # ("fire" is on scikit-learn's stop list); shingle=5 gives 3, all shared by the copy.
    assert passages["shared_shingles"].iloc[0] == 3
    assert (passages["raw_start_a"] == passages["start_a"]).all()


def test_synthetic_story_groups_take_earliest(synthetic):
    story = story_groups(synthetic)
    assert story.to_dict() == {"S1": "S2", "S2": "S2", "S3": "S2", "S4": "S4"}
    unique = unique_stories(synthetic)
    assert unique["article_id"].tolist() == ["S2", "S4"]
    assert unique["n_placements"].tolist() == [3, 1]


def test_story_groups_min_share_switch(synthetic):
    pairs = find_duplicates(synthetic, threshold=0.0)
    assert story_groups(synthetic, pairs, min_share=1.01).tolist() == ["S1", "S2", "S3", "S4"]
