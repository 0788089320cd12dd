"""Text primitives that keep every character offset back to the raw source.

Normalisation
-------------
Raw pages carry characters that are invisible or that differ only in encoding
convention: carriage returns (CRLF), the byte-order mark, soft hyphens (U+00AD),
zero-width spaces and joiners, and non-breaking or typographic spaces.
:func:`normalize` removes the invisible ones and maps odd spaces to ``" "``,
*keeping* curly and straight quotation marks (they carry the voice information the
labeler needs). Because characters can be deleted, the normalised string comes with
an :class:`OffsetMap` that maps any index in it back to the raw string.

:func:`fold` makes the *matching copy* of a normalised string: the same length, so
indices are shared, with case folded, apostrophes/quotes/dashes unified and
Cyrillic look-alike letters inside Latin words replaced by their Latin twins.

Sentences
---------
:func:`sentence_spans` uses NLTK's Punkt sentence tokenizer (Kiss & Strunk 2006)
with an explicit list of abbreviations (``Jan.``, ``Mr``, ``U.S.`` ...), so nothing is
downloaded. Sentences never cross a line break: news paragraphs are lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

__all__ = [
    "OffsetMap",
    "normalize",
    "fold",
    "sentence_spans",
    "word_spans",
    "WORD_RE",
]

# Characters deleted by normalisation (invisible, carry no text).
_DELETE = "\r\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e"
_DELETE_RE = re.compile(f"[{_DELETE}]")
# Characters mapped one-to-one to an ASCII space.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\v\f"
_SPACE_TABLE = str.maketrans({c: " " for c in _SPACES})
_SPACE_PAIRS = tuple((c, " ") for c in _SPACES)
# A lone CR (old Mac line ending) is a line break, not an invisible character.
_LONE_CR_RE = re.compile(r"\r(?!\n)")


@dataclass(frozen=True)
class OffsetMap:
    """Piecewise-constant map from positions in a derived string to a raw string.

    ``text_starts[k]`` is where segment *k* begins in the derived string and
    ``raw_starts[k]`` where the same character sits in the raw string; within a
    segment both advance together. Stored as two tuples so it is hashable, small
    (one pair per deletion, not per character) and serialisable.
    """

    text_starts: tuple[int, ...]
    raw_starts: tuple[int, ...]

    @classmethod
    def identity(cls, raw_start: int = 0) -> OffsetMap:
        """Map for a string copied unchanged from ``raw[raw_start:]``."""
        return cls((0,), (raw_start,))

    def to_raw(self, i: int) -> int:
        """Raw offset of the character at derived index ``i``."""
        k = bisect_right(self.text_starts, i) - 1
        return self.raw_starts[k] + (i - self.text_starts[k])

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` of the derived half-open span ``[start, end)``."""
        if end <= start:
            r = self.to_raw(start)
            return r, r
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def shifted(self, text_offset: int) -> OffsetMap:
        """The same map for a string that is prefixed by ``text_offset`` characters."""
        return OffsetMap(tuple(t + text_offset for t in self.text_starts), self.raw_starts)

    def to_list(self) -> list[list[int]]:
        """``[[text_start, raw_start], ...]``: the form stored in article tables."""
        return [[t, r] for t, r in zip(self.text_starts, self.raw_starts, strict=True)]

    @classmethod
    def from_list(cls, pairs) -> OffsetMap:
        """Inverse of :meth:`to_list`."""
        pairs = list(pairs)
        return cls(tuple(int(p[0]) for p in pairs), tuple(int(p[1]) for p in pairs))

    @classmethod
    def concat(cls, pieces: list[tuple[int, OffsetMap]]) -> OffsetMap:
        """Join maps of pieces placed at the given derived offsets (in order)."""
        ts: list[int] = []
        rs: list[int] = []
        for offset, m in pieces:
            for t, r in zip(m.text_starts, m.raw_starts, strict=True):
                ts.append(t + offset)
                rs.append(r)
        return cls(tuple(ts), tuple(rs))


