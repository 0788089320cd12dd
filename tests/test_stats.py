"""Tests for kazframe.stats: hand-worked numbers from the papers' formulas and naive re-implementations."""

from __future__ import annotations

import math
import zlib
from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_recall_fscore_support

from kazframe.stats import (
    LOG_ODDS_COLUMNS,
    bootstrap_rates,
    krippendorff_alpha,
    log_odds_dirichlet,
    log_odds_one_vs_rest,
    permutation_test,
    prf_table,
)

# ======================================================================================
# Log-odds ratio with Dirichlet prior (Monroe, Colaresi & Quinn 2008, section 3.5)
# ======================================================================================

# Group "ru": riot 3, protest 1, coup 0  -> n_a = 4
# Group "west": riot 1, protest 3, coup 2 -> n_b = 6
TINY = pd.DataFrame(
    {
        "term": ["riot", "protest", "riot", "protest", "coup"],
        "group": ["ru", "ru", "west", "west", "west"],
        "n": [3, 1, 1, 3, 2],
    }
)


def test_log_odds_uniform_prior_hand_worked():
    # Uniform prior alpha_w = 1, alpha_0 = 3 (three terms).
    # riot:    delta = log(4 / (4+3-3-1)) - log(2 / (6+3-1-1)) = log(4/3) - log(2/7) = log(14/3)
    #          var = 1/4 + 1/2 = 3/4              -> z = 1.54044 / 0.86603 = 1.77875
    # protest: delta = log(2 / (4+3-1-1)) - log(4 / (6+3-3-1)) = log(2/5) - log(4/5) = log(1/2)
    #          var = 1/2 + 1/4 = 3/4              -> z = -0.69315 / 0.86603 = -0.80038
    # coup:    delta = log(1 / (4+3-0-1)) - log(3 / (6+3-2-1)) = log(1/6) - log(3/6) = log(1/3)
    #          var = 1/1 + 1/3 = 4/3              -> z = -1.09861 / 1.15470 = -0.95143
    table = log_odds_dirichlet(TINY, a="ru", b="west", prior=1.0)
    assert list(table.columns[:7]) == list(LOG_ODDS_COLUMNS)
    assert table["term"].tolist() == ["riot", "protest", "coup"]  # z descending
    np.testing.assert_allclose(
        table["log_odds"], [math.log(14 / 3), math.log(1 / 2), math.log(1 / 3)], rtol=1e-12
    )
    np.testing.assert_allclose(table["variance"], [3 / 4, 3 / 4, 4 / 3], rtol=1e-12)
    np.testing.assert_allclose(table["z"], [1.77875, -0.80038, -0.95143], atol=1e-5)
    assert table["count_a"].tolist() == [3, 1, 0]
    assert table["count_b"].tolist() == [1, 3, 2]
    assert table["prior"].tolist() == [1.0, 1.0, 1.0]


def test_log_odds_default_informative_prior_hand_worked():
    # Default prior = pooled counts: riot 4, protest 4, coup 2; alpha_0 = 10.
    # riot:    log(7 / (4+10-3-4)) - log(5 / (6+10-1-4)) = log(7/7) - log(5/11) = log(11/5)
    #          var = 1/7 + 1/5 = 12/35            -> z = 0.78846 / 0.58554 = 1.34655
    # protest: log(5 / (4+10-1-4)) - log(7 / (6+10-3-4)) = log(5/9) - log(7/9) = log(5/7)
    #          var = 1/5 + 1/7 = 12/35            -> z = -0.33647 / 0.58554 = -0.57463
    # coup:    log(2 / (4+10-0-2)) - log(4 / (6+10-2-2)) = log(2/12) - log(4/12) = log(1/2)
    #          var = 1/2 + 1/4 = 3/4              -> z = -0.69315 / 0.86603 = -0.80038
    table = log_odds_dirichlet(TINY, a="ru", b="west")
    assert table["term"].tolist() == ["riot", "protest", "coup"]
    assert table["prior"].tolist() == [4.0, 4.0, 2.0]
    np.testing.assert_allclose(
        table["log_odds"], [math.log(11 / 5), math.log(5 / 7), math.log(0.5)], rtol=1e-12
    )
    np.testing.assert_allclose(table["variance"], [12 / 35, 12 / 35, 0.75], rtol=1e-12)
    np.testing.assert_allclose(table["z"], [1.34655, -0.57464, -0.80038], atol=1e-5)


