"""Statistics for comparing how outlets and blocs frame an event.

Every function takes tidy pandas tables and returns a new tidy table (or a number); none
mutates its inputs. Everything random uses a seeded :func:`numpy.random.default_rng`, so the
same inputs and the same ``seed`` always give identical outputs.

Keyness: log-odds ratio with an informative Dirichlet prior
-----------------------------------------------------------
:func:`log_odds_dirichlet` follows Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical
feature selection and evaluation for identifying the content of political conflict",
*Political Analysis* 16(4): 372-403, section 3.5. For a term :math:`w`, groups :math:`a` and
:math:`b` with term counts :math:`y^a_w, y^b_w` and totals :math:`n^a = \\sum_w y^a_w`,
:math:`n^b`, and Dirichlet pseudo-counts :math:`\\alpha_w` with
:math:`\\alpha_0 = \\sum_w \\alpha_w`, the posterior log-odds ratio is

.. math::

    \\hat\\delta_w = \\log\\frac{y^a_w + \\alpha_w}{n^a + \\alpha_0 - y^a_w - \\alpha_w}
                  - \\log\\frac{y^b_w + \\alpha_w}{n^b + \\alpha_0 - y^b_w - \\alpha_w},

with approximate variance
:math:`\\sigma^2(\\hat\\delta_w) \\approx 1/(y^a_w + \\alpha_w) + 1/(y^b_w + \\alpha_w)` and
z-score :math:`z_w = \\hat\\delta_w / \\sigma(\\hat\\delta_w)`. Positive z means the term is
characteristic of ``a``. The prior shrinks the log-odds of rare terms towards zero; the
z-score then accounts for the remaining sampling variability, so frequent and rare terms can be
ranked on one scale.

Rates with bootstrap confidence intervals
-----------------------------------------
:func:`bootstrap_rates` reports mentions per 1,000 words (a ratio of sums over a group's
articles) and the share of articles with at least one mention, with percentile bootstrap
intervals (Efron & Tibshirani 1993, ch. 13) from resampling *articles* with replacement within
each group. Articles, not words, are resampled because mentions cluster within articles.

Permutation test
----------------
:func:`permutation_test` tests the difference between two groups' per-1k-word rates by
shuffling group labels among their articles; the Monte Carlo p-value is
:math:`(1 + B) / (1 + M)` (Phipson & Smyth 2010, "Permutation p-values should never be zero",
*Stat. Appl. Genet. Mol. Biol.* 9(1): 39), and all :math:`\\binom{n_a + n_b}{n_a}` label
assignments are enumerated exactly when there are no more of them than requested permutations.

Reliability and evaluation
--------------------------
:func:`krippendorff_alpha` computes Krippendorff's alpha from the coincidence matrix
(Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", Annenberg School for
Communication, University of Pennsylvania). :func:`prf_table` gives per-label and averaged
precision, recall and F1.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Hashable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_SEED",
    "LOG_ODDS_COLUMNS",
    "log_odds_dirichlet",
    "log_odds_one_vs_rest",
    "bootstrap_rates",
    "permutation_test",
    "krippendorff_alpha",
    "prf_table",
]

#: Default seed for every resampling function (the date the unrest peaked: 2022-01-05).
DEFAULT_SEED = 20220105

#: The leading columns of every :func:`log_odds_dirichlet` result, in order.
LOG_ODDS_COLUMNS = ("term", "count_a", "count_b", "prior", "log_odds", "variance", "z")

# Relative tolerance when comparing permuted statistics with the observed one, so that
# assignments whose statistic equals the observed one up to floating-point rounding count as
# "at least as extreme" (the same device as scipy.stats.permutation_test).
_TIE_EPS = 1e-12
# Number of permutations multiplied out at once in permutation_test (bounds memory use).
_PERM_CHUNK = 2048
_LEVELS = ("nominal", "interval")
_AVERAGE_LABELS = ("macro", "micro")


# --------------------------------------------------------------------------------------
# Log-odds ratio with informative Dirichlet prior
# --------------------------------------------------------------------------------------


def _wide_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Return a term x group table of summed counts from a long ``term, group, n`` table."""
    missing = {"term", "group", "n"} - set(counts.columns)
    if missing:
        raise ValueError(f"counts lacks column(s) {sorted(missing)}; need term, group, n")
    if counts[["term", "group", "n"]].isna().to_numpy().any():
        raise ValueError("counts has missing values in term, group or n")
    n = pd.to_numeric(counts["n"])
    if (n < 0).any():
        raise ValueError("counts.n must be non-negative")
    wide = (
        counts.assign(n=n)
        .pivot_table(index="term", columns="group", values="n", aggfunc="sum", fill_value=0)
        .sort_index()
    )
    wide.columns.name = None
    if len(wide) < 2:
        raise ValueError("log-odds needs at least two distinct terms")
    return wide