def normalize(raw: str, raw_start: int = 0) -> tuple[str, OffsetMap]:
    """Normalise a raw string, keeping a map back to raw offsets.

    Parameters
    ----------
    raw : str
        Text as decoded from the source file (or a slice of it).
    raw_start : int, optional
        Offset of ``raw[0]`` in the source file; the map then points into the file.

    Returns
    -------
    text : str
        ``raw`` without CR before LF, BOM, soft hyphens and zero-width characters,
        with odd spaces (NBSP, thin spaces, tabs, ...) as ``" "`` and a lone CR as
        ``"\\n"``. Quotation marks are kept as they are.
    offsets : OffsetMap
        ``offsets.to_raw(i)`` is the index in the source of ``text[i]``.

    Examples
    --------
    >>> text, m = normalize("anti\\u00adterror\\u00a0x")
    >>> text, m.to_raw(4)
    ('antiterror x', 5)
    """
    if raw.isascii() and "\r" not in raw:
        # Fast path: only the ASCII odd spaces can occur.
        if "\t" in raw or "\v" in raw or "\f" in raw:
            raw = _replace_all(raw, _SPACE_PAIRS)
        return raw, OffsetMap.identity(raw_start)
    if "\r" in raw:
        raw = _LONE_CR_RE.sub("\n", raw)
    raw = _replace_all(raw, _SPACE_PAIRS)
    if not _DELETE_RE.search(raw):
        return raw, OffsetMap.identity(raw_start)
    parts: list[str] = []
    ts: list[int] = [0]
    rs: list[int] = [raw_start]
    pos = 0
    out_len = 0
    for m in _DELETE_RE.finditer(raw):
        if m.start() > pos:
            parts.append(raw[pos : m.start()])
            out_len += m.start() - pos
        pos = m.end()
        # The next kept character (raw index pos) lands at derived index out_len.
        if ts[-1] == out_len:
            rs[-1] = raw_start + pos
        else:
            ts.append(out_len)
            rs.append(raw_start + pos)
    parts.append(raw[pos:])
    return "".join(parts), OffsetMap(tuple(ts), tuple(rs))


# --- folding: the matching copy -------------------------------------------------

_FOLD_TABLE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-",
        "\u0451": "\u0435",  # ё -> е (Russian spelling variation)
    }
)
# The same mapping as (old, new) pairs: a chain of ``str.replace`` calls, each skipped when
# its character is absent, is many times faster than ``str.translate`` with a dict table.
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD_TABLE.items())
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """``text`` with every one-character ``old`` replaced by ``new`` (same result as translate)."""
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


# Cyrillic letters that look like Latin ones (lower case, after case folding).
_CYR_TO_LAT = str.maketrans(
    {
        "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
        "\u0445": "x", "\u0456": "i", "\u0458": "j", "\u04bb": "h", "\u0455": "s", "\u043a": "k",
        "\u043c": "m", "\u0442": "t", "\u0432": "b", "\u043d": "h",
    }
)
_CYR_LOOKALIKE = "".join(sorted({chr(k) for k in _CYR_TO_LAT}))
# A run of letters mixing Latin letters with Cyrillic look-alikes and no other Cyrillic.
_MIXED_WORD_RE = re.compile(
    rf"(?=[a-z{_CYR_LOOKALIKE}]*[a-z])(?=[a-z{_CYR_LOOKALIKE}]*[{_CYR_LOOKALIKE}])[a-z{_CYR_LOOKALIKE}]+"
)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # Rare: a character whose lower case is longer (e.g. U+0130). Keep length.
    return "".join(c.lower()[:1] if len(c.lower()) != 1 else c.lower() for c in text)


def fold(text: str) -> str:
    """Matching copy of a normalised string: same length, same indices.

    Lower-cases, unifies curly/straight apostrophes and quotes (guillemets become
    ``"``), maps dash variants to ``-``, folds ``ё`` to ``е``, and rewrites Cyrillic
    look-alike letters inside an otherwise Latin word to Latin ("Аlmaty" with a
    Cyrillic А matches "almaty"). Words that are wholly Cyrillic are left alone.

    Examples
    --------
    >>> fold("Coup d\\u2019Etat \\u00abТеррористы\\u00bb")
    'coup d\\'etat "террористы"'
    """
    if text.isascii():
        return text.lower().replace("`", "'")
    low = _replace_all(_lower_same_length(text), _FOLD_PAIRS)
    if _CYRILLIC_RE.search(low):
        low = _MIXED_WORD_RE.sub(lambda m: m.group(0).translate(_CYR_TO_LAT), low)
    return low


