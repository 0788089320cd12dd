"""Collocations: which words surround a framing label, group by group.

Method
------
Each article's title and body are folded (:func:`kazframe.text.fold`) and cut into
:data:`~kazframe.text.WORD_RE` words (punctuation dropped, scikit-learn's
``ENGLISH_STOP_WORDS`` dropped by default). Every labelled term of the *matches* table
(:func:`kazframe.label.label`) becomes ONE token, ``"<unit>"`` (:func:`kazframe.vectorize.match_token`),
so "attempted coup d'etat" is the single token ``<coup>`` and the node of the analysis is
the target entry, category or concept itself, not one of its words.

Within each group (``by``, e.g. the bloc) the tokens go to NLTK's
:class:`~nltk.collocations.BigramCollocationFinder` with ``window_size = window + 1``: it
counts every ordered pair of tokens at most ``window`` tokens apart (Church & Hanks 1990).
Windows never run across a paragraph, from title to body or from one article to the next
(``window`` empty slots separate them). Windows count tokens *after* stop-word removal.

A collocate ``c`` of the node ``t`` is counted on both sides (the span L``window`` to
R``window``): ``n_together = f(t, c) + f(c, t)``. Following NLTK's own scaling of window
counts (:meth:`~nltk.collocations.BigramCollocationFinder.score_ngram` divides by
``window_size - 1``), the contingency table is

=========================  ==================================  =========
                           collocate ``c``                     not ``c``
=========================  ==================================  =========
node ``t``                 ``O11 = n_together / (2 window)``   ``n_target - O11``
not ``t``                  ``n_collocate - O11``               rest of ``n_tokens``
=========================  ==================================  =========

with ``n_target``, ``n_collocate`` the token frequencies and ``n_tokens`` the number of
tokens of the group, and the scores are NLTK's :class:`~nltk.metrics.BigramAssocMeasures`
on it: ``pmi = log2(O11 n_tokens / (n_target n_collocate))`` (Church & Hanks 1990;
Manning & Schütze 1999, 5.4) and ``log_likelihood = 2 sum O ln(O / E)`` over the four
cells, ``E`` the counts expected under independence (Dunning 1993; Manning & Schütze 5.3.4).
PMI favours rare collocates; read it together with ``n_together`` and the log-likelihood.
The log-likelihood is unsigned (as in NLTK): it is large for a collocate seen much *less*
often than chance too; ``pmi < 0`` marks those.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures

from .registry import BLOCS
from .text import fold
from .vectorize import UNITS, match_token, tokenize_spans

__all__ = ["MEASURES", "COLLOCATE_COLUMNS", "collocates", "article_tokens"]

#: Score name -> :class:`nltk.metrics.BigramAssocMeasures` method.
MEASURES = {
    "pmi": "pmi",
    "log_likelihood": "likelihood_ratio",
    "t_score": "student_t",
    "chi_sq": "chi_sq",
    "dice": "dice",
    "poisson_stirling": "poisson_stirling",
    "jaccard": "jaccard",
}
#: Leading columns of :func:`collocates` (the requested measures follow).
COLLOCATE_COLUMNS = ("group", "target", "collocate", "n_together", "n_collocate", "n_target", "n_tokens")
_FIELDS = (("title", "title"), ("body", "text"))


def article_tokens(article: pd.Series | dict, matches: pd.DataFrame, *, unit: str = "entry",
                   stopwords: bool = True) -> list[list[str]]:
    """Tokens of one article's title and body, each labelled term as one ``"<unit>"`` token.

    Parameters
    ----------
    article : pandas.Series or dict
        A row of the article table (``title``, ``text``).
    matches : pandas.DataFrame
        This article's rows of the matches table (``field``, ``text_start``, ``text_end``
        and the ``unit`` column).
    unit : {"entry", "category", "concept"}
        Which id names the match token.
    stopwords : bool
        Drop scikit-learn's ``ENGLISH_STOP_WORDS`` (never a match token).

    Returns
    -------
    list of list of str
        One token list per paragraph, the title first.
    """
    lines: list[list[str]] = []
    for field, column in _FIELDS:
        text = article[column] or ""
        rows = matches[matches["field"] == field]
        spans = [(int(a), int(b), match_token(u))
                 for a, b, u in zip(rows["text_start"], rows["text_end"], rows[unit], strict=True)]
        lines.extend(tokenize_spans(fold(text), spans, stop_words=stopwords))
    return lines


def _group_tokens(corpus: pd.DataFrame, matches: pd.DataFrame, *, unit: str, stopwords: bool,
                  window: int) -> list[str | None]:
    """All tokens of some articles, paragraphs separated by ``window`` ``None`` slots."""
    by_article = dict(tuple(matches.groupby("article_id", sort=False)))
    empty = matches.iloc[:0]
    sequence: list[str | None] = []
    for article in corpus.to_dict("records"):
        for line in article_tokens(article, by_article.get(article["article_id"], empty), unit=unit,
                                   stopwords=stopwords):
            sequence.extend(line)
            sequence.extend([None] * window)
    return sequence


def _node_rows(tokens: Sequence[str | None], node: str, *, window: int,
               measures: Sequence[str]) -> list[dict]:
    """Collocates of ``node`` in one token sequence, with counts and scores."""
    finder = BigramCollocationFinder.from_words(tokens, window_size=window + 1)
    n_target = finder.word_fd[node]
    if not n_target:
        return []
    together: Counter[str] = Counter()
    for (w1, w2), count in finder.ngram_fd.items():
        if w1 == node and w2 != node:
            together[w2] += count
        elif w2 == node and w1 != node:
            together[w1] += count
    n_tokens = finder.N
    rows = []
    for collocate, n_together in together.items():
        n_collocate = finder.word_fd[collocate]
        marginals = (n_together / (2 * window), (n_target, n_collocate), n_tokens)
        scores = {m: getattr(BigramAssocMeasures, MEASURES[m])(*marginals) for m in measures}
        rows.append({"collocate": collocate, "n_together": n_together, "n_collocate": n_collocate,
                     "n_target": n_target, "n_tokens": n_tokens, **scores})
    return rows


def _group_order(values: pd.Series, by: str | None) -> list:
    present = list(pd.unique(values.dropna()))
    if by == "bloc":
        rank = {b: i for i, b in enumerate(BLOCS)}
        return sorted(present, key=lambda v: (rank.get(v, len(rank)), str(v)))
    return sorted(present, key=str)


def collocates(corpus: pd.DataFrame, matches: pd.DataFrame, *, target: str, by: str | None = "bloc",
               unit: str = "entry", window: int = 5, min_freq: int = 1,
               measures: Sequence[str] = ("pmi", "log_likelihood"), stopwords: bool = True) -> pd.DataFrame:
    """Words (and labels) that occur near a target label, per group.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (``article_id``, ``title``, ``text`` and the ``by`` column).
    matches : pandas.DataFrame
        :func:`kazframe.label.label` output for these articles (``article_id, field,
        text_start, text_end`` and the ``unit`` column). Pass it whole: a labelled term
        left out (e.g. by filtering on voice) falls back to its plain words.
    target : str
        Entry (or category / concept, see ``unit``) id of the node, e.g. ``"terrorist"``.
    by : str or None
        Corpus column that defines the groups (default the bloc); ``None``: one group
        ``"all"``.
    unit : {"entry", "category", "concept"}
        What a labelled term's token names (``<terrorist>`` or ``<terror_label>``).
    window : int
        Tokens on each side of the node (after stop-word removal); at least 1.
    min_freq : int
        Keep collocates with ``n_together >= min_freq``.
    measures : sequence of str
        Scores to compute, among the keys of :data:`MEASURES`.
    stopwords : bool
        Drop scikit-learn's ``ENGLISH_STOP_WORDS`` before windowing.

    Returns
    -------
    pandas.DataFrame
        Tidy, one row per group and collocate: :data:`COLLOCATE_COLUMNS` then one column
        per measure. ``target`` is the node token (``"<terrorist>"``), ``collocate`` a
        word or another label token. Sorted by group (bloc order for ``by="bloc"``),
        then ``log_likelihood`` (else the first measure) descending, then collocate.

    Raises
    ------
    ValueError
        For an unknown unit or measure, ``window < 1``, or a target that no match has.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise ValueError(f"measures must be among {sorted(MEASURES)}, not {list(measures)}")
    if window < 1:
        raise ValueError("window must be at least 1")
    if not (matches[unit] == target).any():
        raise ValueError(f"no match has {unit} {target!r}; check the spelling (e.g. {sorted(set(matches[unit]))[:8]})")
    groups = corpus[by] if by is not None else pd.Series("all", index=corpus.index)
    node = match_token(target)
    frames = []
    for group in _group_order(groups, by):
        members = corpus[groups == group]
        tokens = _group_tokens(members, matches[matches["article_id"].isin(members["article_id"])],
                               unit=unit, stopwords=stopwords, window=window)
        rows = _node_rows(tokens, node, window=window, measures=measures)
        if rows:
            frames.append(pd.DataFrame(rows).assign(group=group, target=node, _order=len(frames)))
    columns = [*COLLOCATE_COLUMNS, *measures]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    table = table[table["n_together"] >= min_freq]
    key = "log_likelihood" if "log_likelihood" in measures else measures[0]
    table = table.sort_values(["_order", key, "collocate"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)