def _resolve_prior(
    wide: pd.DataFrame, prior: pd.Series | float | None, prior_scale: float | None
) -> tuple[pd.Series, float]:
    """Return the pseudo-count of every term of ``wide`` and alpha_0 (sum over the vocabulary)."""
    if prior_scale is not None and not (np.isfinite(prior_scale) and prior_scale > 0):
        raise ValueError("prior_scale must be a positive finite number")
    terms = wide.index
    if prior is None:
        full = wide.sum(axis=1).astype(float)
    elif isinstance(prior, pd.Series):
        if prior.index.has_duplicates:
            raise ValueError("prior has duplicated terms")
        lacking = terms.difference(prior.index)
        if len(lacking):
            raise ValueError(f"prior lacks {len(lacking)} term(s) of counts, e.g. {lacking[0]!r}")
        full = pd.to_numeric(prior).astype(float)
    elif np.isscalar(prior) and not isinstance(prior, str | bytes | bool):
        full = pd.Series(float(prior), index=terms)
    else:
        raise TypeError("prior must be None, a number or a pandas Series term -> pseudo-count")
    if not np.isfinite(full.to_numpy()).all() or (full <= 0).any():
        raise ValueError("every prior pseudo-count must be positive and finite")
    alpha0 = float(full.sum())
    if prior_scale is not None:
        full = full * (prior_scale / alpha0)
        alpha0 = float(prior_scale)
    return full.reindex(terms), alpha0