# --- words and sentences --------------------------------------------------------

#: A word: letters/digits with internal hyphens or apostrophes ("anti-terrorist", "d'etat").
WORD_RE = re.compile(r"\w+(?:[-'\u2019\u2010\u2011]\w+)*")


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every word in ``text`` (see :data:`WORD_RE`)."""
    return [m.span() for m in WORD_RE.finditer(text)]


#: Abbreviations after which a period does not end a sentence (lower case, no final dot).
ABBREVIATIONS = frozenset(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms dr prof gen lt col sgt capt maj adm gov sen rep rev st mt ft
    u.s u.k u.n e.u u.s.a a.m p.m no vs etc e.g i.e approx est dept min inc co corp ltd
    jr sr
    г гг т.е т.к т.д т.п др им ул
    """.split()
)


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_LINE_RE = re.compile(r"[^\n]+")
# What ``PunktSentenceTokenizer._get_last_whitespace_index`` counts as whitespace.
_PUNKT_SPACES = " \t\n\r\x0b\x0c"
# The commonest candidate context: a word of letters, a period, spaces and a word ("said. The").
_PLAIN_BREAK_RE = re.compile(r"(\w{2,})\. +\w")
# Bound on the memo of Punkt's per-candidate decision (cleared when full).
_BREAK_CACHE_MAX = 200_000


class _PunktLines:
    """Punkt's ``span_tokenize`` for one line, same output, with less overhead.

    Punkt (NLTK 3.10) finds candidate breaks with ``period_context_re``, builds a short
    *context* string for each ("word. Next") and asks ``text_contains_sentbreak(context)``,
    then realigns closing punctuation. The decision depends only on the context string and
    the fixed parameters, so it is memoised here; the candidate search and the realignment
    are the same steps as ``_match_potential_end_contexts``, ``_slices_from_text`` and
    ``_realign_boundaries``, run on the underlying compiled patterns. A line with no
    candidate is one sentence without calling Punkt at all.
    """

    def __init__(self, tok: PunktSentenceTokenizer):
        self._tok = tok
        period = tok._lang_vars.period_context_re()
        realign = tok._lang_vars.re_boundary_realignment
        # NLTK wraps its patterns in a timeout guard; use the compiled pattern it guards.
        self._period = getattr(period, "_rx", period)
        self._realign = getattr(realign, "_rx", realign)
        self._breaks: dict[str, bool] = {}
        self._abbrev = tok._params.abbrev_types

    def _sentbreak(self, context: str) -> bool:
        # "word. Next" where the word is two or more letters and not an abbreviation: Punkt's
        # first pass marks the period a break, and its second pass changes only initials,
        # numbers, abbreviations, ellipses and collocations (none here), so the answer is True.
        plain = _PLAIN_BREAK_RE.match(context)
        if plain is not None:
            word = plain.group(1)
            if word.isalpha() and word.lower() not in self._abbrev and not self._tok._params.collocations:
                return True
        found = self._breaks.get(context)
        if found is None:
            if len(self._breaks) >= _BREAK_CACHE_MAX:
                self._breaks.clear()
            found = self._breaks[context] = self._tok.text_contains_sentbreak(context)
        return found

    def spans(self, s: str) -> list[tuple[int, int]]:
        """``list(PunktSentenceTokenizer.span_tokenize(s))`` for a string without a newline."""
        matches = list(self._period.finditer(s))
        if not matches:
            end = len(s.rstrip())
            return [(0, end)] if end > 0 else []
        # _match_potential_end_contexts: drop a candidate whose word overlaps the next one.
        cands = []
        prev_start = prev_stop = 0
        prev_match = None
        spaces = [c for c in _PUNKT_SPACES if c in s]  # usually just " "
        for m in matches:
            ms = m.start()
            if len(spaces) == 1:
                idx = s.rfind(spaces[0], prev_stop, ms)
            else:
                idx = max((s.rfind(c, prev_stop, ms) for c in spaces), default=-1)
            idx = idx + 1 if idx > prev_stop else prev_start
            if prev_match is not None and prev_stop <= idx:
                cands.append((prev_match, s[prev_start:prev_stop] + prev_match.group() + prev_match.group("after_tok")))
            prev_match, prev_start, prev_stop = m, idx, ms
        cands.append((prev_match, s[prev_start:prev_stop] + prev_match.group() + prev_match.group("after_tok")))
        # _slices_from_text
        slices = []
        last_break = 0
        for m, context in cands:
            if self._sentbreak(context):
                slices.append((last_break, m.end()))
                nt = m.start("next_tok")
                last_break = nt if nt >= 0 else m.end()
        slices.append((last_break, len(s.rstrip())))
        # _realign_boundaries
        out = []
        realign = 0
        last = len(slices) - 1
        for i, (a, b) in enumerate(slices):
            a += realign
            if i == last:
                if s[a:b]:
                    out.append((a, b))
                continue
            a2, b2 = slices[i + 1]
            m = self._realign.match(s[a2:b2])
            if m:
                out.append((a, a2 + len(m.group(0).rstrip())))
                realign = m.end()
            else:
                realign = 0
                if s[a:b]:
                    out.append((a, b))
        return out


