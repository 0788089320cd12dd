"""Comparisons between blocs: rates, permutation tests, keyness, classifier, similarity map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kazframe.compare import (
    classify_blocs,
    compare_groups,
    keyness,
    keyness_one_vs_rest,
    rate_table,
    rates,
    select_placements,
    similarity_map,
)
from kazframe.label import label


@pytest.fixture(scope="module")
def matches(corpus):
    return label(corpus)


def test_rates_of_the_three_voices_add_up_to_all_voices(corpus, matches):
    def point(voice):
        return rates(corpus, matches, voice=voice, n_boot=50).set_index(["bloc", "category"])["per_1k_words"]

    total = point("own") + point("quoted") + point("reported")
    assert np.allclose(total.sort_index(), point(None).sort_index())


def test_rates_hand_counted_for_one_bloc(corpus, matches):
    table = rates(corpus, matches, n_boot=200).set_index(["bloc", "category"])
    west = corpus[corpus["bloc"] == "western"]
    words = west["n_words"].sum()
    n_terror = ((matches["category"] == "terror_label") & matches["article_id"].isin(west["article_id"])).sum()
    row = table.loc[("western", "terror_label")]
    assert row["n_words"] == words and row["n_mentions"] == n_terror
    assert row["per_1k_words"] == pytest.approx(1000 * n_terror / words)
    assert row["per_1k_low"] <= row["per_1k_words"] <= row["per_1k_high"]
    # the "other" bloc has one article: its interval collapses and is flagged
    assert table.loc[("other", "terror_label"), "ci_degenerate"]


def test_rates_are_reproducible(corpus, matches):
    pd.testing.assert_frame_equal(rates(corpus, matches, n_boot=300), rates(corpus, matches, n_boot=300))


def test_permutation_test_is_exact_for_the_seed_blocs(corpus, matches):
    table = compare_groups(corpus, matches, a="kz_state", b="western")
    # 2 kz_state and 4 western articles: C(6, 2) = 15 label assignments, all enumerated
    assert (table["exact"]).all() and (table["n_perm"] == 15).all()
    assert (table["p_value"] >= 1 / 15).all() and (table["p_value"] <= 1).all()


def test_keyness_z_can_be_rederived_from_the_table(corpus):
    table = keyness(corpus, a="kz_state", b="western")
    assert list(table.columns[:7]) == ["term", "count_a", "count_b", "prior", "log_odds", "variance", "z"]
    assert np.allclose(table["z"], table["log_odds"] / np.sqrt(table["variance"]))
    # variance = 1/(y_a + alpha) + 1/(y_b + alpha)
    assert np.allclose(table["variance"], 1 / (table["count_a"] + table["prior"]) + 1 / (table["count_b"] + table["prior"]))


def test_keyness_multiword_entries_are_single_tokens(corpus):
    terms = set(keyness(corpus, a="western", b="kz_state")["term"])
    assert "<terrorist_attack>" in terms or "<coup>" in terms
    assert "d'etat" not in terms  # part of the <coup> token


def test_entry_keyness_counts_are_the_matches(corpus, matches):
    table = keyness(corpus, a="kz_state", b="western", unit="entry", matches=matches).set_index("term")
    kz = matches["article_id"].isin(corpus.loc[corpus["bloc"] == "kz_state", "article_id"])
    assert table.loc["terrorist", "count_a"] == ((matches["entry"] == "terrorist") & kz).sum()


def test_own_voice_keyness_drops_quoted_words(corpus, matches):
    own = keyness(corpus, a="kz_state", b="western", unit="entry", matches=matches, voice="own").set_index("term")
    kz_ids = corpus.loc[corpus["bloc"] == "kz_state", "article_id"]
    expected = ((matches["entry"] == "terrorist") & matches["article_id"].isin(kz_ids) & (matches["voice"] == "own")).sum()
    assert own.loc["terrorist", "count_a"] == expected


def test_keyness_one_vs_rest_and_errors(corpus, matches):
    assert set(keyness_one_vs_rest(corpus, matches)["group"]) == set(corpus["bloc"])
    with pytest.raises(ValueError, match="'russian' not found"):
        keyness(corpus, a="russian", b="western")
    with pytest.raises(ValueError, match="unit"):
        keyness(corpus, a="western", unit="sentence")


def test_unique_placements_drop_the_reprint_and_keep_the_corpus(corpus, matches):
    kept, kept_matches = select_placements(corpus, matches, placements="unique")
    assert "D1" not in set(kept["article_id"]) and len(kept) == len(corpus) - 1
    assert set(kept_matches["article_id"]) <= set(kept["article_id"])
    assert len(corpus) == 7  # nothing deleted from the caller's table
    assert (rates(corpus, matches, placements="unique", n_boot=20)["placements"] == "unique").all()


def test_rate_table_has_every_outlet_and_category(corpus, matches):
    table = rate_table(corpus, matches)
    assert len(table) == corpus["outlet"].nunique() * matches["category"].nunique()
    assert table["n_mentions"].sum() == len(matches)


def test_classifier_reports_against_the_majority_baseline(corpus, matches):
    scores, features = classify_blocs(corpus, matches)
    assert list(scores["model"]) == ["logistic regression", "majority baseline"]
    assert (scores["n_articles"] == 7).all()
    # majority baseline under leave-one-out: western (4 of 7) is predicted for every held-out article,
    # except that holding out a western article leaves 3 western vs 2 kz_state vs 1 other -> still western
    assert scores.set_index("model").loc["majority baseline", "n_correct"] == 4
    assert set(features["bloc"]) == set(corpus["bloc"])


def test_similarity_map_is_deterministic(corpus):
    a, b = similarity_map(corpus), similarity_map(corpus)
    pd.testing.assert_frame_equal(a, b)
    assert list(a["article_id"]) == list(corpus["article_id"])