def _log_odds_frame(
    y_a: pd.Series, y_b: pd.Series, alpha: pd.Series, alpha0: float
) -> pd.DataFrame:
    """Monroe et al. (2008) eq. for delta, its variance and z, for terms seen in a or b."""
    n_a, n_b = float(y_a.sum()), float(y_b.sum())
    ya, yb, al = (s.to_numpy(dtype=float) for s in (y_a, y_b, alpha))
    log_odds = np.log((ya + al) / (n_a + alpha0 - ya - al)) - np.log(
        (yb + al) / (n_b + alpha0 - yb - al)
    )
    variance = 1.0 / (ya + al) + 1.0 / (yb + al)
    table = pd.DataFrame(
        {
            "term": y_a.index.to_numpy(),
            "count_a": y_a.to_numpy(),
            "count_b": y_b.to_numpy(),
            "prior": al,
            "log_odds": log_odds,
            "variance": variance,
            "z": log_odds / np.sqrt(variance),
        }
    )
    seen = (table["count_a"] + table["count_b"]) > 0
    return (
        table.loc[seen]
        .sort_values(["z", "term"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )


def log_odds_dirichlet(
    counts: pd.DataFrame,
    *,
    a: str,
    b: str,
    prior: pd.Series | float | None = None,
    prior_scale: float | None = None,
) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior, group ``a`` versus group ``b``.

    Implements Monroe, Colaresi & Quinn (2008, section 3.5): with term counts
    :math:`y^a_w, y^b_w`, group totals :math:`n^a, n^b` and pseudo-counts :math:`\\alpha_w`
    summing to :math:`\\alpha_0`,
    :math:`\\delta_w = \\log\\frac{y^a_w+\\alpha_w}{n^a+\\alpha_0-y^a_w-\\alpha_w}
    - \\log\\frac{y^b_w+\\alpha_w}{n^b+\\alpha_0-y^b_w-\\alpha_w}`,
    :math:`\\operatorname{Var}(\\delta_w) \\approx 1/(y^a_w+\\alpha_w) + 1/(y^b_w+\\alpha_w)`
    and :math:`z_w = \\delta_w / \\sqrt{\\operatorname{Var}(\\delta_w)}`.

    Parameters
    ----------
    counts : pandas.DataFrame
        Long table with columns ``term``, ``group``, ``n`` (repeated ``term, group`` rows are
        summed). The vocabulary is the set of terms in this table and :math:`n^a` is the sum of
        ``n`` over group ``a``'s rows: if the table holds only a few framing terms, the odds
        are relative to those terms, not to all words (add a catch-all row such as
        ``"<other>"`` to compare against all words).
    a, b : str
        The two groups to compare; positive ``log_odds`` / ``z`` means "more typical of ``a``".
    prior : None, float or pandas.Series, optional
        ``None`` (default): the informative empirical-Bayes prior, :math:`\\alpha_w` = the
        term's count pooled over *all* groups in ``counts`` (so :math:`\\alpha_0` = the table's
        total count). This is the usual empirical-Bayes choice when no separate background
        corpus is used (it is the default of R's ``tidylo::bind_log_odds``); Monroe et al.
        leave the strength :math:`\\alpha_0` to the analyst. The compared counts are then also
        part of the prior (the data are used twice), which shrinks log-odds towards zero and
        makes z-scores conservative; pass ``prior_scale`` to weaken the prior.
        A number: a uniform (uninformative) prior, :math:`\\alpha_w` = that number for every
        term. A Series term -> pseudo-count (e.g. counts in a background corpus): it must
        cover every term of ``counts``; its terms that are absent from ``counts`` still add to
        :math:`\\alpha_0`.
    prior_scale : float, optional
        If given, the prior is rescaled so that its pseudo-counts sum to
        :math:`\\alpha_0` = ``prior_scale``, keeping their proportions
        (:math:`\\alpha_w = \\alpha_0\\,\\pi_w`). Smaller values shrink less.

    Returns
    -------
    pandas.DataFrame
        One row per term counted in ``a`` or ``b`` (terms with zero counts in both are
        dropped), with columns ``term, count_a, count_b, prior, log_odds, variance, z``
        (``prior`` is :math:`\\alpha_w`), sorted by ``z`` descending then ``term``.

    Raises
    ------
    ValueError
        If columns are missing, counts are negative, ``a``/``b`` are not groups of ``counts``
        or equal, there are fewer than two terms, or a pseudo-count is not positive.
    """
    wide = _wide_counts(counts)
    for group in (a, b):
        if group not in wide.columns:
            raise ValueError(f"group {group!r} not in counts (groups: {list(wide.columns)})")
    if a == b:
        raise ValueError("a and b must be different groups")
    alpha, alpha0 = _resolve_prior(wide, prior, prior_scale)
    return _log_odds_frame(wide[a], wide[b], alpha, alpha0)


def log_odds_one_vs_rest(
    counts: pd.DataFrame,
    *,
    prior: pd.Series | float | None = None,
    prior_scale: float | None = None,
) -> pd.DataFrame:
    """Log-odds ratio with Dirichlet prior of every group against all other groups pooled.

    For each group :math:`g`, applies :func:`log_odds_dirichlet` with ``a`` = :math:`g` and
    ``b`` = the sum of the counts of all other groups. The prior is resolved once from the
    whole table (same ``prior``/``prior_scale`` semantics), so every comparison uses the same
    :math:`\\alpha_w`.

    Parameters
    ----------
    counts : pandas.DataFrame
        Long table with columns ``term``, ``group``, ``n``; at least two groups.
    prior, prior_scale
        As in :func:`log_odds_dirichlet`.

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` followed by :data:`LOG_ODDS_COLUMNS` (``count_a`` is the group's
        count, ``count_b`` the rest's), sorted by ``group``, then ``z`` descending, then
        ``term``.
    """
    wide = _wide_counts(counts)
    if wide.shape[1] < 2:
        raise ValueError("one-vs-rest needs at least two groups")
    alpha, alpha0 = _resolve_prior(wide, prior, prior_scale)
    total = wide.sum(axis=1)
    tables = [
        _log_odds_frame(wide[group], total - wide[group], alpha, alpha0).assign(group=group)
        for group in wide.columns
    ]
    return pd.concat(tables, ignore_index=True)[["group", *LOG_ODDS_COLUMNS]]


# --------------------------------------------------------------------------------------
# Article x category counts shared by the rate functions
# --------------------------------------------------------------------------------------


def _article_matrix(
    articles: pd.DataFrame, mentions: pd.DataFrame, *, by: str, category_col: str
) -> tuple[pd.DataFrame, pd.Index, np.ndarray]:
    """Validate inputs; return articles sorted by (by, article_id), categories, count matrix.

    The matrix has one row per article (in the returned order) and one column per category:
    the number of mentions of that category in that article.
    """
    missing = {"article_id", by, "n_words"} - set(articles.columns)
    if missing:
        raise ValueError(f"articles lacks column(s) {sorted(missing)}")
    missing = {"article_id", category_col} - set(mentions.columns)
    if missing:
        raise ValueError(f"mentions lacks column(s) {sorted(missing)}")
    table = articles[["article_id", by, "n_words"]]
    if table.isna().to_numpy().any():
        raise ValueError(f"articles has missing article_id, {by} or n_words")
    if table["article_id"].duplicated().any():
        raise ValueError("articles.article_id must be unique")
    if not (pd.to_numeric(table["n_words"]) > 0).all():
        raise ValueError("articles.n_words must be positive")
    if mentions[["article_id", category_col]].isna().to_numpy().any():
        raise ValueError(f"mentions has missing article_id or {category_col}")
    table = table.sort_values([by, "article_id"], kind="mergesort").reset_index(drop=True)
    column = mentions[category_col]
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = pd.Index(column.cat.categories)
    else:
        categories = pd.Index(sorted(column.unique()))
    rows = pd.Index(table["article_id"]).get_indexer(mentions["article_id"])
    if (rows < 0).any():
        unknown = mentions["article_id"].to_numpy()[rows < 0][0]
        raise ValueError(f"mentions refers to article_id {unknown!r} absent from articles")
    cols = categories.get_indexer(column)
    matrix = np.zeros((len(table), len(categories)), dtype=np.int64)
    np.add.at(matrix, (rows, cols), 1)
    return table, categories, matrix


# --------------------------------------------------------------------------------------
# Bootstrap rates
# --------------------------------------------------------------------------------------


def group_rng(seed: int, group) -> np.random.Generator:
    """The random generator of one group: seeded by ``seed`` and a stable hash of the group name.

    Each group draws from its own stream (``numpy.random.default_rng([seed, crc32(name)])``),
    so a group's interval does not change when other groups are added, removed or renamed,
    and it is the same in every process (CRC-32 does not depend on ``PYTHONHASHSEED``).
    """
    return np.random.default_rng([int(seed), zlib.crc32(str(group).encode("utf-8"))])


def bootstrap_rates(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    by: str = "bloc",
    category_col: str = "category",
    n_boot: int = 2000,
    ci: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Mention rates and article shares per group and category, with bootstrap intervals.

    For the articles :math:`i \\in g` of group :math:`g`, with :math:`m_{ic}` mentions of
    category :math:`c` and :math:`w_i` words, the rate is the ratio of sums
    :math:`r_{gc} = 1000 \\sum_i m_{ic} / \\sum_i w_i` (mentions per 1,000 words, so long
    articles weigh more) and the share is
    :math:`s_{gc} = \\#\\{i : m_{ic} > 0\\} / n_g`.

    **What is resampled.** A nonparametric percentile bootstrap (Efron & Tibshirani 1993,
    ch. 13): within each group separately, ``n_g`` articles are drawn *with replacement* from
    the group's ``n_g`` articles, ``n_boot`` times; :math:`r` and :math:`s` are recomputed
    from each replicate (ratio of the resampled sums), and the interval is the
    :math:`(1-ci)/2` and :math:`(1+ci)/2` quantiles (``numpy.quantile``, linear
    interpolation) of the replicates. Articles are the resampling unit because mentions
    cluster within articles; word-level intervals would be far too narrow.

    **What the interval means.** It describes how much the group's rate would vary if the
    group's articles had been a different random sample from the same population of
    articles. It says nothing about outlet selection or coding error, and it is conditional
    on the lexicon.

    **Few articles.** The bootstrap can only recombine the articles it has. With one article
    the interval collapses to the point estimate (``ci_degenerate`` is True) - this is not
    certainty, it is the absence of information; with two or three articles there are only
    3 or 10 distinct resamples, so the interval is coarse and usually too narrow or too
    wide. A category never mentioned in a group gets rate 0 and interval [0, 0] whatever the
    number of articles. Intervals are returned anyway; report ``n_articles`` alongside.

    **Reproducibility.** Articles within a group are taken in ``article_id`` order; each
    group has its own generator (:func:`group_rng`: ``seed`` plus a stable hash of the group
    name), which draws an ``(n_boot, n_g)`` matrix of article indices with
    ``rng.integers(0, n_g, ...)``. Row order of the inputs, and the other groups present, do
    not change a group's result.

    Parameters
    ----------
    articles : pandas.DataFrame
        One row per article: ``article_id`` (unique), ``by`` (group label) and ``n_words``
        (positive).
    mentions : pandas.DataFrame
        One row per match: ``article_id`` and ``category_col``, already filtered by the
        caller (e.g. to one voice). Categories are the sorted distinct values, or all
        categories of a categorical column (use one to report never-mentioned categories).
    by : str, default "bloc"
        Grouping column of ``articles``.
    category_col : str, default "category"
        Category column of ``mentions``.
    n_boot : int, default 2000
        Bootstrap replicates per group.
    ci : float, default 0.95
        Coverage of the percentile interval, in (0, 1).
    seed : int, default DEFAULT_SEED
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    pandas.DataFrame
        One row per (group, category), every category in every group (zero mentions give
        rate 0): ``<by>, <category_col>, n_articles, n_words, n_mentions, per_1k_words,
        per_1k_low, per_1k_high, n_articles_with, share_articles, share_low, share_high,
        ci_degenerate, n_boot, ci, seed``.
    """
    if int(n_boot) != n_boot or n_boot < 1:
        raise ValueError("n_boot must be a positive integer")
    if not 0 < ci < 1:
        raise ValueError("ci must be in (0, 1)")
    table, categories, matrix = _article_matrix(
        articles, mentions, by=by, category_col=category_col
    )
    words = table["n_words"].to_numpy()
    quantiles = [(1 - ci) / 2, (1 + ci) / 2]
    pieces = []
    for group, rows in table.groupby(by, sort=True).indices.items():
        counts, group_words, n = matrix[rows], words[rows], len(rows)
        draws = group_rng(seed, group).integers(0, n, size=(int(n_boot), n))
        # weights[r, i] = how often article i was drawn in replicate r.
        offsets = draws + n * np.arange(int(n_boot))[:, None]
        weights = (
            np.bincount(offsets.ravel(), minlength=int(n_boot) * n)
            .reshape(int(n_boot), n)
            .astype(float)
        )
        boot_rate = 1000.0 * (weights @ counts) / (weights @ group_words)[:, None]
        boot_share = (weights @ (counts > 0)) / n
        rate_low, rate_high = np.quantile(boot_rate, quantiles, axis=0)
        share_low, share_high = np.quantile(boot_share, quantiles, axis=0)
        n_mentions = counts.sum(axis=0)
        n_with = (counts > 0).sum(axis=0)
        pieces.append(
            pd.DataFrame(
                {
                    by: group,
                    category_col: categories,
                    "n_articles": n,
                    "n_words": group_words.sum(),
                    "n_mentions": n_mentions,
                    "per_1k_words": 1000.0 * n_mentions / group_words.sum(),
                    "per_1k_low": rate_low,
                    "per_1k_high": rate_high,
                    "n_articles_with": n_with,
                    "share_articles": n_with / n,
                    "share_low": share_low,
                    "share_high": share_high,
                    "ci_degenerate": n < 2,
                }
            )
        )
    columns = [by, category_col, "n_articles", "n_words", "n_mentions", "per_1k_words",
               "per_1k_low", "per_1k_high", "n_articles_with", "share_articles", "share_low",
               "share_high", "ci_degenerate"]  # fmt: skip
    rates = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=columns)
    return rates[columns].assign(n_boot=int(n_boot), ci=float(ci), seed=seed)


# --------------------------------------------------------------------------------------
# Permutation test
# --------------------------------------------------------------------------------------


def _rate_differences(in_a: np.ndarray, counts: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Per-1k-word rate of the articles flagged in each row of ``in_a`` minus the others'."""
    in_a = in_a.astype(float)
    mentions_a = in_a @ counts
    words_a = in_a @ words
    mentions_b = counts.sum(axis=0) - mentions_a
    words_b = words.sum() - words_a
    return 1000.0 * (mentions_a / words_a[:, None] - mentions_b / words_b[:, None])


def _all_assignments(n_total: int, n_a: int) -> np.ndarray:
    """Boolean matrix with one row per way of choosing ``n_a`` of ``n_total`` articles."""
    chosen = np.array(list(combinations(range(n_total), n_a)), dtype=np.intp)
    in_a = np.zeros((len(chosen), n_total), dtype=bool)
    in_a[np.arange(len(chosen))[:, None], chosen] = True
    return in_a


def permutation_test(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    by: str = "bloc",
    a: Hashable,
    b: Hashable,
    category_col: str = "category",
    n_perm: int = 9999,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Two-sided permutation test of the difference in per-1k-word rates, group a minus b.

    **Statistic.** For each category :math:`c`,
    :math:`T_c = r_{ac} - r_{bc}` with :math:`r_{gc} = 1000 \\sum_{i \\in g} m_{ic} /
    \\sum_{i \\in g} w_i` (the ``per_1k_words`` of :func:`bootstrap_rates`).

    **Null hypothesis and what is permuted.** The group labels are exchangeable among the
    :math:`n_a + n_b` articles of the two groups (articles of other groups are ignored): the
    labels are shuffled, keeping :math:`n_a` articles in ``a``, and :math:`T_c` is recomputed.
    The same label assignments are used for every category.

    **p-value.** Two-sided. With :math:`M` = ``n_perm`` random assignments, of which :math:`B`
    give :math:`|T^*_c| \\ge |T_c|`, :math:`p = (1 + B) / (1 + M)` (Phipson & Smyth 2010):
    never zero and a valid (slightly conservative) test. When the number of distinct
    assignments :math:`\\binom{n_a+n_b}{n_a}` (column ``n_distinct_perms``) is at most
    ``n_perm``, *all* of them are enumerated instead (``exact`` is True, ``n_perm`` is then
    the number enumerated) and :math:`p = B / \\binom{n_a+n_b}{n_a}`, the exact permutation
    p-value (the observed assignment is among those counted). Ties within a relative
    tolerance of 1e-12 count as "at least as extreme".

    **What the p-value means.** How often a split of these same articles into groups of these
    sizes, made without regard to group, gives a rate difference at least as large in
    absolute value as the observed one. With few articles the smallest attainable p-value is
    :math:`1/\\binom{n_a+n_b}{n_a}` (e.g. 1/6 for two articles against two), so "not
    significant" there says little. The p-values are per category; correct for multiple
    comparisons yourself.

    Parameters
    ----------
    articles : pandas.DataFrame
        One row per article: ``article_id`` (unique), ``by`` and ``n_words`` (positive).
    mentions : pandas.DataFrame
        One row per match: ``article_id`` and ``category_col``.
    by : str, default "bloc"
        Grouping column of ``articles``.
    a, b : hashable
        The two groups compared (``diff`` = rate of ``a`` minus rate of ``b``).
    category_col : str, default "category"
        Category column of ``mentions`` (categories as in :func:`bootstrap_rates`).
    n_perm : int, default 9999
        Random label assignments drawn when exact enumeration is not used.
    seed : int, default DEFAULT_SEED
        Seed of ``numpy.random.default_rng`` (rows are shuffled with ``rng.permuted``).

    Returns
    -------
    pandas.DataFrame
        One row per category: ``<category_col>, a, b, rate_a, rate_b, diff, p_value, n_a, n_b,
        n_perm, n_distinct_perms, exact, seed``. ``n_distinct_perms`` is a float because it can
        exceed the range of 64-bit integers (``inf`` beyond about 1e307).
    """
    if int(n_perm) != n_perm or n_perm < 1:
        raise ValueError("n_perm must be a positive integer")
    if a == b:
        raise ValueError("a and b must be different groups")
    table, categories, matrix = _article_matrix(
        articles, mentions, by=by, category_col=category_col
    )
    for group in (a, b):
        if not (table[by] == group).any():
            raise ValueError(f"group {group!r} has no articles")
    keep = table[by].isin([a, b]).to_numpy()
    counts = matrix[keep].astype(float)
    words = table["n_words"].to_numpy(dtype=float)[keep]
    observed_in_a = (table[by] == a).to_numpy()[keep]
    n_a, n_total = int(observed_in_a.sum()), int(keep.sum())
    n_distinct = math.comb(n_total, n_a)

    observed = _rate_differences(observed_in_a[None, :], counts, words)[0]
    exact = n_distinct <= n_perm
    if exact:
        assignments = _all_assignments(n_total, n_a)
    else:
        rng = np.random.default_rng(seed)
        assignments = rng.permuted(np.tile(observed_in_a, (int(n_perm), 1)), axis=1)
    threshold = np.abs(observed) - _TIE_EPS * np.maximum(np.abs(observed), 1.0)
    n_extreme = np.zeros(len(categories), dtype=np.int64)
    for start in range(0, len(assignments), _PERM_CHUNK):
        permuted = _rate_differences(assignments[start : start + _PERM_CHUNK], counts, words)
        n_extreme += (np.abs(permuted) >= threshold).sum(axis=0)
    n_used = len(assignments)
    p_value = n_extreme / n_used if exact else (1 + n_extreme) / (1 + n_used)

    rate_a = 1000.0 * counts[observed_in_a].sum(axis=0) / words[observed_in_a].sum()
    rate_b = 1000.0 * counts[~observed_in_a].sum(axis=0) / words[~observed_in_a].sum()
    return pd.DataFrame(
        {
            category_col: categories,
            "a": [a] * len(categories),
            "b": [b] * len(categories),
            "rate_a": rate_a,
            "rate_b": rate_b,
            "diff": observed,
            "p_value": p_value,
            "n_a": n_a,
            "n_b": n_total - n_a,
            "n_perm": n_used,
            "n_distinct_perms": float(n_distinct) if n_distinct < 2**1023 else math.inf,
            "exact": exact,
            "seed": seed,
        }
    )


# --------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------


def krippendorff_alpha(codings: pd.DataFrame, *, level: str = "nominal") -> float:
    """Krippendorff's alpha for any number of coders, with missing codings.

    Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability". Units coded by
    fewer than two coders are not pairable and are dropped. With :math:`n_{uc}` the number of
    coders who gave unit :math:`u` value :math:`c` and :math:`m_u = \\sum_c n_{uc}`, the
    coincidence matrix is :math:`o_{ck} = \\sum_u n_{uc}(n_{uk} - [c = k]) / (m_u - 1)`,
    with margins :math:`n_c = \\sum_k o_{ck}` and :math:`n = \\sum_c n_c` (pairable values).
    Then

    .. math::

        \\alpha = 1 - \\frac{D_o}{D_e}
               = 1 - (n - 1)\\frac{\\sum_c \\sum_k o_{ck}\\, \\delta^2_{ck}}
                                 {\\sum_c \\sum_k n_c n_k\\, \\delta^2_{ck}},

    with :math:`\\delta^2_{ck} = [c \\ne k]` (nominal) or :math:`(c - k)^2` (interval).
    :math:`\\alpha = 1` is perfect agreement, 0 is agreement at chance level; Krippendorff
    (2004, *Content Analysis*, 2nd ed., p. 241) suggests relying on variables with :math:`\\alpha \\ge 0.800` and drawing only tentative
    conclusions for :math:`0.667 \\le \\alpha < 0.800`.

    Parameters
    ----------
    codings : pandas.DataFrame
        Rows are units, columns are coders; NaN/None means "not coded". Values are labels
        (any hashable) for ``"nominal"``, numbers for ``"interval"``.
    level : {"nominal", "interval"}, default "nominal"
        Level of measurement, which sets the distance :math:`\\delta^2`.

    Returns
    -------
    float
        Alpha; NaN when it is undefined (fewer than two pairable values, or a single value
        used throughout, so that expected disagreement is zero).
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}")
    values = codings.to_numpy(dtype=object)
    coded = ~pd.isna(values)
    units = np.nonzero(coded)[0]
    if level == "interval":
        try:
            numbers = values[coded].astype(float)
        except (TypeError, ValueError) as error:
            raise ValueError("interval alpha needs numeric codings") from error
        domain, codes = np.unique(numbers, return_inverse=True)
    else:
        codes, domain = pd.factorize(pd.Series(values[coded], dtype=object), sort=False)
        domain = np.asarray(domain)
    n_values = len(domain)
    by_unit = np.zeros((codings.shape[0], n_values))
    np.add.at(by_unit, (units, codes), 1.0)
    pairable = by_unit.sum(axis=1)
    by_unit = by_unit[pairable >= 2]
    weights = by_unit / (by_unit.sum(axis=1) - 1.0)[:, None]
    coincidences = weights.T @ by_unit - np.diag(weights.sum(axis=0))
    margins = coincidences.sum(axis=1)
    n = margins.sum()
    if level == "nominal":
        distance = 1.0 - np.eye(n_values)
    else:
        distance = (domain[:, None] - domain[None, :]) ** 2
    expected = float(np.sum(np.outer(margins, margins) * distance))
    if n < 2 or expected == 0:
        return float("nan")
    return float(1.0 - (n - 1.0) * np.sum(coincidences * distance) / expected)


# --------------------------------------------------------------------------------------
# Precision, recall, F1
# --------------------------------------------------------------------------------------


def prf_table(
    gold: pd.Series,
    pred: pd.Series,
    *,
    labels: Sequence[Hashable] | None = None,
    zero_division: float = 0.0,
) -> pd.DataFrame:
    """Per-label precision, recall and F1, with macro and micro averages.

    For label :math:`l`: :math:`TP_l` = items with gold :math:`l` predicted :math:`l`,
    :math:`FP_l` = predicted :math:`l` with other gold, :math:`FN_l` = gold :math:`l`
    predicted otherwise; precision :math:`TP/(TP+FP)`, recall :math:`TP/(TP+FN)`,
    :math:`F_1 = 2TP/(2TP+FP+FN)` (the harmonic mean of precision and recall whenever both
    are defined). Macro = unweighted mean of the per-label scores over ``labels``; micro =
    the same formulas on :math:`TP, FP, FN` summed over ``labels`` (equal to accuracy when
    ``labels`` covers every label). Conventions match
    ``sklearn.metrics.precision_recall_fscore_support``.

    Parameters
    ----------
    gold, pred : pandas.Series
        Gold and predicted label per item, with identical indexes (so items cannot be
        silently misaligned) and no missing values.
    labels : sequence, optional
        Labels to report, in this order. Default: the sorted union of gold and predicted
        labels. Passing a subset (e.g. leaving out a "none" class) restricts both the rows and
        the averages; other labels still produce false positives/negatives.
    zero_division : float, default 0.0
        Value used when a score's denominator is zero (precision of a never-predicted label,
        recall of a label absent from gold). Pass ``numpy.nan`` to leave such scores
        undefined; NaN scores are then left out of the macro average.

    Returns
    -------
    pandas.DataFrame
        Columns ``label, precision, recall, f1, support, tp, fp, fn``: one row per label, then
        rows labelled ``"macro"`` and ``"micro"`` whose ``support, tp, fp, fn`` are totals
        over ``labels``. ``support`` is the number of gold items with the label.
    """
    if not gold.index.equals(pred.index):
        raise ValueError("gold and pred must have identical indexes")
    if gold.isna().any() or pred.isna().any():
        raise ValueError("gold and pred must not have missing labels")
    if labels is None:
        labels = sorted(set(gold) | set(pred))
    labels = list(labels)
    if not labels or len(set(labels)) != len(labels):
        raise ValueError("labels must be non-empty and distinct")
    if set(labels) & set(_AVERAGE_LABELS):
        raise ValueError(f"labels may not be named {_AVERAGE_LABELS} (used for the averages)")
    index = pd.Index(labels)
    gold_codes = index.get_indexer(gold.to_numpy())
    pred_codes = index.get_indexer(pred.to_numpy())
    hits = (gold_codes == pred_codes) & (gold_codes >= 0)
    tp = np.bincount(gold_codes[hits], minlength=len(labels))
    support = np.bincount(gold_codes[gold_codes >= 0], minlength=len(labels))
    n_pred = np.bincount(pred_codes[pred_codes >= 0], minlength=len(labels))
    per_label = _prf_scores(tp, n_pred - tp, support - tp, zero_division=zero_division)
    micro = _prf_scores(
        np.array([tp.sum()]),
        np.array([n_pred.sum() - tp.sum()]),
        np.array([support.sum() - tp.sum()]),
        zero_division=zero_division,
    )
    macro = micro.assign(
        precision=per_label["precision"].mean(skipna=True),
        recall=per_label["recall"].mean(skipna=True),
        f1=per_label["f1"].mean(skipna=True),
    )
    table = pd.concat([per_label, macro, micro], ignore_index=True)
    label = pd.Series([*labels, *_AVERAGE_LABELS], dtype=object)
    return table.assign(label=label)[
        ["label", "precision", "recall", "f1", "support", "tp", "fp", "fn"]
    ]


def _prf_scores(
    tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, *, zero_division: float
) -> pd.DataFrame:
    """Precision, recall and F1 (2TP / (2TP + FP + FN)) from count arrays."""

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.where(den > 0, num / np.maximum(den, 1), zero_division)

    return pd.DataFrame(
        {
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
            "f1": ratio(2 * tp, 2 * tp + fp + fn),
            "support": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    )
