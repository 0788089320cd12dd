"""Number phrases in English news text: "7,939", "about 8,000", "2 thousand 30", "dozens".

Method
------
:func:`find_numbers` scans the folded text (:func:`kazframe.text.fold`) for number phrases
and :func:`parse_number` reads one. A phrase is

    [qualifier [qualifier]] [currency symbol] core [currency word]

where the *core* is digits with thousands separators and decimals ("7,939", "57.5"),
optionally followed by a scale word ("25 billion", "2.5 thousand", "2 thousand 30" =
2,030), English number words ("three", "twenty-five", "a hundred", "half a million",
"two dozen"), or a vague quantity ("dozens", "hundreds", "tens of thousands", "a few
hundred"). Word tables, qualifiers, vague ranges and currencies are data, in
``data/claims.yaml``.

What a :class:`NumberValue` means, by ``kind``:

==============  =====================================================================
kind            fields
==============  =====================================================================
``exact``       ``value = low = high = n``, ``approx=False`` ("7,939", "three")
``approx``      ``value = n``, ``approx=True``; no bound ("about 8,000", "some 20,000"),
                or ``high = n`` for "almost", "nearly", "just under"
``lower_bound`` ``value = low = n``, ``high`` None ("at least 164", "more than 400",
                "over 3,000": "more than n" is stored as the bound *n*, not *n* + 1)
``upper_bound`` ``value = high = n``, ``low`` None ("up to 500", "no more than")
``vague``       ``value`` NaN, ``approx=True``, ``[low, high]`` by convention: dozens
                24-99, scores 40-99, hundreds 200-999, thousands 2,000-9,999, tens of
                thousands 20,000-99,999; "a few"/"several" *X* = 2X-9X; a stated range
                "10-15" or "between 10 and 15" is vague with its own bounds
==============  =====================================================================

A vague quantity never gets a point value: a researcher who wants one must choose it.

Not counts
----------
:func:`find_numbers` skips numbers that are dates, times, durations, measures, ordinals
or references, by their context: a month name before or after ("January 10", "05 January
2022", "January 3-5", "Jan. 9"), a digital date ("2022-01-10", "10.01.2022"), a clock
time ("11 p.m.", "7.00", "23:00"), a following unit word ("30 years", "30-year",
"180-day", "10 percent", "200 kilometers"), an ordinal suffix ("5th"), a reference word
before it ("Article 107", "No. 5"), a letter glued before it ("G20", "Covid-19"), and a
bare four-digit number 1800-2100 (a year) unless a count noun follows it ("2030 troops").
The word lists are in ``data/claims.yaml``. :func:`parse_number` applies none of these
context rules: it reads whatever phrase it is given.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import DATA_DIR
from .text import fold

__all__ = ["NumberValue", "NumberGrammar", "parse_number", "find_numbers", "load_number_grammar"]

KINDS = ("exact", "approx", "lower_bound", "upper_bound", "vague")

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_BEFORE_RE = re.compile(rf"\b{_MONTHS}\.?,?\s+(?:\d{{1,2}}\s*(?:-|and|to)\s*)?$")
_MONTH_AFTER_RE = re.compile(
    rf"^(?:(?:st|nd|rd|th)\b)?\s*(?:(?:-|and|to|or)\s*\d{{1,2}}(?:st|nd|rd|th)?\s*)?(?:of\s+)?{_MONTHS}\b"
)
_DIGITAL_DATE_RE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
_GLUED_RE = re.compile(r"[a-z]-$")
_CLOCK_RE = re.compile(r"^\d{1,2}[.:]\d{2}$")
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_RANGE_RE = re.compile(rf"-({_DIGITS})(?![\d,.]*\d)")


@dataclass(frozen=True)
class NumberValue:
    """A parsed number phrase (see the module docstring for what each ``kind`` sets).

    Attributes
    ----------
    value : float
        The stated number; NaN for a vague quantity.
    low, high : float or None
        Bounds the phrase states or (for vague quantities) our documented convention gives.
    approx : bool
        The phrase hedges the number ("about", "almost", "dozens").
    kind : str
        ``exact``, ``approx``, ``lower_bound``, ``upper_bound`` or ``vague``.
    currency : str
        ``USD``, ``tenge``, ``RUB``, ``EUR`` when the phrase carries a currency, else ``""``.
    """

    value: float
    low: float | None
    high: float | None
    approx: bool
    kind: str
    currency: str = ""


@dataclass(frozen=True)
class NumberGrammar:
    """The word tables of ``data/claims.yaml`` and the regular expressions built from them."""

    number_words: dict[str, int]
    multipliers: dict[str, float]
    qualifiers: dict[str, str]
    vague: dict[str, tuple[float, float]]
    vague_multiples: dict[str, tuple[float, float]]
    currency_symbols: dict[str, str]
    currency_words: dict[str, str]
    phrase_re: re.Pattern
    not_after_re: re.Pattern
    not_before_re: re.Pattern
    year_count_re: re.Pattern


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _build(spec: dict) -> NumberGrammar:
    number_words = {str(k): int(v) for k, v in spec["number_words"].items()}
    multipliers = {str(k): float(v) for k, v in spec["multipliers"].items()}
    qualifiers = {str(k): str(v) for k, v in spec["qualifiers"].items()}
    vague = {str(k): (float(v[0]), float(v[1])) for k, v in spec["vague"].items()}
    vmult = {str(k): (float(v[0]), float(v[1])) for k, v in spec["vague_multiples"].items()}
    syms = {str(k): str(v) for k, v in spec["currency_symbols"].items()}
    cwords = {str(k): str(v) for k, v in spec["currency_words"].items()}
    scale = _alt(multipliers)
    word = _alt(list(number_words) + list(multipliers) + ["a", "an", "half"])
    qual = _alt(qualifiers)
    sym = _alt(syms)
    vague_alt = _alt(vague)
    phrase = (
        rf"(?<![\w$€₽₸.,])"
        rf"(?P<qual>(?:(?:{qual})\s+){{1,2}})?"
        rf"(?:(?P<sym>{sym})\s?)?"
        rf"(?:(?P<vmult>(?:{_alt(vmult)})\s+(?:{scale}))\b"
        rf"|(?P<vague>{vague_alt})\b"
        rf"|(?P<num>{_DIGITS})(?:\s*(?P<mult>{scale})\b(?:\s+(?P<tail>\d{{1,3}})(?![\d,.]*\d))?)?"
        rf"|(?P<words>(?:{word})(?:(?:\s+|-)(?:and\s+)?(?:{word}))*)\b)"
        rf"(?P<cword>\s+(?:{_alt(cwords)})\b)?"
    )
    not_after = "|".join(f"(?:{p})" for p in spec["not_counts_after"])
    not_before = "|".join(f"(?:{p})" for p in spec["not_counts_before"])
    year_nouns = _alt(spec["year_like_counts_when_followed_by"])
    return NumberGrammar(
        number_words=number_words,
        multipliers=multipliers,
        qualifiers=qualifiers,
        vague=vague,
        vague_multiples=vmult,
        currency_symbols=syms,
        currency_words=cwords,
        phrase_re=re.compile(phrase),
        not_after_re=re.compile(rf"^(?:\s*|-)(?:{not_after})(?![\w])"),
        not_before_re=re.compile(rf"(?<![\w])(?:{not_before})\s*$"),
        year_count_re=re.compile(rf"^\s+(?:{year_nouns})\b"),
    )


def load_number_grammar(path: str | Path | None = None) -> NumberGrammar:
    """Read the number tables of ``data/claims.yaml`` (or ``path``).

    Parameters
    ----------
    path : str or Path, optional
        A claims YAML file; default ``data/claims.yaml``.

    Returns
    -------
    NumberGrammar
    """
    if path is None:
        return _default_grammar()
    return _build(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _default_grammar() -> NumberGrammar:
    return _build(yaml.safe_load((DATA_DIR / "claims.yaml").read_text(encoding="utf-8")))


# --- reading one matched phrase -----------------------------------------------------

_WORD_TOKEN_RE = re.compile(r"[a-z]+")


def _parse_words(tokens: list[str], g: NumberGrammar) -> tuple[float, int] | None:
    """Value of the longest valid number-word prefix of ``tokens`` and its token count."""
    total = 0.0
    current = 0.0
    last = ""  # "unit", "ten", "scale", "a", "half", "and"
    used = 0
    have_number = False
    best: tuple[float, int] | None = None
    half = False
    for i, tok in enumerate(tokens):
        if tok in ("a", "an"):
            if last not in ("", "half"):
                break
            last = "a"
            continue
        if tok == "half":
            if last != "":
                break
            half = True
            last = "half"
            continue
        if tok == "and":
            if last != "scale":
                break
            last = "and"
            continue
        if tok in g.number_words:
            v = g.number_words[tok]
            if last in ("a", "half"):
                break
            if v < 10 and last == "ten" or last == "":
                current += v
            elif last in ("scale", "and") and (current % 100 == 0):
                current += v
            else:
                break
            last = "ten" if v >= 20 else "unit"
        elif tok in g.multipliers:
            m = g.multipliers[tok]
            base = current if current else 1.0
            if last == "half":
                break
            if m < 1000:
                current = base * m
            else:
                total += base * m
                current = 0.0
            last = "scale"
        else:
            break
        have_number = True
        used = i + 1
        value = (total + current) * (0.5 if half else 1.0)
        best = (value, used)
    return best if have_number else None


def _qualify(qual: str, n: float, g: NumberGrammar) -> tuple[float, float | None, float | None, bool, str]:
    classes = [g.qualifiers[k] for k in _qualifier_keys(qual, g)]
    approx = any(c in ("approx", "approx_below") for c in classes)
    if "lower_bound" in classes:
        return n, n, None, approx, "lower_bound"
    if "upper_bound" in classes:
        return n, None, n, approx, "upper_bound"
    if "approx_below" in classes:
        return n, None, n, True, "approx"
    if approx:
        return n, None, None, True, "approx"
    return n, n, n, False, "exact"


def _qualifier_keys(qual: str, g: NumberGrammar) -> list[str]:
    text = re.sub(r"\s+", " ", qual.strip())
    keys = sorted(g.qualifiers, key=len, reverse=True)
    out = []
    while text:
        for k in keys:
            if text == k or text.startswith(k + " "):
                out.append(k)
                text = text[len(k):].strip()
                break
        else:
            break
    return out


def _currency(m: re.Match, g: NumberGrammar) -> str:
    if m["sym"]:
        return g.currency_symbols[m["sym"]]
    if m["cword"]:
        return g.currency_words[re.sub(r"\s+", " ", m["cword"].strip())]
    return ""


def _read(m: re.Match, folded: str, g: NumberGrammar) -> tuple[int, int, NumberValue] | None:
    """``(start, end, value)`` of a phrase match, or None when it holds no number."""
    start, end = m.start(), m.end()
    cur = _currency(m, g)
    qual = m["qual"] or ""
    if m["vague"] or m["vmult"]:
        if m["vague"]:
            low, high = g.vague[re.sub(r"\s+", " ", m["vague"])]
        else:
            few, scale = re.sub(r"\s+", " ", m["vmult"]).rsplit(" ", 1)
            lo, hi = g.vague_multiples[few]
            low, high = lo * g.multipliers[scale], hi * g.multipliers[scale]
        return start, end, NumberValue(math.nan, low, high, True, "vague", cur)
    if m["num"]:
        n = float(m["num"].replace(",", ""))
        if m["mult"]:
            n *= g.multipliers[re.sub(r"\s+", " ", m["mult"])]
            if m["tail"]:
                tail = float(m["tail"])
                if "." in m["num"] or tail >= g.multipliers[m["mult"]]:
                    return None
                n += tail
    else:
        tokens = [(t.group(0), t.start(), t.end())
                  for t in _WORD_TOKEN_RE.finditer(folded, m.start("words"), m.end("words"))]
        words = [t[0] for t in tokens]
        parsed = _parse_words(words, g)
        if parsed is None and len(words) > 1 and words[0] in ("a", "an"):
            # "a two-week ...": the number starts at the second word.
            start, qual = tokens[1][1], ""
            tokens, words = tokens[1:], words[1:]
            parsed = _parse_words(words, g)
        if parsed is None:
            return None
        n, used = parsed
        if used < len(tokens):  # a valid prefix only: the currency word cannot follow
            end = tokens[used - 1][2]
            cur = g.currency_symbols.get(m["sym"] or "", "")
    value, low, high, approx, kind = _qualify(qual, n, g)
    return start, end, NumberValue(value, low, high, approx, kind, cur)


def parse_number(text: str, *, grammar: NumberGrammar | None = None) -> NumberValue:
    """Parse one number phrase.

    Parameters
    ----------
    text : str
        The whole phrase: "7,939", "about 8,000", "2 thousand 30", "more than a hundred",
        "dozens", "$57.5 million", "120 tenge", "half a million". A range "10-15" or
        "between 10 and 15" is read as a vague quantity with those bounds.
    grammar : NumberGrammar, optional
        Default: the tables of ``data/claims.yaml``.

    Returns
    -------
    NumberValue

    Raises
    ------
    ValueError
        If ``text`` is not exactly one number phrase (no silent guess).

    Examples
    --------
    >>> parse_number("2 thousand 30").value
    2030.0
    >>> parse_number("at least 164").kind
    'lower_bound'
    """
    g = grammar or _default_grammar()
    folded = fold(text.strip())
    rng = _read_range(folded, g)
    if rng is not None:
        return rng
    m = g.phrase_re.match(folded)
    got = _read(m, folded, g) if m else None
    if got is None or got[1] != len(folded):
        raise ValueError(f"{text!r} is not a number phrase")
    return got[2]


_FULL_RANGE_RE = re.compile(rf"^(?:between\s+)?({_DIGITS})\s*(?:-|and)\s*({_DIGITS})$")


def _read_range(folded: str, g: NumberGrammar) -> NumberValue | None:
    m = _FULL_RANGE_RE.match(folded)
    if not m or ("and" in folded and not folded.startswith("between")):
        return None
    lo, hi = (float(x.replace(",", "")) for x in m.groups())
    if hi <= lo:
        return None
    return NumberValue(math.nan, lo, hi, True, "vague")


# --- finding numbers in running text ------------------------------------------------


def _not_a_count(folded: str, m: re.Match, start: int, end: int, g: NumberGrammar) -> bool:
    """True when the phrase at ``[start, end)`` is a date, time, duration, measure or reference."""
    core_start = m.start("sym") if m["sym"] else start + len(m["qual"] or "")
    before = folded[max(0, core_start - 40):core_start]
    after = folded[end:end + 40]
    num = m["num"]
    if m["qual"] is None and _MONTH_BEFORE_RE.search(before):
        return True
    if num and not m["mult"] and _MONTH_AFTER_RE.match(after):
        return True
    if num and not m["sym"]:
        lo = max(0, core_start - 5)
        window = folded[lo:end + 6]
        for d in _DIGITAL_DATE_RE.finditer(window):
            if d.start() + lo <= core_start < d.end() + lo:
                return True
        if not m["mult"] and _CLOCK_RE.match(num):
            return True
        if (not m["mult"] and not m["qual"] and re.fullmatch(r"\d{4}", num)
                and 1800 <= int(num) <= 2100 and not g.year_count_re.match(after)):
            return True
    if g.not_after_re.match(after):
        return True
    if g.not_before_re.search(before):
        return True
    # A word glued before the digits by a hyphen: "Covid-19", "Su-27" ("G20" never matches).
    return bool(num) and _GLUED_RE.search(folded, max(0, core_start - 2), core_start) is not None


def find_numbers(text: str, *, grammar: NumberGrammar | None = None) -> list[tuple[int, int, NumberValue]]:
    """Number phrases in running text that can be counts or amounts.

    Parameters
    ----------
    text : str
        Any string (a sentence, an article body); offsets index it.
    grammar : NumberGrammar, optional
        Default: the tables of ``data/claims.yaml``.

    Returns
    -------
    list of (start, end, NumberValue)
        In text order, non-overlapping. The span covers qualifiers and currency
        ("at least 5,800", "$57.5 million", "25 billion tenge"). Dates, times, durations,
        measures, ordinals and references are not returned (see the module docstring).

    Examples
    --------
    >>> [(s, e, v.value) for s, e, v in find_numbers("On January 10, 7,939 people were held.")]
    [(15, 20, 7939.0)]
    """
    g = grammar or _default_grammar()
    folded = fold(text)
    out: list[tuple[int, int, NumberValue]] = []
    for m in g.phrase_re.finditer(folded):
        got = _read(m, folded, g)
        if got is None:
            continue
        start, end, value = got
        if _not_a_count(folded, m, start, end, g):
            continue
        if m["num"] and not m["mult"]:
            rng = _RANGE_RE.match(folded, end) if not m["cword"] else None
            if rng:
                hi = float(rng.group(1).replace(",", ""))
                if hi > value.value and not g.not_after_re.match(folded[rng.end():rng.end() + 40]):
                    out.append((start, rng.end(), NumberValue(math.nan, value.value, hi, True, "vague", value.currency)))
                    continue
        out.append((start, end, value))
    return _drop_overlaps(out)


def _drop_overlaps(found: list[tuple[int, int, NumberValue]]) -> list[tuple[int, int, NumberValue]]:
    out: list[tuple[int, int, NumberValue]] = []
    for item in found:
        if out and item[0] < out[-1][1]:
            continue
        out.append(item)
    return out