def test_log_odds_prior_scale_and_series_prior_hand_worked():
    # prior_scale=5 rescales pooled (4, 4, 2)/10 to alpha = (2, 2, 1), alpha_0 = 5.
    # riot: log(5 / (4+5-3-2)) - log(3 / (6+5-1-2)) = log(5/4) - log(3/8) = log(10/3)
    scaled = log_odds_dirichlet(TINY, a="ru", b="west", prior_scale=5).set_index("term")
    assert scaled["prior"].to_dict() == {"riot": 2.0, "protest": 2.0, "coup": 1.0}
    assert scaled.loc["riot", "log_odds"] == pytest.approx(math.log(10 / 3), rel=1e-12)

    # A background-corpus Series: its extra term "unrest" adds to alpha_0 = 1+1+1+7 = 10.
    # riot: log(4 / (4+10-3-1)) - log(2 / (6+10-1-1)) = log(4/10) - log(2/14) = log(2.8)
    background = pd.Series({"riot": 1.0, "protest": 1.0, "coup": 1.0, "unrest": 7.0})
    table = log_odds_dirichlet(TINY, a="ru", b="west", prior=background).set_index("term")
    assert "unrest" not in table.index
    assert table.loc["riot", "log_odds"] == pytest.approx(math.log(2.8), rel=1e-12)


def _naive_log_odds(counts: pd.DataFrame, a: str, b: str, alpha: dict) -> dict:
    """Per-term loop straight from Monroe et al. (2008) eqs. for delta and its variance."""
    y = {}
    for term, group, n in counts[["term", "group", "n"]].itertuples(index=False):
        y[(term, group)] = y.get((term, group), 0) + n
    terms = sorted({t for t, _ in y})
    n_a = sum(v for (_, g), v in y.items() if g == a)
    n_b = sum(v for (_, g), v in y.items() if g == b)
    alpha0 = sum(alpha.values())
    out = {}
    for term in terms:
        ya, yb, al = y.get((term, a), 0), y.get((term, b), 0), alpha[term]
        if ya + yb == 0:
            continue
        delta = math.log((ya + al) / (n_a + alpha0 - ya - al)) - math.log(
            (yb + al) / (n_b + alpha0 - yb - al)
        )
        out[term] = delta / math.sqrt(1 / (ya + al) + 1 / (yb + al))
    return out


