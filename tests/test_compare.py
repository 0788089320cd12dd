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


def test_unique_placements_take_out_the_reused_passages_and_keep_the_corpus(corpus, matches):
    from kazframe.dedup import find_shared_passages

    kept, kept_matches = select_placements(corpus, matches, placements="unique")
    # D1 reuses about a third of Reuters' A3: not a reprint, so it stays, minus the shared passages
    assert list(kept["article_id"]) == list(corpus["article_id"])
    d1 = kept.set_index("article_id").loc["D1"]
    assert d1["n_words_removed"] > 0
    assert d1["n_words"] == corpus.set_index("article_id").loc["D1", "n_words"] - d1["n_words_removed"]
    passages = find_shared_passages(corpus)
    # only the passages D1 shares with A3 (reuse); a sentence shared with A2 is a quotation both carry
    spans = [(r.start_b, r.end_b) for r in passages.itertuples() if (r.article_id_a, r.article_id_b) == ("A3", "D1")]
    d1_all = matches[(matches["article_id"] == "D1") & (matches["field"] == "body")]
    inside = d1_all[[any(a <= t < b for a, b in spans) for t in d1_all["text_start"]]]
    assert len(inside) > 0
    d1_kept = kept_matches[kept_matches["article_id"] == "D1"]
    assert len(d1_kept) == (matches["article_id"] == "D1").sum() - len(inside)
    # A3, the earlier placement, keeps everything
    assert (kept_matches["article_id"] == "A3").sum() == (matches["article_id"] == "A3").sum()
    assert len(corpus) == 7 and "n_words_removed" not in corpus.columns  # caller's table untouched
    assert (rates(corpus, matches, placements="unique", n_boot=20)["placements"] == "unique").all()


def test_an_exact_reprint_is_left_out_of_unique_placements(corpus, matches):
    reprint = corpus[corpus["article_id"] == "A3"].assign(article_id="A3-copy", outlet="Reprinter",
                                                         date_start=pd.Timestamp("2022-01-12"))
    doubled = pd.concat([corpus, reprint], ignore_index=True)
    doubled_matches = pd.concat([matches, matches[matches["article_id"] == "A3"].assign(article_id="A3-copy")])
    kept, kept_matches = select_placements(doubled, doubled_matches, placements="unique")
    assert "A3-copy" not in set(kept["article_id"]) and "A3-copy" not in set(kept_matches["article_id"])


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
