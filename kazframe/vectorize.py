"""Document-term matrices whose features agree with the labeler.

Two scikit-learn vectorizers, for classifiers, topic models and similarity work that must
count framing terms exactly as :func:`kazframe.label.label` does:

:class:`FramingVectorizer`
    One column per lexicon *unit* (entry, category or concept), counting lexicon matches
    (Aho-Corasick, leftmost-longest, on the :func:`~kazframe.text.fold`-ed text; see
    :mod:`kazframe.lexicon`). The columns are the whole lexicon, in the lexicon file's
    order, whatever the data: two corpora vectorised with the same lexicon have the same
    columns. With ``voice`` the counts come from the labeler's *matches* table instead, so
    a term can be counted only in the outlet's own voice, or split into ``own:``,
    ``quoted:`` and ``reported:`` columns.

:func:`make_term_vectorizer`
    A plain :class:`~sklearn.feature_extraction.text.CountVectorizer` (or
    ``TfidfVectorizer``) over *all* words, whose analyzer (:class:`LexiconAnalyzer`) first
    replaces every lexicon match by one token ``<entry>``: "attempted coup d'etat" is the
    single feature ``<coup>``, never "attempted" + "coup" + "d'etat".

Both follow the scikit-learn estimator contract (parameters stored untouched in
``__init__``, ``fit`` returns ``self``, fitted state ends in ``_``,
``get_feature_names_out()``, sparse CSR output), so they work in a
:class:`~sklearn.pipeline.Pipeline`, with :func:`~sklearn.base.clone` and with
:func:`~sklearn.model_selection.cross_val_score`.

Input
-----
``X`` is a sequence of article texts (strings; :func:`article_texts` gives title, a blank
line and body for each article of the article table) or the article table itself (a
:class:`pandas.DataFrame` with ``title`` and ``text``). Lexicon phrases never run over a
line break, so matching ``title + "\\n\\n" + text`` finds exactly the matches of the title
and of the body that :func:`kazframe.label.label` finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from .lexicon import Lexicon, load_lexicon
from .text import WORD_RE, fold

__all__ = [
    "UNITS",
    "VOICES",
    "FramingVectorizer",
    "LexiconAnalyzer",
    "article_texts",
    "make_term_vectorizer",
    "match_token",
    "tokenize_spans",
]

#: Units a :class:`FramingVectorizer` can count in (columns of ``Lexicon.entries``).
UNITS = ("entry", "category", "concept")
#: Voices of the labeler, in the order of split feature blocks.
VOICES = ("own", "quoted", "reported")
# Options of CountVectorizer that a callable analyzer makes inert: refused, not ignored.
_ANALYZER_OPTIONS = frozenset(
    {"analyzer", "tokenizer", "preprocessor", "token_pattern", "lowercase", "stop_words", "ngram_range"}
)
_NEWLINE = "\n"
_NEWLINE_RE = re.compile(_NEWLINE)


def article_texts(corpus: pd.DataFrame) -> list[str]:
    """Title and body of each article, as one string: ``title + "\\n\\n" + text``.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (:func:`kazframe.load_corpus`); ``title`` and ``text`` are used.

    Returns
    -------
    list of str
        One string per row, in row order (an empty title gives ``"\\n\\n" + text``, so
        offsets into the body are always ``len(title) + 2`` further on).
    """
    titles = corpus["title"].fillna("").astype(str)
    texts = corpus["text"].fillna("").astype(str)
    return (titles + "\n\n" + texts).tolist()


def match_token(entry: str) -> str:
    """The single token that stands for a lexicon match: ``"<entry>"``.

    Angle brackets cannot occur in a :data:`~kazframe.text.WORD_RE` word, so a match token
    never collides with an ordinary word (the entry ``terrorist`` is ``"<terrorist>"``,
    the word "terrorist" outside a match would be ``"terrorist"``).
    """
    return f"<{entry}>"


def tokenize_spans(
    folded: str,
    spans: Iterable[tuple[int, int, str]],
    *,
    stop_words: bool = True,
) -> list[list[str]]:
    """Tokens of a folded text with each given span as one token, per line.

    Parameters
    ----------
    folded : str
        A text folded with :func:`kazframe.text.fold` (lower case).
    spans : iterable of (int, int, str)
        Non-overlapping ``(start, end, token)`` spans into ``folded`` (e.g. lexicon
        matches with ``token = match_token(entry)``). Each becomes the single token given.
    stop_words : bool
        Drop scikit-learn's ``ENGLISH_STOP_WORDS`` among the ordinary words (span tokens
        are always kept).

    Returns
    -------
    list of list of str
        One token list per non-empty line (paragraph), in text order; words are
        :data:`~kazframe.text.WORD_RE` matches, so punctuation is dropped. Words that
        overlap a span are dropped (the span token replaces them).

    Examples
    --------
    >>> tokenize_spans("the coup attempt failed.\\nriots", [(4, 16, "<coup>")])
    [['<coup>', 'failed'], ['riots']]
    """
    spans = sorted(spans)
    starts = np.array([s[0] for s in spans], dtype=np.int64)
    ends = np.array([s[1] for s in spans], dtype=np.int64)
    events: list[tuple[int, str]] = [(a, tok) for a, _, tok in spans]
    for m in WORD_RE.finditer(folded):
        a, b = m.span()
        # The last span starting before this word's end overlaps it iff it ends after a.
        k = int(np.searchsorted(starts, b, side="left")) - 1
        if k >= 0 and ends[k] > a:
            continue
        word = m.group(0)
        if stop_words and word in ENGLISH_STOP_WORDS:
            continue
        events.append((a, word))
    events.extend((m.start(), _NEWLINE) for m in _NEWLINE_RE.finditer(folded))
    events.sort(key=lambda e: e[0])
    lines: list[list[str]] = [[]]
    for _, tok in events:
        if tok == _NEWLINE:
            if lines[-1]:
                lines.append([])
        else:
            lines[-1].append(tok)
    return [line for line in lines if line]


class LexiconAnalyzer:
    """A picklable ``analyzer`` callable: words, with each lexicon match as one token.

    ``LexiconAnalyzer()(doc)`` folds ``doc`` (:func:`kazframe.text.fold`), finds the
    lexicon matches (leftmost-longest, as the labeler does), replaces each by
    :func:`match_token` of its entry (``"<coup>"``) and tokenises the rest with
    :data:`~kazframe.text.WORD_RE` (lower case, punctuation dropped).

    Parameters
    ----------
    lexicon : Lexicon, optional
        Default: the shipped ``data/lexicon.yaml``, loaded on first call (and not pickled).
    stop_words : bool
        Drop scikit-learn's ``ENGLISH_STOP_WORDS`` among the ordinary words.
    ngram_range : (int, int)
        Also emit word n-grams (joined by a space) of these lengths, built within a line;
        a match token is one word of an n-gram. ``(1, 1)``: single tokens only.

    Examples
    --------
    >>> LexiconAnalyzer()("Tokayev denounced the attempted coup d'etat.")
    ['tokayev', 'denounced', '<coup>']
    """

    def __init__(self, lexicon: Lexicon | None = None, *, stop_words: bool = True,
                 ngram_range: tuple[int, int] = (1, 1)) -> None:
        lo, hi = ngram_range
        if not 1 <= lo <= hi:
            raise ValueError(f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, not {ngram_range}")
        self.lexicon = lexicon
        self.stop_words = stop_words
        self.ngram_range = (int(lo), int(hi))
        self._loaded: Lexicon | None = None

    def __repr__(self) -> str:
        lex = "None" if self.lexicon is None else f"<Lexicon {self.lexicon.version}>"
        return f"LexiconAnalyzer(lexicon={lex}, stop_words={self.stop_words}, ngram_range={self.ngram_range})"

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_loaded"] = None  # the default lexicon is re-read after unpickling
        return state

    def _lexicon(self) -> Lexicon:
        if self.lexicon is not None:
            return self.lexicon
        if self._loaded is None:
            self._loaded = load_lexicon()
        return self._loaded

    def __call__(self, doc: str) -> list[str]:
        folded = fold(doc)
        spans = [(a, b, match_token(e)) for a, b, e in self._lexicon().find(folded)]
        lines = tokenize_spans(folded, spans, stop_words=self.stop_words)
        lo, hi = self.ngram_range
        out: list[str] = []
        for n in range(lo, hi + 1):
            for line in lines:
                out.extend(" ".join(line[i : i + n]) for i in range(len(line) - n + 1))
        return out


def make_term_vectorizer(lexicon: Lexicon | None = None, *, tfidf: bool = False, stop_words: bool = True,
                         ngram_range: tuple[int, int] = (1, 1), **kwargs) -> CountVectorizer:
    """A ``CountVectorizer``/``TfidfVectorizer`` whose tokens agree with the labeler.

    Parameters
    ----------
    lexicon : Lexicon, optional
        Default: the shipped lexicon.
    tfidf : bool
        Return a :class:`~sklearn.feature_extraction.text.TfidfVectorizer` (else counts).
    stop_words : bool
        Drop scikit-learn's ``ENGLISH_STOP_WORDS`` (never a lexicon match).
    ngram_range : (int, int)
        Word n-grams, built by :class:`LexiconAnalyzer` (a match is one word).
    **kwargs
        Other vectorizer options (``min_df``, ``max_df``, ``binary``, ``sublinear_tf``,
        ``dtype`` ...). Options that a callable analyzer would silently ignore
        (``analyzer, tokenizer, preprocessor, token_pattern, lowercase, stop_words``) are
        refused.

    Returns
    -------
    CountVectorizer or TfidfVectorizer
        Unfitted; its ``analyzer`` is a :class:`LexiconAnalyzer`. Feature names are plain
        lower-case words and ``"<entry>"`` for lexicon matches.

    Examples
    --------
    >>> vec = make_term_vectorizer()
    >>> vec.fit(["An attempted coup d'etat.", "Coup attempt foiled"]).get_feature_names_out().tolist()
    ['<coup>', 'foiled']
    """
    bad = _ANALYZER_OPTIONS & set(kwargs)
    if bad:
        raise ValueError(f"make_term_vectorizer: {sorted(bad)} cannot be set; the analyzer is a LexiconAnalyzer "
                         "(use stop_words=True/False and ngram_range of this function)")
    analyzer = LexiconAnalyzer(lexicon, stop_words=stop_words, ngram_range=ngram_range)
    cls = TfidfVectorizer if tfidf else CountVectorizer
    return cls(analyzer=analyzer, **kwargs)


class FramingVectorizer(TransformerMixin, BaseEstimator):
    """Count lexicon units per article: a scikit-learn transformer.

    Parameters
    ----------
    lexicon : Lexicon, optional
        Default: the shipped ``data/lexicon.yaml`` (read at ``fit``).
    unit : {"entry", "category", "concept"}
        What a column counts: matches of one entry, of all entries of a category, or of
        all entries sharing a cross-language concept.
    voice : {None, "own", "quoted", "reported", "split"}
        ``None``: every match counts, found by matching the lexicon on the folded text (no
        quotation model needed); columns are unit ids (``"coup"``).
        ``"own"``/``"quoted"``/``"reported"``: only matches in that voice count; columns
        are ``"own:coup"`` ... ``"split"``: three blocks of columns, ``own:<unit>``,
        ``quoted:<unit>``, ``reported:<unit>`` (summing a unit's three columns gives the
        ``voice=None`` count). With a voice, ``X`` must be the article table (a
        DataFrame with ``article_id``, and ``title``/``text``/``source_file`` unless
        ``matches`` is given), because voice needs the quotation model of
        :func:`kazframe.label.label`.
    binary : bool
        1 if the unit occurs in the article at all, else 0.
    matches : pandas.DataFrame, optional
        A precomputed matches table (:func:`kazframe.label.label` output, at least
        ``article_id, entry, voice``) for the articles of ``X``; used only with ``voice``.
        Rows are looked up by ``X["article_id"]``, so one labelling of the whole corpus
        serves every cross-validation fold. Default: ``label(X, lexicon)`` at transform.

    Attributes
    ----------
    lexicon_ : Lexicon
        The lexicon used.
    vocabulary_ : dict
        Feature name -> column index.
    lexicon_version_ : str
        ``lexicon_.version``, to record with results.

    Notes
    -----
    The columns are fixed by the lexicon, not learnt from ``X``: ``fit`` only resolves the
    lexicon and the column names, so ``fit`` on one fold and ``transform`` on another give
    the same columns. Units are in the order of the lexicon file (first occurrence of a
    category/concept).

    Examples
    --------
    >>> vec = FramingVectorizer(unit="category").fit(["x"])
    >>> X = vec.transform(["Rioters and looters: riots, not protests."])
    >>> dict(zip(vec.get_feature_names_out(), X.toarray()[0]))["criminal_label"]
    np.int64(1)
    """

    def __init__(self, lexicon: Lexicon | None = None, unit: str = "entry", voice: str | None = None,
                 binary: bool = False, matches: pd.DataFrame | None = None) -> None:
        self.lexicon = lexicon
        self.unit = unit
        self.voice = voice
        self.binary = binary
        self.matches = matches

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _check_params(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, not {self.unit!r}")
        if self.voice is not None and self.voice not in (*VOICES, "split"):
            raise ValueError(f"voice must be None, one of {VOICES} or 'split', not {self.voice!r}")

    def fit(self, X, y=None) -> FramingVectorizer:
        """Resolve the lexicon and the feature names (``X`` and ``y`` are not used).

        Returns
        -------
        FramingVectorizer
            ``self``.
        """
        self._check_params()
        lexicon = self.lexicon if self.lexicon is not None else load_lexicon()
        units = pd.unique(lexicon.entries[self.unit]).tolist()
        if self.voice is None:
            names = units
        else:
            voices = VOICES if self.voice == "split" else (self.voice,)
            names = [f"{v}:{u}" for v in voices for u in units]
        self.lexicon_ = lexicon
        self.lexicon_version_ = lexicon.version
        self.vocabulary_ = {name: i for i, name in enumerate(names)}
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names: unit ids, or ``"<voice>:<unit>"`` with a voice."""
        check_is_fitted(self, "vocabulary_")
        return np.asarray(list(self.vocabulary_), dtype=object)

    def transform(self, X) -> sp.csr_matrix:
        """Count matrix of shape ``(n_articles, n_features)``.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            Article texts, or the article table (required with ``voice``).

        Returns
        -------
        scipy.sparse.csr_matrix
            ``int64`` counts (0/1 with ``binary``), one row per element of ``X``.
        """
        check_is_fitted(self, "vocabulary_")
        if self.voice is None:
            texts = self._texts(X)
            n = len(texts)
            rows, entries = self._text_matches(texts)
            cols = self._columns(entries, voices=None)
        else:
            n = len(X)
            rows, entries, voices = self._voice_matches(X)
            cols = self._columns(entries, voices=voices)
        data = np.ones(len(rows), dtype=np.int64)
        counts = sp.csr_matrix((data, (rows, cols)), shape=(n, len(self.vocabulary_)), dtype=np.int64)
        counts.sum_duplicates()
        if self.binary:
            counts.data = np.minimum(counts.data, 1)
        return counts

    @staticmethod
    def _texts(X) -> list[str]:
        if isinstance(X, str):
            raise ValueError("FramingVectorizer expects a sequence of texts, not a single string")
        return article_texts(X) if isinstance(X, pd.DataFrame) else list(X)

    def _text_matches(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        rows: list[int] = []
        entries: list[str] = []
        for i, doc in enumerate(texts):
            found = self.lexicon_.find_text(doc or "")
            rows.extend([i] * len(found))
            entries.extend(e for _, _, e in found)
        return np.asarray(rows, dtype=np.int64), np.asarray(entries, dtype=object)

    def _voice_matches(self, X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not isinstance(X, pd.DataFrame) or "article_id" not in X.columns:
            raise ValueError(f"FramingVectorizer(voice={self.voice!r}) needs the article table (a DataFrame "
                             "with article_id) as X: voice comes from the labeler's quotation model")
        matches = self.matches
        if matches is None:
            from .label import label  # lazy: the quotation model is only needed here

            matches = label(X, self.lexicon_)
        elif "lexicon_version" in matches.columns:
            versions = set(matches["lexicon_version"].dropna().unique())
            if versions - {self.lexicon_version_}:
                raise ValueError(f"matches were labelled with lexicon {sorted(versions)}, "
                                 f"the vectorizer uses {self.lexicon_version_!r}")
        positions = pd.DataFrame({"article_id": X["article_id"].to_numpy(), "_row": np.arange(len(X))})
        joined = positions.merge(matches[["article_id", "entry", "voice"]], on="article_id", how="inner")
        if self.voice != "split":
            joined = joined[joined["voice"] == self.voice]
        return (joined["_row"].to_numpy(dtype=np.int64), joined["entry"].to_numpy(dtype=object),
                joined["voice"].to_numpy(dtype=object))

    def _columns(self, entries: np.ndarray, *, voices: np.ndarray | None) -> np.ndarray:
        unit_of = dict(zip(self.lexicon_.entries["entry"], self.lexicon_.entries[self.unit], strict=True))
        unknown = sorted(set(entries) - set(unit_of))
        if unknown:
            raise ValueError(f"matches name entries not in lexicon {self.lexicon_version_!r}: {unknown[:10]}")
        units = pd.Series(entries, dtype=object).map(unit_of)
        names = units if voices is None else pd.Series(voices, dtype=object) + ":" + units
        cols = names.map(self.vocabulary_)
        if cols.isna().any():
            bad = sorted(set(names[cols.isna()]))
            raise ValueError(f"unexpected voice/unit combination(s) {bad[:10]}; voices are {VOICES}")
        return cols.to_numpy(dtype=np.int64)