def _random_counts(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    terms = [f"t{i:02d}" for i in range(30)]
    groups = ["kz_state", "russian", "western", "other"]
    rows = [(t, g, int(rng.poisson(rng.uniform(0.2, 20)))) for t in terms for g in groups]
    return pd.DataFrame(rows, columns=["term", "group", "n"]).query("n > 0")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_log_odds_matches_naive_loop(seed):
    counts = _random_counts(seed)
    pooled = counts.groupby("term")["n"].sum().astype(float).to_dict()
    table = log_odds_dirichlet(counts, a="russian", b="western")
    naive = _naive_log_odds(counts, "russian", "western", pooled)
    assert set(table["term"]) == set(naive)
    np.testing.assert_allclose(table.set_index("term")["z"].loc[list(naive)], list(naive.values()))


def test_log_odds_z_rederived_from_columns_and_sorted():
    table = log_odds_dirichlet(_random_counts(4), a="kz_state", b="other")
    variance = 1 / (table["count_a"] + table["prior"]) + 1 / (table["count_b"] + table["prior"])
    np.testing.assert_allclose(table["variance"], variance, rtol=1e-12)
    np.testing.assert_allclose(table["z"], table["log_odds"] / np.sqrt(variance), rtol=1e-12)
    assert table["z"].is_monotonic_decreasing


def test_log_odds_swapping_groups_negates_and_input_untouched():
    counts = _random_counts(5)
    before = counts.copy()
    ab = log_odds_dirichlet(counts, a="russian", b="western").set_index("term")
    ba = log_odds_dirichlet(counts, a="western", b="russian").set_index("term")
    np.testing.assert_allclose(ab["z"], -ba.loc[ab.index, "z"], rtol=1e-12)
    pd.testing.assert_frame_equal(counts, before)


def test_log_odds_one_vs_rest_matches_naive_loop():
    counts = _random_counts(6)
    pooled = counts.groupby("term")["n"].sum().astype(float).to_dict()
    table = log_odds_one_vs_rest(counts)
    assert list(table.columns) == ["group", *LOG_ODDS_COLUMNS]
    for group in counts["group"].unique():
        # "rest" = every other group relabelled as one group.
        relabelled = counts.assign(group=np.where(counts["group"] == group, group, "rest"))
        naive = _naive_log_odds(relabelled, group, "rest", pooled)
        got = table.loc[table["group"] == group].set_index("term")["z"]
        assert set(got.index) == set(naive)
        np.testing.assert_allclose(got.loc[list(naive)], list(naive.values()))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"a": "ru", "b": "ru"},
        {"a": "ru", "b": "cn"},
        {"a": "ru", "b": "west", "prior": 0.0},
        {"a": "ru", "b": "west", "prior": pd.Series({"riot": 1.0})},
        {"a": "ru", "b": "west", "prior_scale": -1.0},
    ],
)
def test_log_odds_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        log_odds_dirichlet(TINY, **kwargs)


# ======================================================================================
# Bootstrap rates
# ======================================================================================

ARTICLES = pd.DataFrame(
    {
        "article_id": ["k1", "k2", "k3", "w1", "w2", "o1"],
        "bloc": ["kz_state", "kz_state", "kz_state", "western", "western", "other"],
        "n_words": [100, 200, 300, 100, 300, 400],
    }
)
MENTIONS = pd.DataFrame(
    {
        "article_id": ["k1", "k1", "k2", "w1", "o1"],
        "category": ["terror", "riot", "terror", "protest", "riot"],
    }
)


def test_bootstrap_point_estimates_hand_worked():
    rates = bootstrap_rates(ARTICLES, MENTIONS, n_boot=200)
    assert list(rates.columns[:2]) == ["bloc", "category"]
    # Every bloc x category (3 x 3), zero-mention categories included.
    assert len(rates) == 9
    kz = rates[rates["bloc"] == "kz_state"].set_index("category")
    # kz_state: 600 words; terror in k1 and k2 -> 2 mentions -> 1000 * 2 / 600 = 3.333
    assert kz.loc["terror", "n_mentions"] == 2
    assert kz.loc["terror", "per_1k_words"] == pytest.approx(1000 * 2 / 600)
    assert kz.loc["terror", "n_articles_with"] == 2
    assert kz.loc["terror", "share_articles"] == pytest.approx(2 / 3)
    assert kz.loc["riot", "per_1k_words"] == pytest.approx(1000 / 600)
    assert kz.loc["protest", "per_1k_words"] == 0.0
    assert (kz.loc["protest", ["per_1k_low", "per_1k_high"]] == 0).all()
    assert (kz["n_articles"] == 3).all() and (kz["n_words"] == 600).all()


