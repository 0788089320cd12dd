"""Comparing blocs: rates with uncertainty, keyness, a classifier, a similarity map.

These functions take the article table and the matches table (:func:`kazframe.label`) and
return tidy tables ready for a paper. The statistics themselves live in
:mod:`kazframe.stats` (bootstrap, permutation test, log-odds with informative Dirichlet
prior), each checked there against a hand-worked example and an independent implementation.

Syndication switch
------------------
Wire copy inflates counts when several outlets reprint it. Every function here takes
``placements="all"`` (default: every article as published) or ``placements="unique"``:

* an article that is mostly a reprint (at least :data:`REPRINT_SHARE` of its body in
  passages shared with an earlier article, or an exact copy) is left out: one article per
  story group of :func:`kazframe.dedup.unique_stories`, the earliest placement;
* an article that reuses a substantial part of an earlier one (at least :data:`REUSE_SHARE`
  of either body shared) keeps its own material: only its passages shared with the earlier
  article (:func:`kazframe.dedup.find_shared_passages`) are taken out, both their matches
  and their words. Below that share, shared sentences are usually the same statement quoted
  by two outlets, which is not syndication.

The corpus itself is never changed: duplicates are marked, not deleted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dedup import find_duplicates, find_shared_passages, unique_stories
from .lexicon import Lexicon, load_lexicon
from .registry import BLOCS
from .stats import (
    DEFAULT_SEED,
    bootstrap_rates,
    log_odds_dirichlet,
    log_odds_one_vs_rest,
    permutation_test,
)
from .text import WORD_RE

__all__ = [
    "select_placements",
    "rates",
    "compare_groups",
    "keyness",
    "rate_table",
    "classify_blocs",
    "similarity_map",
    "syndication_grid",
]

KEYNESS_COLUMNS = ("term", "count_a", "count_b", "prior", "log_odds", "variance", "z")


#: Share of an article's body, shared with an earlier article, from which it counts as a reprint.
REPRINT_SHARE = 0.8
#: Share of body shared between two articles from which the later one counts as reusing the
#: earlier (below it, shared sentences are usually the same official statement quoted by both).
REUSE_SHARE = 0.3


def _copied_spans(corpus: pd.DataFrame) -> dict[str, list[tuple[int, int]]]:
    """Body spans of each article that repeat an earlier article (merged, sorted)."""
    passages = find_shared_passages(corpus)
    pairs = find_duplicates(corpus, threshold=REUSE_SHARE, passages=passages)
    linked = set(zip(pairs["article_id_a"], pairs["article_id_b"], strict=True))
    passages = passages[[(a, b) in linked for a, b in zip(passages["article_id_a"], passages["article_id_b"],
                                                          strict=True)]]
    if passages.empty:
        return {}
    order = corpus.reset_index(drop=True).assign(_pos=lambda t: range(len(t)))
    key = dict(zip(order["article_id"], zip(pd.to_datetime(order["date_start"]).fillna(pd.Timestamp.max),
                                            order["_pos"], strict=True), strict=True))
    spans: dict[str, list[tuple[int, int]]] = {}
    for p in passages.itertuples(index=False):
        later_is_b = key[p.article_id_b] > key[p.article_id_a]
        aid, a, b = (p.article_id_b, p.start_b, p.end_b) if later_is_b else (p.article_id_a, p.start_a, p.end_a)
        spans.setdefault(aid, []).append((int(a), int(b)))
    merged = {}
    for aid, items in spans.items():
        out: list[list[int]] = []
        for a, b in sorted(items):
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        merged[aid] = [(a, b) for a, b in out]
    return merged


def select_placements(corpus: pd.DataFrame, matches: pd.DataFrame | None = None, *,
                      placements: str = "all") -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The corpus (and matches) to count: all placements, or unique stories.

    Parameters
    ----------
    placements : {"all", "unique"}
        ``"unique"``: reprints (:data:`REPRINT_SHARE`) are left out, and passages an article
        shares with an earlier one are taken out of it (their matches dropped, their words
        subtracted from ``n_words``); see the module docstring.

    Returns
    -------
    (corpus, matches)
        New tables; the caller's are not modified. With ``"unique"`` the corpus has an extra
        column ``n_words_removed``.
    """
    if placements == "all":
        return corpus, matches
    if placements != "unique":
        raise ValueError(f"placements must be 'all' or 'unique', not {placements!r}")
    kept = unique_stories(corpus, min_share=REPRINT_SHARE)
    copied = _copied_spans(kept)
    removed_words = {aid: sum(len(WORD_RE.findall(text[a:b])) for a, b in copied.get(aid, []))
                     for aid, text in zip(kept["article_id"], kept["text"], strict=True)}
    kept = kept.assign(n_words_removed=kept["article_id"].map(removed_words).astype("int64"))
    kept = kept.assign(n_words=kept["n_words"] - kept["n_words_removed"])
    if matches is None:
        return kept, None
    m = matches[matches["article_id"].isin(set(kept["article_id"]))]
    inside = [
        field == "body" and any(a <= start < b for a, b in copied.get(aid, ()))
        for aid, field, start in zip(m["article_id"], m["field"], m["text_start"], strict=True)
    ]
    return kept, m[~pd.Series(inside, index=m.index, dtype=bool)]


