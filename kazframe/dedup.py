"""Syndication and near-duplicates: shared passages, duplicate pairs and story groups.

Why
---
Wire copy (Reuters, AP, AFP, TASS, Kazinform ...) is reprinted, translated and rewritten
by other outlets. Counted naively, one agency sentence calling the events a "terrorist
uprising" becomes five. This module *marks* such reuse so that every statistic can be
computed two ways: on all placements (the article table as loaded) or on unique stories
(:func:`unique_stories`). Nothing is ever deleted from the corpus:
:func:`mark_duplicates` returns a copy with ``story_id``, ``is_representative`` and
``n_placements`` columns.

Method
------
1. **Sentences.** Each article's body (``text``; headlines are not aligned) is split with
   :func:`kazframe.text.sentence_spans` (Punkt, never across a paragraph).
2. **Tokens.** Each sentence is folded (:func:`kazframe.text.fold`), cut into
   words (hyphenated compounds split into their parts), stripped of scikit-learn's ``ENGLISH_STOP_WORDS``
   and stemmed with NLTK's Snowball stemmer for the article's language (Porter's English
   rules for ``en``; no stemming for languages Snowball lacks), so that translated or
   paraphrased wire copy ("declared victory ... terrorist insurgency" against "claimed
   victory ... terrorist uprising") still shares most of its tokens. Sentences with fewer
   than ``min_tokens`` tokens are not aligned (datelines, "he said.").
3. **Similarity.** Every sentence becomes an L2-normalised TF-IDF vector
   (:class:`~sklearn.feature_extraction.text.TfidfVectorizer`, smoothed IDF computed over
   the sentences of the corpus passed in, so scores depend on that corpus). Two sentences
   of different articles are *aligned* (a shared passage) when their cosine similarity is
   at least ``min_similarity``. Cosines come from sparse products ``S[i:j] @ S.T`` in
   row blocks, so memory stays bounded.
4. **Shingles.** For each aligned pair, ``shared_shingles`` counts the distinct
   ``shingle``-token word n-grams (shingles, Broder 1997) the two sentences share: verbatim
   copy shares many, translation or paraphrase few or none. It is reported as evidence,
   not used as a filter.
5. **Article pairs.** :func:`find_duplicates` aggregates the aligned sentences per
   article pair: the characters of each article covered by aligned sentences
   (``shared_chars_a``), their share of the article's sentence characters (``share_a``,
   ``share_b``), the TF-IDF cosine of the whole documents (``cosine``) and whether the
   bodies are identical after folding and dropping punctuation and spacing (``exact``).
6. **Story groups.** Pairs with ``exact`` or ``max(share_a, share_b) >= min_share`` (one
   article is mostly contained in the other) are edges of a graph; its connected
   components (:func:`scipy.sparse.csgraph.connected_components`) are story groups. The
   representative of a group is its earliest article by ``date_start``, ties broken by
   ``article_id`` (string order), and the group's ``story_id`` is that article's id.

Complexity
----------
Tokenising is linear in the corpus. The sentence cosine product costs about
``sum over terms of df(term)**2`` multiply-adds (terms shared by many sentences dominate)
and is exact; it is computed in blocks of ``block_size`` sentences. For the seed corpus
(about 300 sentences) it takes milliseconds. For hundreds of thousands of sentences,
restrict the comparison (e.g. to articles within a few days of each other) or pre-select
candidate pairs with shingle hashing or MinHash-LSH before calling these functions.
Document cosines are computed only for the candidate pairs, never for all ``n**2`` pairs.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from nltk.stem.snowball import SnowballStemmer
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .corpus import raw_offsets
from .text import WORD_RE, fold, sentence_spans

__all__ = [
    "PASSAGE_COLUMNS",
    "DUPLICATE_COLUMNS",
    "find_shared_passages",
    "find_duplicates",
    "story_groups",
    "unique_stories",
    "mark_duplicates",
]

#: Columns of :func:`find_shared_passages`.
PASSAGE_COLUMNS = (
    "article_id_a", "article_id_b", "start_a", "end_a", "start_b", "end_b",
    "raw_start_a", "raw_end_a", "raw_start_b", "raw_end_b", "similarity", "shared_shingles",
    "text_a", "text_b",
)
#: Columns of :func:`find_duplicates`.
DUPLICATE_COLUMNS = (
    "article_id_a", "article_id_b", "n_shared_passages", "shared_chars_a", "shared_chars_b",
    "share_a", "share_b", "cosine", "exact",
)
# ISO 639-1 code -> NLTK Snowball stemmer name (languages without one are not stemmed).
_SNOWBALL = {
    "ar": "arabic", "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish",
    "fr": "french", "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish",
}
# Parts of words: hyphenated compounds split ("moscow-led" -> moscow, led); apostrophes kept
# (the stemmer removes a possessive "'s").
_PART_RE = re.compile(r"\w+(?:'\w+)*")
# A wire-agency dateline opening a paragraph: "NUR-SULTAN, Jan 10 (Reuters) - ".
_DATELINE_RE = re.compile(
    r"^[A-Z][A-Z'.\- ]+(?:, [A-Z][A-Za-z.]* \d{1,2})?,? \([A-Za-z/ .-]+\) ?[-\u2013\u2014]+ ?"
)


@cache
def _stemmer(language: str) -> SnowballStemmer | None:
    name = _SNOWBALL.get(str(language).lower()[:2])
    return SnowballStemmer(name) if name else None


def _tokens(text: str, language: str) -> list[str]:
    """Folded, stop-word-free, stemmed word tokens of ``text`` (compounds split, no dateline)."""
    stemmer = _stemmer(language)
    text = _DATELINE_RE.sub("", text, count=1)
    words = [w for w in _PART_RE.findall(fold(text)) if w not in ENGLISH_STOP_WORDS]
    return [stemmer.stem(w) for w in words] if stemmer is not None else words


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _sentences(corpus: pd.DataFrame, *, min_tokens: int) -> pd.DataFrame:
    """One row per alignable body sentence: ``row, article_id, start, end, tokens``."""
    records = []
    languages = corpus["language"] if "language" in corpus.columns else pd.Series("en", index=corpus.index)
    for row, (aid, text, lang) in enumerate(zip(corpus["article_id"], corpus["text"].fillna(""),
                                                languages, strict=True)):
        for a, b in sentence_spans(text):
            toks = _tokens(text[a:b], lang)
            if len(toks) >= min_tokens:
                records.append((row, aid, a, b, toks))
    return pd.DataFrame(records, columns=["row", "article_id", "start", "end", "tokens"])


def _tfidf(token_lists: list[list[str]]) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows of pre-tokenised documents."""
    if not any(token_lists):
        return sp.csr_matrix((len(token_lists), 1))
    vec = TfidfVectorizer(analyzer=_identity, lowercase=False)
    return vec.fit_transform(token_lists).tocsr()