def test_bootstrap_two_articles_hand_worked_interval():
    # w1: 100 words, 1 protest (10 per 1k); w2: 300 words, none.
    # Resamples {w1,w1} -> 10, {w1,w2} and {w2,w1} -> 1000/400 = 2.5, {w2,w2} -> 0, each
    # extreme with probability 1/4, so the 2.5% and 97.5% quantiles of 2000 replicates are
    # the extremes 0 and 10; shares likewise 0 and 1.
    rates = bootstrap_rates(ARTICLES, MENTIONS).set_index(["bloc", "category"])
    row = rates.loc[("western", "protest")]
    assert row["per_1k_words"] == pytest.approx(2.5)
    assert (row["per_1k_low"], row["per_1k_high"]) == (0.0, 10.0)
    assert (row["share_low"], row["share_high"]) == (0.0, 1.0)
    assert not row["ci_degenerate"]


def test_bootstrap_single_article_is_flagged_degenerate():
    rates = bootstrap_rates(ARTICLES, MENTIONS).set_index(["bloc", "category"])
    row = rates.loc[("other", "riot")]
    assert row["ci_degenerate"]
    assert row["per_1k_low"] == row["per_1k_high"] == row["per_1k_words"] == pytest.approx(2.5)
    assert row["share_low"] == row["share_high"] == 1.0
    assert not rates.loc[("kz_state", "riot"), "ci_degenerate"]