def _filter_voice(matches: pd.DataFrame, voice: str | None) -> pd.DataFrame:
    if voice is None:
        return matches
    voices = [voice] if isinstance(voice, str) else list(voice)
    bad = set(voices) - {"own", "quoted", "reported"}
    if bad:
        raise ValueError(f"voice must be own, quoted or reported, not {sorted(bad)}")
    return matches[matches["voice"].isin(voices)]


def rates(corpus: pd.DataFrame, matches: pd.DataFrame, *, by: str = "bloc", unit: str = "category",
          voice: str | None = None, placements: str = "all", n_boot: int = 2000,
          seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Mentions per 1,000 words and share of articles mentioning, with bootstrap CIs.

    Parameters
    ----------
    corpus, matches : pandas.DataFrame
        The article table and the matches table.
    by : str
        Article column to group by: ``"bloc"``, ``"outlet"``, ...
    unit : {"category", "entry", "frame", "concept"}
        What is counted.
    voice : {None, "own", "quoted", "reported"}
        Count only occurrences in this voice (None: all). Word totals stay the articles'
        words, so rates of the three voices add up to the rate of all voices.
    placements : {"all", "unique"}
        See the module docstring.
    n_boot, seed : int
        Bootstrap replicates and seed (resampling articles within each group; see
        :func:`kazframe.stats.bootstrap_rates`).

    Returns
    -------
    pandas.DataFrame
        One row per (group, unit value): ``<by>, <unit>, n_articles, n_words, n_mentions,
        per_1k_words, per_1k_low, per_1k_high, n_articles_with, share_articles, share_low,
        share_high, ci_degenerate, ...`` plus ``voice`` and ``placements`` columns recording
        the selection.
    """
    corpus, matches = select_placements(corpus, matches, placements=placements)
    mentions = _filter_voice(matches, voice)
    lexicon_values = _all_values(matches, unit)
    mentions = mentions.assign(**{unit: pd.Categorical(mentions[unit], categories=lexicon_values)})
    table = bootstrap_rates(corpus[["article_id", by, "n_words"]], mentions[["article_id", unit]], by=by,
                            category_col=unit, n_boot=n_boot, seed=seed)
    # conservation: every article and every selected mention is counted exactly once
    per_group = table.groupby(by, observed=True)
    assert per_group["n_articles"].first().sum() == len(corpus), "rates lost articles"
    assert table["n_mentions"].sum() == mentions["article_id"].isin(corpus["article_id"]).sum(), "rates lost mentions"
    return table.assign(voice=voice or "all", placements=placements)


def _all_values(matches: pd.DataFrame, unit: str) -> list[str]:
    if unit not in ("category", "entry", "frame", "concept"):
        raise ValueError(f"unit must be category, entry, frame or concept, not {unit!r}")
    return sorted(matches[unit].dropna().unique())


def compare_groups(corpus: pd.DataFrame, matches: pd.DataFrame, *, a: str, b: str, by: str = "bloc",
                   unit: str = "category", voice: str | None = None, placements: str = "all",
                   n_perm: int = 9999, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Permutation test of the difference in per-1k-word rates between groups ``a`` and ``b``.

    Exact (all label assignments enumerated) when there are few articles; see
    :func:`kazframe.stats.permutation_test`. Returns one row per unit value.
    """
    corpus, matches = select_placements(corpus, matches, placements=placements)
    mentions = _filter_voice(matches, voice)
    table = permutation_test(corpus[["article_id", by, "n_words"]], mentions[["article_id", unit]], by=by, a=a,
                             b=b, category_col=unit, n_perm=n_perm, seed=seed)
    return table.assign(voice=voice or "all", placements=placements)


def _own_voice_texts(corpus: pd.DataFrame, voice: str | None) -> list[str]:
    """Article texts, or with voice="own" the texts with quoted and reported spans removed."""
    from .quotes import find_attributions

    out = []
    for art in corpus.itertuples(index=False):
        if voice is None:
            out.append(f"{art.title}\n\n{art.text}")
            continue
        title_attr, body_attr = find_attributions(art.text, title=art.title)
        pieces = []
        for s, attrs in ((art.title, title_attr), (art.text, body_attr)):
            # blank every quoted or reported span (merged), keeping the other words in place
            kept, pos = [], 0
            for a, b in sorted((at.start, at.end) for at in attrs):
                if b <= pos:
                    continue
                a = max(a, pos)
                kept.append(s[pos:a])
                kept.append(" " * (b - a))
                pos = b
            kept.append(s[pos:])
            pieces.append("".join(kept))
        out.append("\n\n".join(pieces))
    return out


def keyness(corpus: pd.DataFrame, *, a: str, b: str | None = None, by: str = "bloc", unit: str = "word",
            voice: str | None = None, matches: pd.DataFrame | None = None, lexicon: Lexicon | None = None,
            prior=None, prior_scale: float | None = None, placements: str = "all") -> pd.DataFrame:
    """Distinctive terms of group ``a`` vs ``b`` (or vs all others): Fightin' Words log-odds.

    Log-odds ratio with an informative Dirichlet prior and its z-score (Monroe, Colaresi &
    Quinn 2008); see :func:`kazframe.stats.log_odds_dirichlet` for the formulas and the
    default prior (each term's pooled count).

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table.
    a, b : str
        Groups (values of ``by``). ``b=None`` compares ``a`` with all other groups pooled.
    by : str
        Grouping column of the corpus.
    unit : {"word", "entry"}
        ``"word"``: word counts, with each lexicon match counted as one token ``<entry>`` so
        tokens agree with the labeler (:class:`kazframe.vectorize.LexiconAnalyzer`, English
        stop words dropped). ``"entry"``: counts of lexicon entries from the matches table.
    voice : {None, "own"}
        ``"own"``: only the outlet's own voice (for words: text outside quotations and
        reported statements; for entries: matches with voice "own").
    matches : pandas.DataFrame, optional
        The matches table (computed with :func:`kazframe.label` when needed and not given).
    prior, prior_scale
        Passed to :func:`kazframe.stats.log_odds_dirichlet`.
    placements : {"all", "unique"}

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term, count_a, count_b, prior, log_odds, variance, z`` (anyone can
        re-derive ``z = log_odds / sqrt(variance)``), sorted by z, with ``a``, ``b``, ``unit``,
        ``voice`` columns recording the comparison.
    """
    if unit not in ("word", "entry"):
        raise ValueError(f"unit must be 'word' or 'entry', not {unit!r}")
    if voice not in (None, "own"):
        raise ValueError("keyness voice must be None or 'own'")
    groups = set(corpus[by])
    for g in (a, b):
        if g is not None and g not in groups:
            raise ValueError(f"group {g!r} not found in column {by!r} (groups: {sorted(map(str, groups))})")
    if unit == "entry" and matches is None:
        from .label import label

        matches = label(corpus, lexicon)
    corpus, matches = select_placements(corpus, matches, placements=placements)
    side = corpus[by].where(corpus[by] == a, "__rest__") if b is None else corpus[by]
    keep = corpus[by].isin([a] if b is None else [a, b]) | (b is None)
    sub, side = corpus[keep], side[keep]
    if unit == "entry":
        m = _filter_voice(matches, voice)
        m = m[m["article_id"].isin(sub["article_id"])]
        counts = (m.assign(group=m["article_id"].map(dict(zip(sub["article_id"], side, strict=True))))
                  .groupby(["entry", "group"]).size().rename("n").reset_index().rename(columns={"entry": "term"}))
    else:
        from .vectorize import make_term_vectorizer

        vec = make_term_vectorizer(lexicon or load_lexicon())
        dtm = vec.fit_transform(_own_voice_texts(sub, voice))
        terms = vec.get_feature_names_out()
        rows = []
        for g in sorted(set(side)):
            totals = np.asarray(dtm[(side == g).to_numpy()].sum(axis=0)).ravel()
            nz = np.flatnonzero(totals)
            rows.append(pd.DataFrame({"term": terms[nz], "group": g, "n": totals[nz]}))
        counts = pd.concat(rows, ignore_index=True)
    bname = "__rest__" if b is None else b
    table = log_odds_dirichlet(counts, a=a, b=bname, prior=prior, prior_scale=prior_scale)
    return table.assign(a=a, b="rest" if b is None else b, unit=unit, voice=voice or "all")


def keyness_one_vs_rest(corpus: pd.DataFrame, matches: pd.DataFrame, *, by: str = "bloc",
                        voice: str | None = None) -> pd.DataFrame:
    """Lexicon-entry keyness of every group against all others (``group`` column added)."""
    m = _filter_voice(matches, voice)
    groups = m["article_id"].map(corpus.set_index("article_id")[by])
    counts = m.assign(group=groups).groupby(["entry", "group"]).size().rename("n").reset_index()
    return log_odds_one_vs_rest(counts.rename(columns={"entry": "term"}))


def rate_table(corpus: pd.DataFrame, matches: pd.DataFrame, *, row: str = "outlet", unit: str = "category",
               voice: str | None = None) -> pd.DataFrame:
    """Mentions per 1,000 words for every (row group, unit value), zeros included (for heatmaps).

    Returns ``<row>, bloc, <unit>, n_mentions, n_words, per_1k_words``.
    """
    m = _filter_voice(matches, voice)
    words = corpus.groupby(row)["n_words"].sum()
    blocs = corpus.groupby(row)["bloc"].first()
    values = _all_values(matches, unit)
    grid = pd.MultiIndex.from_product([sorted(words.index), values], names=[row, unit]).to_frame(index=False)
    counts = (m.assign(**{row: m["article_id"].map(corpus.set_index("article_id")[row])})
              .groupby([row, unit]).size().rename("n_mentions").reset_index())
    table = grid.merge(counts, on=[row, unit], how="left").fillna({"n_mentions": 0})
    table["n_mentions"] = table["n_mentions"].astype("int64")
    table["n_words"] = table[row].map(words).astype("int64")
    table["bloc"] = table[row].map(blocs)
    table["per_1k_words"] = 1000 * table["n_mentions"] / table["n_words"]
    order = {b: i for i, b in enumerate(BLOCS)}
    table = table.assign(_o=table["bloc"].map(order)).sort_values(["_o", row, unit]).drop(columns="_o")
    return table[[row, "bloc", unit, "n_mentions", "n_words", "per_1k_words"]].reset_index(drop=True)


def classify_blocs(corpus: pd.DataFrame, matches: pd.DataFrame, *, unit: str = "category", voice: str = "split",
                   placements: str = "all", C: float = 1.0, top: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Can you tell the bloc from the framing? A linear classifier with leave-one-article-out CV.

    A multinomial logistic regression (scikit-learn, L2, ``C``) on the framing features of
    :class:`kazframe.vectorize.FramingVectorizer` (per-article counts of each category, split
    by voice by default) divided by article length, evaluated by leave-one-article-out
    cross-validation (``cross_val_predict``), against the majority-class baseline evaluated the
    same way. On a handful of articles this only shows that the machinery works.

    Returns
    -------
    (scores, features) : tuple of pandas.DataFrame
        ``scores``: ``model, accuracy, n_correct, n_articles, cv`` for the classifier and the
        majority baseline. ``features``: the ``top`` largest coefficients per bloc of the model
        fitted on all articles: ``bloc, feature, coefficient``.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import LeaveOneOut, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from .vectorize import FramingVectorizer

    corpus, matches = select_placements(corpus, matches, placements=placements)
    vec = FramingVectorizer(unit=unit, voice=voice, matches=matches)
    X = vec.fit_transform(corpus).astype(float)
    X = X.multiply(1000.0 / corpus["n_words"].to_numpy()[:, None]).tocsr()
    y = corpus["bloc"].to_numpy()
    model = make_pipeline(FunctionTransformer(accept_sparse=True), LogisticRegression(C=C, max_iter=5000))
    cv = LeaveOneOut()
    rows = []
    for name, est in (("logistic regression", model), ("majority baseline", DummyClassifier(strategy="most_frequent"))):
        pred = cross_val_predict(est, X, y, cv=cv)
        rows.append({"model": name, "accuracy": float((pred == y).mean()), "n_correct": int((pred == y).sum()),
                     "n_articles": len(y), "cv": "leave-one-article-out"})
    model.fit(X, y)
    clf = model[-1]
    names = vec.get_feature_names_out()
    coef = clf.coef_ if len(clf.classes_) > 2 else np.vstack([-clf.coef_[0], clf.coef_[0]])
    feats = []
    for k, bloc in enumerate(clf.classes_):
        order = np.argsort(-coef[k], kind="stable")[:top]
        feats.extend({"bloc": bloc, "feature": names[j], "coefficient": float(coef[k, j])} for j in order)
    return pd.DataFrame(rows), pd.DataFrame(feats)


def similarity_map(corpus: pd.DataFrame, *, lexicon: Lexicon | None = None, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A 2-D map of the articles: TF-IDF vectors projected by truncated SVD (LSA).

    Tokens agree with the labeler (:func:`kazframe.vectorize.make_term_vectorizer`); vectors
    are L2-normalised TF-IDF; ``TruncatedSVD(n_components=2)`` gives the coordinates.
    Returns ``article_id, outlet, bloc, x, y`` plus ``explained_variance`` of each axis.
    """
    from sklearn.decomposition import TruncatedSVD

    from .vectorize import article_texts, make_term_vectorizer

    vec = make_term_vectorizer(lexicon or load_lexicon(), tfidf=True)
    X = vec.fit_transform(article_texts(corpus))
    svd = TruncatedSVD(n_components=2, random_state=seed, algorithm="arpack")
    xy = svd.fit_transform(X)
    # fix the sign of each axis so the map does not flip between runs or platforms
    signs = np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]])
    xy = xy * np.where(signs == 0, 1, signs)
    return pd.DataFrame({
        "article_id": corpus["article_id"].to_numpy(), "outlet": corpus["outlet"].to_numpy(),
        "bloc": corpus["bloc"].to_numpy(), "x": xy[:, 0], "y": xy[:, 1],
        "explained_variance_x": svd.explained_variance_ratio_[0],
        "explained_variance_y": svd.explained_variance_ratio_[1],
    })


def syndication_grid(corpus: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Every ordered article pair with the share of the row article's body found in the other.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (fixes the order and includes articles that share nothing).
    pairs : pandas.DataFrame
        :func:`kazframe.dedup.find_duplicates` output (``article_id_a, article_id_b, share_a,
        share_b``).

    Returns
    -------
    pandas.DataFrame
        ``article_id, other_id, share`` for all ordered pairs of distinct articles (0 where no
        passage is shared), in corpus order: ready for :func:`kazframe.figures.plot_heatmap`.
    """
    share = {}
    for r in pairs.itertuples(index=False):
        share[(r.article_id_a, r.article_id_b)] = r.share_a
        share[(r.article_id_b, r.article_id_a)] = r.share_b
    ids = corpus["article_id"].tolist()
    rows = [{"article_id": a, "other_id": b, "share": float(share.get((a, b), 0.0))}
            for a in ids for b in ids if a != b]
    table = pd.DataFrame(rows, columns=["article_id", "other_id", "share"])
    order = pd.CategoricalDtype(ids, ordered=True)
    return table.astype({"article_id": order, "other_id": order})