@lru_cache(maxsize=1)
def _punkt_lines() -> _PunktLines | _PunktPlain:
    """The fast splitter, after checking it against Punkt itself on :data:`_SELF_CHECK` (it
    mirrors NLTK 3.10's private steps; if another NLTK version splits differently, Punkt's own
    ``span_tokenize`` is used instead)."""
    tok = _punkt()
    try:
        fast = _PunktLines(tok)
        if all(fast.spans(s) == list(tok.span_tokenize(s)) for s in _SELF_CHECK):
            return fast
    except (AttributeError, TypeError, ValueError):
        pass
    return _PunktPlain(tok)


class _PunktPlain:
    """Punkt's own ``span_tokenize`` (the fallback of :func:`_punkt_lines`)."""

    def __init__(self, tok: PunktSentenceTokenizer):
        self._tok = tok

    def spans(self, s: str) -> list[tuple[int, int]]:
        return list(self._tok.span_tokenize(s))


# Lines that exercise every step of the fast splitter (abbreviations, initials, numbers,
# quotes and brackets after the period, ellipses, "?" and "!", tabs, no candidate at all).
_SELF_CHECK = (
    "He came on Jan. 8. Mr Smith left.",
    'Tokayev said: "They are terrorists." The CSTO sent troops (about 2,500).  Then ...',
    "J. S. Bach wrote it in 1720. e.g. this. U.S. troops? No! \"Why?\" he asked.\tOk",
    "В.В. Путин заявил. Это теракт! «Нет.» 8 тыс. человек... — сказал он",
    "(Sent1.) Sent2. No candidate here",
    "no sentence end at all",
    "a.b.c. x. Y.. z!!! W?! v.) u",
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets in ``text``, never crossing a line break.

    Leading and trailing spaces are not part of a sentence. Uses Punkt with
    :data:`ABBREVIATIONS`, offline.

    Examples
    --------
    >>> sentence_spans("He came on Jan. 8. Mr Smith left.\\nNew line")
    [(0, 18), (19, 33), (34, 42)]
    """
    return list(_sentence_spans_cached(text))


@lru_cache(maxsize=16)
def _sentence_spans_cached(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`sentence_spans` as a tuple, cached: the labeler and the voice model both split
    the same title and body, and Punkt is the slowest step of the two."""
    splitter = _punkt_lines()
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        base = line.start()
        s = line.group(0)
        if not s.strip():
            continue
        for a, b in splitter.spans(s):
            seg = s[a:b]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if b - trail > a + lead:
                spans.append((base + a + lead, base + b - trail))
    return tuple(spans)