def _random_corpus(seed: int, n_articles: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    articles = pd.DataFrame(
        {
            "article_id": [f"a{i:03d}" for i in range(n_articles)],
            "bloc": rng.choice(["kz_state", "russian", "western"], size=n_articles),
            "n_words": rng.integers(100, 2000, size=n_articles),
        }
    )
    n_mentions = 150
    mentions = pd.DataFrame(
        {
            "article_id": rng.choice(articles["article_id"], size=n_mentions),
            "category": rng.choice(["protest", "riot", "terror", "coup"], size=n_mentions),
        }
    )
    return articles, mentions


def test_bootstrap_matches_naive_replicate_loop():
    # Naive version of the documented protocol: articles in id order, one generator per group
    # seeded by [seed, crc32(group)], rng.integers(0, n, (n_boot, n)), then one replicate at a time.
    articles, mentions = _random_corpus(7)
    n_boot, ci, seed = 300, 0.9, 11
    rates = bootstrap_rates(articles, mentions, n_boot=n_boot, ci=ci, seed=seed)
    categories = sorted(mentions["category"].unique())
    for bloc in sorted(articles["bloc"].unique()):
        group = articles[articles["bloc"] == bloc].sort_values("article_id")
        ids, words = group["article_id"].tolist(), group["n_words"].tolist()
        rng = np.random.default_rng([seed, zlib.crc32(bloc.encode("utf-8"))])  # documented per-group stream
        draws = rng.integers(0, len(ids), size=(n_boot, len(ids)))
        for category in categories:
            per_article = [
                int(((mentions["article_id"] == i) & (mentions["category"] == category)).sum())
                for i in ids
            ]
            boot_rates, boot_shares = [], []
            for replicate in draws:
                boot_rates.append(
                    1000 * sum(per_article[j] for j in replicate) / sum(words[j] for j in replicate)
                )
                boot_shares.append(sum(per_article[j] > 0 for j in replicate) / len(ids))
            row = rates[(rates["bloc"] == bloc) & (rates["category"] == category)].iloc[0]
            assert row["per_1k_words"] == pytest.approx(1000 * sum(per_article) / sum(words))
            low, high = np.quantile(boot_rates, [0.05, 0.95])
            assert row["per_1k_low"] == pytest.approx(low)
            assert row["per_1k_high"] == pytest.approx(high)
            low, high = np.quantile(boot_shares, [0.05, 0.95])
            assert row["share_low"] == pytest.approx(low)
            assert row["share_high"] == pytest.approx(high)


def test_bootstrap_is_reproducible_and_ignores_row_order():
    articles, mentions = _random_corpus(8)
    first = bootstrap_rates(articles, mentions, n_boot=500)
    again = bootstrap_rates(
        articles.sample(frac=1, random_state=1), mentions.sample(frac=1, random_state=2), n_boot=500
    )
    pd.testing.assert_frame_equal(first, again)
    assert (first["n_boot"] == 500).all() and (first["seed"] == 20220105).all()
    other_seed = bootstrap_rates(articles, mentions, n_boot=500, seed=1)
    assert not first["per_1k_low"].equals(other_seed["per_1k_low"])


def test_bootstrap_interval_contains_estimate_and_inputs_untouched():
    articles, mentions = _random_corpus(9, n_articles=200)
    before = (articles.copy(), mentions.copy())
    rates = bootstrap_rates(articles, mentions)
    assert (rates["per_1k_low"] <= rates["per_1k_words"]).all()
    assert (rates["per_1k_words"] <= rates["per_1k_high"]).all()
    assert (rates["share_low"] <= rates["share_articles"]).all()
    pd.testing.assert_frame_equal(articles, before[0])
    pd.testing.assert_frame_equal(mentions, before[1])


def test_bootstrap_reports_unmentioned_categories_of_a_categorical():
    mentions = MENTIONS.assign(
        category=pd.Categorical(
            MENTIONS["category"], categories=["coup", "protest", "riot", "terror"]
        )
    )
    rates = bootstrap_rates(ARTICLES, mentions, n_boot=50)
    assert sorted(rates["category"].unique()) == ["coup", "protest", "riot", "terror"]
    assert (rates.loc[rates["category"] == "coup", "n_mentions"] == 0).all()


def test_bootstrap_rejects_unknown_articles():
    bad = pd.concat([MENTIONS, pd.DataFrame({"article_id": ["zz"], "category": ["riot"]})])
    with pytest.raises(ValueError, match="absent from articles"):
        bootstrap_rates(ARTICLES, bad)


# ======================================================================================
# Permutation test
# ======================================================================================


def test_permutation_exact_hand_worked():
    # Four articles of 100 words: a1 has 2 mentions, a2 1, b1 and b2 none. A set of two
    # articles (200 words) has rate 1000 * mentions / 200 = 5 * mentions.
    # Observed {a1,a2} vs {b1,b2}: 15 - 0 = 15. The C(4,2) = 6 assignments of group a give
    # {a1,a2}: 15, {a1,b1}: 10-5 = 5, {a1,b2}: 5, {a2,b1}: 5-10 = -5, {a2,b2}: -5,
    # {b1,b2}: 0-15 = -15. |T| >= 15 in 2 of 6 -> exact p = 1/3.
    articles = pd.DataFrame(
        {"article_id": ["a1", "a2", "b1", "b2"], "bloc": ["x", "x", "y", "y"], "n_words": 100}
    )
    mentions = pd.DataFrame({"article_id": ["a1", "a1", "a2"], "category": "riot"})
    result = permutation_test(articles, mentions, a="x", b="y")
    row = result.iloc[0]
    assert list(result.columns) == [
        "category", "a", "b", "rate_a", "rate_b", "diff", "p_value", "n_a", "n_b", "n_perm",
        "n_distinct_perms", "exact", "seed",
    ]  # fmt: skip
    assert (row["rate_a"], row["rate_b"], row["diff"]) == (15.0, 0.0, 15.0)
    assert row["p_value"] == pytest.approx(1 / 3)
    assert row["exact"] and row["n_perm"] == 6 and row["n_distinct_perms"] == 6


def _naive_exact_p(articles, mentions, a, b, category):
    """Loop over every assignment with itertools; rates recomputed from scratch each time."""
    pool = articles[articles["bloc"].isin([a, b])].reset_index(drop=True)
    hits = mentions[mentions["category"] == category]["article_id"].value_counts()
    m = [int(hits.get(i, 0)) for i in pool["article_id"]]
    w = pool["n_words"].tolist()
    n_a = int((pool["bloc"] == a).sum())

    def diff(in_a):
        out = [i for i in range(len(pool)) if i not in in_a]
        return 1000 * sum(m[i] for i in in_a) / sum(w[i] for i in in_a) - 1000 * sum(
            m[i] for i in out
        ) / sum(w[i] for i in out)

    observed = diff(set(np.flatnonzero(pool["bloc"] == a)))
    stats = [diff(set(c)) for c in combinations(range(len(pool)), n_a)]
    return sum(abs(s) >= abs(observed) - 1e-9 for s in stats) / len(stats)


def _two_group_corpus(n_a: int, n_b: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = n_a + n_b
    articles = pd.DataFrame(
        {
            "article_id": [f"a{i:02d}" for i in range(n)],
            "bloc": ["russian"] * n_a + ["western"] * n_b,
            "n_words": rng.integers(200, 1500, size=n),
        }
    )
    # Russian articles say "riot" more often, so p-values are not all near 1.
    weights = np.where(articles["bloc"] == "russian", 3.0, 1.0)
    mentions = pd.DataFrame(
        {
            "article_id": rng.choice(articles["article_id"], size=60, p=weights / weights.sum()),
            "category": rng.choice(["riot", "protest"], size=60),
        }
    )
    return articles, mentions


def test_permutation_exact_matches_naive_enumeration():
    articles, mentions = _two_group_corpus(5, 4, seed=3)  # C(9, 5) = 126 assignments
    result = permutation_test(articles, mentions, a="russian", b="western").set_index("category")
    for category in ["protest", "riot"]:
        assert result.loc[category, "exact"]
        assert result.loc[category, "n_distinct_perms"] == math.comb(9, 5)
        expected = _naive_exact_p(articles, mentions, "russian", "western", category)
        assert result.loc[category, "p_value"] == pytest.approx(expected)


def test_permutation_sampled_agrees_with_exact_enumeration():
    # C(16, 8) = 12870 > 9999, so the function samples; its p must be within Monte Carlo
    # error (sd <= 0.005 for 9999 draws) of the exact p from full enumeration.
    articles, mentions = _two_group_corpus(8, 8, seed=5)
    result = permutation_test(articles, mentions, a="russian", b="western").set_index("category")
    for category in ["protest", "riot"]:
        assert not result.loc[category, "exact"]
        assert result.loc[category, "n_perm"] == 9999
        expected = _naive_exact_p(articles, mentions, "russian", "western", category)
        assert result.loc[category, "p_value"] == pytest.approx(expected, abs=0.02)


def test_permutation_p_never_zero_and_reproducible():
    # Perfect separation: all mentions in group a; sampled p is at least 1 / (1 + n_perm).
    articles = pd.DataFrame(
        {"article_id": range(20), "bloc": ["x"] * 10 + ["y"] * 10, "n_words": 500}
    )
    mentions = pd.DataFrame({"article_id": np.repeat(np.arange(10), 3), "category": "coup"})
    first = permutation_test(articles, mentions, a="x", b="y", n_perm=999)
    assert not first["exact"].iloc[0]
    assert 1 / 1000 <= first["p_value"].iloc[0] < 0.01
    pd.testing.assert_frame_equal(
        first, permutation_test(articles, mentions, a="x", b="y", n_perm=999)
    )


def test_permutation_ignores_other_groups_and_zero_categories():
    articles, mentions = _random_corpus(10)
    zero = pd.DataFrame(
        {"article_id": articles.loc[articles["bloc"] == "kz_state", "article_id"][:1]}
    )
    mentions = pd.concat([mentions, zero.assign(category="only_kz")], ignore_index=True)
    result = permutation_test(articles, mentions, a="russian", b="western", n_perm=500)
    row = result.set_index("category").loc["only_kz"]
    assert row["diff"] == 0.0 and row["p_value"] == 1.0
    assert result["n_a"].iloc[0] == (articles["bloc"] == "russian").sum()


# ======================================================================================
# Krippendorff's alpha
# ======================================================================================

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, missing values. Rows are units, columns observers A-D.
NaN = np.nan
K2011 = pd.DataFrame(
    {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NaN, NaN, NaN],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NaN, 3],
        "C": [NaN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NaN],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NaN],
    }
)