def _similar_pairs(vectors: sp.csr_matrix, rows: np.ndarray, *, min_similarity: float,
                   block_size: int = 2048) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` with ``rows[i] < rows[j]`` and cosine >= ``min_similarity``."""
    found_i, found_j, found_s = [], [], []
    transposed = vectors.T.tocsc()
    for lo in range(0, vectors.shape[0], block_size):
        block = (vectors[lo : lo + block_size] @ transposed).tocoo()
        i = block.row + lo
        keep = (block.data >= min_similarity - 1e-12) & (rows[i] < rows[block.col])
        found_i.append(i[keep])
        found_j.append(block.col[keep])
        found_s.append(block.data[keep])
    if not found_i:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([])
    return np.concatenate(found_i), np.concatenate(found_j), np.minimum(np.concatenate(found_s), 1.0)


def _shingles(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[k : k + n]) for k in range(len(tokens) - n + 1)}


def find_shared_passages(corpus: pd.DataFrame, *, min_similarity: float = 0.5, shingle: int = 5,
                         min_tokens: int = 4) -> pd.DataFrame:
    """Aligned sentence pairs across different articles (shared or reworded wire copy).

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (``article_id, text, language`` and the offset columns).
    min_similarity : float
        Minimum TF-IDF cosine of two sentences (see the module docstring).
    shingle : int
        Length in tokens of the word shingles counted in ``shared_shingles``.
    min_tokens : int
        Sentences with fewer content tokens are not aligned.

    Returns
    -------
    pandas.DataFrame
        :data:`PASSAGE_COLUMNS`, one row per aligned sentence pair; ``a`` is the article
        that comes first in ``corpus``. ``start_*``/``end_*`` are offsets in each
        article's ``text``, ``raw_*`` in its raw source file (:func:`kazframe.raw_offsets`),
        ``text_*`` the sentences. Sorted by corpus order of ``a``, ``b``, then ``start_a``.
    """
    if shingle < 1:
        raise ValueError("shingle must be at least 1")
    sentences = _sentences(corpus, min_tokens=min_tokens)
    vectors = _tfidf(sentences["tokens"].tolist())
    rows = sentences["row"].to_numpy()
    i, j, sim = _similar_pairs(vectors, rows, min_similarity=min_similarity)
    a, b = sentences.iloc[i].reset_index(drop=True), sentences.iloc[j].reset_index(drop=True)
    articles = corpus.reset_index(drop=True)
    shared = [len(_shingles(ta, shingle) & _shingles(tb, shingle))
              for ta, tb in zip(a["tokens"], b["tokens"], strict=True)]
    passages = pd.concat([_side(a, articles, "a"), _side(b, articles, "b")], axis=1).assign(
        similarity=sim, shared_shingles=np.asarray(shared, dtype=np.int64))
    passages = passages.sort_values(["_row_a", "_row_b", "start_a", "start_b"])
    return passages.reset_index(drop=True)[list(PASSAGE_COLUMNS)]


def _side(sentences: pd.DataFrame, articles: pd.DataFrame, side: str) -> pd.DataFrame:
    """Ids, text offsets, raw offsets and text of one side of the aligned pairs."""
    spans = list(zip(sentences["row"], sentences["start"], sentences["end"], strict=True))
    raw = [raw_offsets(articles.iloc[r], s, e) for r, s, e in spans]
    texts = articles["text"].fillna("")
    return pd.DataFrame({
        f"article_id_{side}": sentences["article_id"],
        f"start_{side}": sentences["start"].astype("int64"),
        f"end_{side}": sentences["end"].astype("int64"),
        f"raw_start_{side}": np.asarray([r[0] for r in raw], dtype=np.int64),
        f"raw_end_{side}": np.asarray([r[1] for r in raw], dtype=np.int64),
        f"text_{side}": [texts.iloc[r][s:e] for r, s, e in spans],
        f"_row_{side}": sentences["row"],
    })


def _body_hash(text: str) -> str:
    """Hash of a body folded, without punctuation or spacing differences."""
    return hashlib.sha256(" ".join(WORD_RE.findall(fold(text))).encode("utf-8")).hexdigest()


def _exact_pairs(corpus: pd.DataFrame) -> pd.DataFrame:
    """Row pairs ``_row_a < _row_b`` whose non-empty bodies hash the same."""
    hashes = pd.DataFrame({"_hash": corpus["text"].fillna("").map(_body_hash).to_numpy(),
                           "_row": np.arange(len(corpus)),
                           "_empty": corpus["text"].fillna("").str.strip().eq("").to_numpy()})
    hashes = hashes[~hashes["_empty"]]
    pairs = hashes.merge(hashes, on="_hash", suffixes=("_a", "_b"))
    pairs = pairs[pairs["_row_a"] < pairs["_row_b"]]
    return pairs[["_row_a", "_row_b"]].assign(exact=True)


def _pair_cosines(corpus: pd.DataFrame, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """TF-IDF cosine of whole bodies for the given row pairs only."""
    if len(rows_a) == 0:
        return np.array([], dtype=float)
    languages = corpus["language"] if "language" in corpus.columns else pd.Series("en", index=corpus.index)
    docs = [_tokens(t, lang) for t, lang in zip(corpus["text"].fillna(""), languages, strict=True)]
    vectors = _tfidf(docs)
    products = vectors[rows_a].multiply(vectors[rows_b]).sum(axis=1)
    return np.minimum(np.asarray(products).ravel(), 1.0)


def _shared_chars(passages: pd.DataFrame, side: str) -> pd.Series:
    """Characters of article ``side`` covered by its aligned sentences, per article pair."""
    spans = passages[["article_id_a", "article_id_b", f"start_{side}", f"end_{side}"]].drop_duplicates()
    return (spans[f"end_{side}"] - spans[f"start_{side}"]).groupby(
        [spans["article_id_a"], spans["article_id_b"]]).sum()


def find_duplicates(corpus: pd.DataFrame, *, threshold: float = 0.3, passages: pd.DataFrame | None = None,
                    min_similarity: float = 0.5) -> pd.DataFrame:
    """Article pairs that share wire copy, with how much of each they share.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table.
    threshold : float
        Keep pairs with ``max(share_a, share_b) >= threshold`` or ``exact``; ``0`` keeps
        every pair with at least one shared passage.
    passages : pandas.DataFrame, optional
        Output of :func:`find_shared_passages` for this corpus (computed if absent, with
        ``min_similarity``).
    min_similarity : float
        Sentence cosine for :func:`find_shared_passages` when ``passages`` is absent.

    Returns
    -------
    pandas.DataFrame
        :data:`DUPLICATE_COLUMNS`, one row per article pair (``a`` first in corpus order):
        ``n_shared_passages`` (aligned sentence pairs), ``shared_chars_a``/``_b``
        (characters of each body inside aligned sentences), ``share_a``/``_b`` (those
        characters over the body's length), ``cosine`` (TF-IDF cosine of the two bodies)
        and ``exact`` (identical bodies after folding, ignoring punctuation and spacing).
        Sorted by ``max(share_a, share_b)`` descending, then corpus order.
    """
    if passages is None:
        passages = find_shared_passages(corpus, min_similarity=min_similarity)
    articles = corpus.reset_index(drop=True)
    row_of = pd.Series(np.arange(len(articles)), index=articles["article_id"])
    lengths = articles["text"].fillna("").str.len().to_numpy()
    counted = (passages.groupby(["article_id_a", "article_id_b"]).size().rename("n_shared_passages")
               .to_frame()
               .join(_shared_chars(passages, "a").rename("shared_chars_a"))
               .join(_shared_chars(passages, "b").rename("shared_chars_b"))
               .reset_index())
    counted = counted.assign(_row_a=counted["article_id_a"].map(row_of), _row_b=counted["article_id_b"].map(row_of))
    pairs = counted.merge(_exact_pairs(articles), on=["_row_a", "_row_b"], how="outer")
    pairs = pairs.assign(
        article_id_a=articles["article_id"].to_numpy()[pairs["_row_a"].to_numpy(dtype=np.int64)],
        article_id_b=articles["article_id"].to_numpy()[pairs["_row_b"].to_numpy(dtype=np.int64)],
        exact=pairs["exact"].fillna(False).astype(bool),
    ).fillna({"n_shared_passages": 0, "shared_chars_a": 0, "shared_chars_b": 0})
    row_a, row_b = pairs["_row_a"].to_numpy(dtype=np.int64), pairs["_row_b"].to_numpy(dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_a = np.where(lengths[row_a] > 0, pairs["shared_chars_a"] / lengths[row_a], 0.0)
        share_b = np.where(lengths[row_b] > 0, pairs["shared_chars_b"] / lengths[row_b], 0.0)
    pairs = pairs.assign(share_a=np.where(pairs["exact"], 1.0, share_a),
                         share_b=np.where(pairs["exact"], 1.0, share_b),
                         cosine=_pair_cosines(articles, row_a, row_b))
    pairs = pairs.assign(_top=np.maximum(pairs["share_a"], pairs["share_b"]))
    # (assign before filtering: on an empty frame pandas would adopt the series' index)
    pairs = pairs[(pairs["_top"] >= threshold) | pairs["exact"]]
    pairs = pairs.sort_values(["_top", "_row_a", "_row_b"], ascending=[False, True, True])
    return pairs.astype({"n_shared_passages": "int64", "shared_chars_a": "int64", "shared_chars_b": "int64"})[
        list(DUPLICATE_COLUMNS)].reset_index(drop=True)


def story_groups(corpus: pd.DataFrame, pairs: pd.DataFrame | None = None, *, min_share: float = 0.3) -> pd.Series:
    """Story group of every article: connected components of near-duplicate pairs.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table.
    pairs : pandas.DataFrame, optional
        Output of :func:`find_duplicates` (computed if absent).
    min_share : float
        A pair joins two articles when ``exact`` or ``max(share_a, share_b) >= min_share``.

    Returns
    -------
    pandas.Series
        Indexed by ``article_id`` (corpus order), named ``story_id``: the ``article_id``
        of the group's representative, its earliest article by ``date_start`` (missing
        dates last), ties broken by ``article_id``. An article without duplicates is its
        own story.
    """
    if pairs is None:
        pairs = find_duplicates(corpus, threshold=min_share)
    ids = corpus["article_id"].to_numpy()
    row_of = pd.Series(np.arange(len(ids)), index=ids)
    linked = pairs[pairs["exact"] | (np.maximum(pairs["share_a"], pairs["share_b"]) >= min_share)]
    linked = linked[linked["article_id_a"].isin(row_of.index) & linked["article_id_b"].isin(row_of.index)]
    graph = sp.coo_matrix(
        (np.ones(len(linked)), (row_of[linked["article_id_a"]].to_numpy(), row_of[linked["article_id_b"]].to_numpy())),
        shape=(len(ids), len(ids)),
    )
    _, component = connected_components(graph, directed=False)
    dates = corpus["date_start"] if "date_start" in corpus.columns else pd.Series(pd.NaT, index=corpus.index)
    order = pd.DataFrame({"article_id": ids, "component": component,
                          "date_start": pd.to_datetime(dates).to_numpy()})
    first = order.sort_values(["date_start", "article_id"], na_position="last").drop_duplicates("component")
    story = order["component"].map(first.set_index("component")["article_id"])
    return pd.Series(story.to_numpy(), index=pd.Index(ids, name="article_id"), name="story_id")


def mark_duplicates(corpus: pd.DataFrame, pairs: pd.DataFrame | None = None, *,
                    min_share: float = 0.3) -> pd.DataFrame:
    """A copy of the corpus with story columns; no article is removed.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (not modified).
    pairs : pandas.DataFrame, optional
        Output of :func:`find_duplicates` (computed if absent).
    min_share : float
        See :func:`story_groups`.

    Returns
    -------
    pandas.DataFrame
        ``corpus`` plus ``story_id`` (representative's ``article_id``),
        ``is_representative`` (bool) and ``n_placements`` (articles in the story group).
    """
    story = story_groups(corpus, pairs, min_share=min_share)
    story_id = corpus["article_id"].map(story)
    return corpus.assign(
        story_id=story_id,
        is_representative=story_id.eq(corpus["article_id"]),
        n_placements=story_id.map(story_id.value_counts()).astype("int64"),
    )


def unique_stories(corpus: pd.DataFrame, pairs: pd.DataFrame | None = None, *,
                   min_share: float = 0.3) -> pd.DataFrame:
    """One article per story group: the corpus to count on when reprints must not count twice.

    Every statistic of kazframe can be computed on all placements (pass the corpus as
    loaded) or on unique stories (pass ``unique_stories(corpus)``); comparing the two
    shows how much syndication drives a result.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (not modified).
    pairs : pandas.DataFrame, optional
        Output of :func:`find_duplicates` (computed if absent).
    min_share : float
        See :func:`story_groups`.

    Returns
    -------
    pandas.DataFrame
        The representative rows of ``corpus`` (corpus order, original index kept) with
        ``story_id`` and ``n_placements``.
    """
    marked = mark_duplicates(corpus, pairs, min_share=min_share)
    return marked[marked["is_representative"]].drop(columns="is_representative")
