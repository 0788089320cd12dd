"""Collocates of a label: hand-computed PMI and log-likelihood, windows, groups."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kazframe.collocations import COLLOCATE_COLUMNS, article_tokens, collocates


def make_corpus(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """``(article_id, bloc, title, text)`` rows as a minimal article table."""
    return pd.DataFrame(rows, columns=["article_id", "bloc", "title", "text"])


def make_matches(corpus: pd.DataFrame, terms: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Hand-built matches table: every occurrence of each surface term, with its entry/category."""
    rows = []
    for article in corpus.itertuples(index=False):
        for field, text in (("title", article.title), ("body", article.text)):
            for surface, (entry, category) in terms.items():
                start = text.find(surface)
                while start >= 0:
                    rows.append({"article_id": article.article_id, "field": field, "text_start": start,
                                 "text_end": start + len(surface), "entry": entry, "category": category,
                                 "concept": entry, "voice": "own"})
                    start = text.find(surface, start + 1)
    return pd.DataFrame(rows)


def g2(o11: float, n_target: int, n_collocate: int, n: int) -> float:
    """Dunning's log-likelihood ratio from the 2x2 table, written out cell by cell."""
    observed = [o11, n_target - o11, n_collocate - o11, n - n_target - n_collocate + o11]
    rows = [n_target, n_target, n - n_target, n - n_target]
    cols = [n_collocate, n - n_collocate, n_collocate, n - n_collocate]
    return 2 * sum(o * math.log(o / (r * c / n)) for o, r, c in zip(observed, rows, cols, strict=True) if o)


def test_hand_computed_pmi_and_log_likelihood():
    # Tokens (no stop-word removal): line 1 "<terrorist> attacked the city",
    # line 2 "the city was calm": N = 8. With window=2 the node sees "attacked" (1 away)
    # and "the" (2 away); "city" is 3 away and line 2 is out of reach.
    corpus = make_corpus([("K1", "western", "", "Terrorists attacked the city.\n\nThe city was calm.")])
    matches = make_matches(corpus, {"Terrorists": ("terrorist", "terror_label")})
    tidy = collocates(corpus, matches, target="terrorist", window=2, stopwords=False)
    assert list(tidy.columns) == [*COLLOCATE_COLUMNS, "pmi", "log_likelihood"]
    table = tidy.set_index("collocate")
    assert sorted(table.index) == ["attacked", "the"]
    attacked = table.loc["attacked"]
    assert (attacked["n_together"], attacked["n_collocate"], attacked["n_target"], attacked["n_tokens"]) == (1, 1, 1, 8)
    # O11 = n_together / (2 * window) = 0.25: PMI = log2(0.25 * 8 / (1 * 1)) = 1.
    assert attacked["pmi"] == pytest.approx(1.0)
    assert attacked["log_likelihood"] == pytest.approx(g2(0.25, 1, 1, 8))
    the = table.loc["the"]
    assert the["n_collocate"] == 2
    assert the["pmi"] == pytest.approx(math.log2(0.25 * 8 / 2))  # = 0: as often as chance
    assert the["log_likelihood"] == pytest.approx(g2(0.25, 1, 2, 8))
    assert table.index[0] == "attacked"  # higher log-likelihood first


@pytest.mark.parametrize("window, reached", [(5, ["w1", "w2", "w3", "w4", "w5"]), (2, ["w1", "w2"]),
                                             (1, ["w1"])])
def test_window_is_honoured_on_both_sides(window, reached):
    text = "w6 w5 w4 w3 w2 w1 terrorists w1 w2 w3 w4 w5 w6"
    corpus = make_corpus([("K1", "russian", "", text)])
    matches = make_matches(corpus, {"terrorists": ("terrorist", "terror_label")})
    table = collocates(corpus, matches, target="terrorist", window=window, stopwords=False)
    assert sorted(table["collocate"]) == reached
    assert (table["n_together"] == 2).all()  # one on the left, one on the right


def test_no_window_across_paragraphs_titles_or_articles():
    corpus = make_corpus([("K1", "western", "Alpha", "terrorists\n\nbeta"), ("K2", "western", "", "gamma")])
    matches = make_matches(corpus, {"terrorists": ("terrorist", "terror_label")})
    # "Alpha" (title), "beta" (next paragraph) and "gamma" (next article) are all out of reach.
    assert collocates(corpus, matches, target="terrorist", window=5, stopwords=False).empty


def test_multiword_label_is_one_token_and_stopwords_dropped():
    corpus = make_corpus([("K1", "kz_state", "", "The coup attempt by terrorists failed.")])
    matches = make_matches(corpus, {"coup attempt": ("coup", "coup_event"),
                                    "terrorists": ("terrorist", "terror_label")})
    assert article_tokens(corpus.iloc[0], matches) == [["<coup>", "<terrorist>", "failed"]]
    table = collocates(corpus, matches, target="terrorist", window=1)
    assert sorted(table["collocate"]) == ["<coup>", "failed"]


def test_groups_and_category_unit():
    corpus = make_corpus([
        ("K1", "western", "", "Bandits looted shops."),
        ("K2", "kz_state", "", "Terrorists looted banks."),
    ])
    matches = make_matches(corpus, {"Bandits": ("bandit", "criminal_label"),
                                    "Terrorists": ("terrorist", "terror_label")})
    by_entry = collocates(corpus, matches, target="terrorist", window=2)
    assert by_entry["group"].tolist() == ["kz_state", "kz_state"]
    assert sorted(by_entry["collocate"]) == ["banks", "looted"]
    by_category = collocates(corpus, matches, target="criminal_label", unit="category", by=None, window=1)
    assert by_category[["group", "target", "collocate"]].values.tolist() == [["all", "<criminal_label>", "looted"]]


def test_min_freq_and_bad_arguments():
    corpus = make_corpus([("K1", "western", "", "terrorists fled. terrorists fled again. terrorists hid")])
    matches = make_matches(corpus, {"terrorists": ("terrorist", "terror_label")})
    table = collocates(corpus, matches, target="terrorist", window=1, min_freq=2, stopwords=False)
    assert table["collocate"].tolist() == ["fled"]
    with pytest.raises(ValueError, match="no match"):
        collocates(corpus, matches, target="terorist")
    with pytest.raises(ValueError, match="measures"):
        collocates(corpus, matches, target="terrorist", measures=("zscore",))


def test_seed_corpus_terrorists_criminals_looters(corpus):
    try:
        from kazframe.label import label
    except ImportError:
        pytest.skip("kazframe.label not importable yet")
    table = collocates(corpus, label(corpus), target="terrorist", window=2)
    western = table[table["group"] == "western"]
    # Reuters (A3): "block terrorists, criminals, looters and other criminal elements".
    assert {"<criminal>", "<looter>"} <= set(western["collocate"])
    assert (table["target"] == "<terrorist>").all()