def test_krippendorff_published_example_by_hand():
    # Unit 12 has one value: not pairable. Pairable values n = 40, with margins
    # n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3. Off-diagonal coincidences (sum 8):
    # unit 2 {2,2,3,2}: o_23 = o_32 = 3*1/3 = 1; unit 6 {1,2,3,4}: every c != k pair 1/3
    # (12 ordered pairs -> 4); unit 8 {1,1,2,1}: o_12 = o_21 = 1.
    # Nominal: alpha = 1 - (n-1) * 8 / (n^2 - sum n_c^2) = 1 - 39*8 / (1600-384) = 0.743.
    assert krippendorff_alpha(K2011) == pytest.approx(1 - 312 / 1216, rel=1e-12)
    assert round(krippendorff_alpha(K2011), 3) == 0.743  # the published value
    # Interval: observed sum o_ck (c-k)^2 = 2*1 + (2*(1+4+9+1+4+1))/3 + 2*1 = 52/3;
    # expected sum n_c n_k (c-k)^2 = 2 * 2240 = 4480 -> alpha = 1 - 39*(52/3)/4480 = 0.849.
    assert krippendorff_alpha(K2011, level="interval") == pytest.approx(1 - 676 / 4480)
    assert round(krippendorff_alpha(K2011, level="interval"), 3) == 0.849


@pytest.mark.parametrize("level", ["nominal", "interval"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_krippendorff_matches_krippendorff_package(level, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=50)
    codes = np.column_stack(
        [np.where(rng.random(50) < 0.75, truth, rng.integers(0, 4, size=50)) for _ in range(3)]
    ).astype(float)
    codes[rng.random(codes.shape) < 0.2] = np.nan
    codings = pd.DataFrame(codes, columns=["coder1", "coder2", "coder3"])
    expected = krippendorff.alpha(reliability_data=codes.T, level_of_measurement=level)
    assert krippendorff_alpha(codings, level=level) == pytest.approx(expected, rel=1e-9)


def test_krippendorff_string_labels_and_edge_cases():
    labels = K2011.replace({1: "protest", 2: "riot", 3: "coup", 4: "terror", 5: "unrest"})
    assert krippendorff_alpha(labels) == pytest.approx(1 - 312 / 1216)
    agree = pd.DataFrame({"x": ["a", "b", "a"], "y": ["a", "b", "a"]})
    assert krippendorff_alpha(agree) == 1.0
    one_value = pd.DataFrame({"x": ["a", "a"], "y": ["a", None]})
    assert math.isnan(krippendorff_alpha(one_value))
    with pytest.raises(ValueError):
        krippendorff_alpha(K2011, level="ordinal")


# ======================================================================================
# Precision / recall / F1
# ======================================================================================

# Confusion matrix (rows gold, columns predicted) over sorted labels coup, protest, riot:
#            coup protest riot   support
#   coup       1     1     1        3
#   protest    0     3     1        4
#   riot       0     1     2        3
GOLD = pd.Series(["protest"] * 4 + ["riot"] * 3 + ["coup"] * 3)
PRED = pd.Series(
    ["protest", "protest", "protest", "riot", "riot", "protest", "riot", "coup", "riot", "protest"]
)


def test_prf_hand_worked_confusion_matrix():
    # coup:    tp 1 fp 0 fn 2 -> P 1, R 1/3, F1 2/(2+0+2) = 0.5
    # protest: tp 3 fp 2 fn 1 -> P 3/5, R 3/4, F1 6/9
    # riot:    tp 2 fp 2 fn 1 -> P 2/4, R 2/3, F1 4/7
    # macro: P (1+0.6+0.5)/3 = 0.7, R (1/3+3/4+2/3)/3 = 21/36, F1 (1/2+2/3+4/7)/3 = 73/126
    # micro: tp 6 fp 4 fn 4 -> 0.6 (= accuracy 6/10)
    table = prf_table(GOLD, PRED).set_index("label")
    assert table.index.tolist() == ["coup", "protest", "riot", "macro", "micro"]
    expected = pd.DataFrame(
        {
            "precision": [1, 0.6, 0.5, 0.7, 0.6],
            "recall": [1 / 3, 0.75, 2 / 3, 21 / 36, 0.6],
            "f1": [0.5, 6 / 9, 4 / 7, 73 / 126, 0.6],
        },
        index=table.index,
    )
    pd.testing.assert_frame_equal(table[["precision", "recall", "f1"]], expected, check_names=False)
    assert table["support"].tolist() == [3, 4, 3, 10, 10]
    assert table.loc["micro", ["tp", "fp", "fn"]].tolist() == [6, 4, 4]


def test_prf_label_subset_hand_worked():
    # Only protest and riot: micro tp 3+2 = 5, fp 2+2 = 4, fn 1+1 = 2
    # -> P 5/9, R 5/7, F1 10/16.
    table = prf_table(GOLD, PRED, labels=["protest", "riot"]).set_index("label")
    assert table.index.tolist() == ["protest", "riot", "macro", "micro"]
    np.testing.assert_allclose(
        table.loc["micro", ["precision", "recall", "f1"]].astype(float), [5 / 9, 5 / 7, 10 / 16]
    )


@pytest.mark.parametrize("labels", [None, ["b", "c"], ["a", "b", "c", "d", "e"]])
@pytest.mark.parametrize("zero_division", [0.0, np.nan])
def test_prf_matches_sklearn(labels, zero_division):
    rng = np.random.default_rng(12)
    gold = pd.Series(rng.choice(list("abcd"), size=80))
    pred = pd.Series(rng.choice(list("abce"), size=80))  # "d" never predicted, "e" never gold
    table = prf_table(gold, pred, labels=labels, zero_division=zero_division).set_index("label")
    names = labels if labels is not None else sorted(set(gold) | set(pred))
    p, r, f, s = precision_recall_fscore_support(
        gold, pred, labels=names, average=None, zero_division=zero_division
    )
    np.testing.assert_allclose(table.loc[names, "precision"], p)
    np.testing.assert_allclose(table.loc[names, "recall"], r)
    np.testing.assert_allclose(table.loc[names, "f1"], f)
    assert table.loc[names, "support"].tolist() == s.tolist()
    for average in ["macro", "micro"]:
        p, r, f, _ = precision_recall_fscore_support(
            gold, pred, labels=names, average=average, zero_division=zero_division
        )
        np.testing.assert_allclose(
            table.loc[average, ["precision", "recall", "f1"]].astype(float), [p, r, f]
        )


def test_prf_rejects_misaligned_or_reserved_labels():
    with pytest.raises(ValueError, match="indexes"):
        prf_table(GOLD, PRED.set_axis(range(1, 11)))
    with pytest.raises(ValueError, match="macro"):
        prf_table(pd.Series(["macro", "x"]), pd.Series(["x", "x"]))


def test_bootstrap_interval_of_a_group_does_not_depend_on_the_other_groups():
    articles, mentions = _random_corpus(3)
    full = bootstrap_rates(articles, mentions, n_boot=200).set_index(["bloc", "category"])
    only = articles[articles["bloc"] == "western"]
    alone = bootstrap_rates(only, mentions[mentions["article_id"].isin(only["article_id"])], n_boot=200)
    alone = alone.set_index(["bloc", "category"])
    renamed = articles.assign(bloc=articles["bloc"].replace({"kz_state": "zz_state"}))
    other = bootstrap_rates(renamed, mentions, n_boot=200).set_index(["bloc", "category"])
    cols = ["per_1k_low", "per_1k_high", "share_low", "share_high"]
    pd.testing.assert_frame_equal(full.loc["western", cols], alone.loc["western", cols])
    pd.testing.assert_frame_equal(full.loc["western", cols], other.loc["western", cols])
