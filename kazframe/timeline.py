"""Which day a sentence is about: resolving date expressions, and labels over event days.

Method
------
Every sentence of an article (title sentences first, then body sentences, split with
:func:`kazframe.text.sentence_spans`, the numbering :func:`kazframe.label.label` uses) gets
at most one *event date*, from the date expressions written in it. Rules, on the folded
text:

=====================  ==================================================================
rule                   expression and its date
=====================  ==================================================================
``month_day``          "On January 5", "Jan. 9", "Jan 10", "Monday, January 10"
``day_month``          "05 January 2022", "9 JANUARY 2022", "on 7 January"
``iso``                "2022-01-10"
``month_day_range``    "January 3-5", "3-5 January": the *first* day
``weekday``            "on Monday", "Tuesday evening": the most recent such weekday on or
                       before the article's date; "last Wednesday": strictly before it
``today``              "today", "tonight", "this morning": the article's date
``yesterday``          the day before the article's date
``next_day``           "the next day", "the following day", "a day later": the date of
                       the previous resolved sentence of the same article plus one day
=====================  ==================================================================

A year that is not written is the article's year; when that puts the day more than half a
year after the article's last possible day, the year before is taken (a January article
that mentions "December 30"). Weekdays, "today" and "yesterday" need an article dated to
one day: for a month ("2022-01") or an interval ("2022-01-10/11") they stay unresolved
(rule ``weekday_imprecise_date`` / ``relative_imprecise_date``). Note that an article's date
is its publication (or page) date: a page modified long after the events (B1 in the seed
corpus) resolves weekdays against that date, so keep such pages' dates honest in the
manifest.

Never guessed, always recorded: a sentence without an expression inherits nothing (its
``event_date`` is empty, ``rule`` is ``""``); "last week", "this month", "recent days"
(rule ``vague``), a date that only bounds the event ("since January 5", "until January 19",
rule ``boundary``; "from" is not a boundary, it dates the start), and "the next day" with
no dated sentence before it (``next_day_no_antecedent``) stay unresolved with their
``expression`` kept. When a sentence has several expressions the first resolved one that is
not a boundary wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .text import fold, sentence_spans

__all__ = [
    "EVENT_DATE_COLUMNS",
    "DateMention",
    "resolve_dates",
    "sentence_date",
    "event_dates",
    "label_timeline",
    "first_use",
]

#: Stable columns of :func:`event_dates` (extras ``field, expression, rule`` follow).
EVENT_DATE_COLUMNS = ("article_id", "source_file", "sentence_id", "start", "end", "event_date")

_MONTH_NUM = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD = "(?:" + "|".join(_WEEKDAYS) + ")"
_YEAR = r"(?P<y>(?:19|20)\d{2})"

_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("month_day", re.compile(
        rf"\b(?:{_WD}\s*,?\s+)?(?P<mon>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
        rf"(?:\s*-\s*(?P<d2>\d{{1,2}})\b)?(?!\s*(?:,\d|\d|\.\d|-\d|:\d))(?:\s*,?\s*{_YEAR}\b)?"
    )),
    ("day_month", re.compile(
        rf"\b(?:{_WD}\s*,?\s+)?(?<![\d,.])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*-\s*(?P<d2>\d{{1,2}}))?"
        rf"\s+(?:of\s+)?(?P<mon>{_MONTHS})\b(?:(?<![a-z]{{5}})\.)?(?:\s*,?\s*{_YEAR}\b)?"
    )),
    ("next_day", re.compile(r"\b(?:the\s+)?(?:next|following)\s+day\b|\ba\s+day\s+later\b")),
    ("today", re.compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b")),
    ("yesterday", re.compile(r"\byesterday\b")),
    ("weekday", re.compile(
        rf"\b(?:(?P<last>last)\s+)?(?P<wd>{_WD})\b(?!\s+prayers?\b)(?:\s+(?:morning|afternoon|evening|night))?"
    )),
    ("vague", re.compile(
        r"\b(?:(?:last|this|next|past|previous)\s+(?:week|weekend|month|year)"
        r"|earlier\s+this\s+(?:week|month)|(?:in\s+)?recent\s+days)\b"
    )),
)
# A boundary word up to six words before the expression, in the same clause.
_BOUNDARY_RE = re.compile(
    r"\b(?:since|until|till|before|after|through|prior\s+to|ahead\s+of)\s+"
    r"(?:[^\s,;:()]+\s+){0,6}$"
)
_AS_OF_RE = re.compile(r"\b(?:as\s+of|by)\s+$")
_ABSOLUTE = frozenset({"iso", "month_day", "day_month", "month_day_range"})
_HALF_YEAR = pd.Timedelta(days=183)


@dataclass(frozen=True)
class DateMention:
    """A date expression in a string and what it resolves to.

    Attributes
    ----------
    start, end : int
        Span of the expression in the analysed string.
    expression : str
        The expression as written.
    date : str
        ISO date (``"2022-01-10"``), or ``""`` when it cannot be resolved.
    rule : str
        Which rule read it (see the module docstring).
    boundary : bool
        The expression only bounds the event ("since ...", "until ...").
    as_of : bool
        The expression follows "as of" or "by" (the date a figure holds for).
    """

    start: int
    end: int
    expression: str
    date: str
    rule: str
    boundary: bool = False
    as_of: bool = False


def _ts(value) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return pd.Timestamp(value).normalize()


def _calendar(m: re.Match, rule: str, start: pd.Timestamp | None, end: pd.Timestamp | None):
    """(date or None, rule) for an absolute expression."""
    if rule == "iso":
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    else:
        mo, d = _MONTH_NUM[m["mon"][:3]], int(m["d"])
        if m["y"]:
            y = int(m["y"])
        elif start is not None:
            y = start.year
        else:
            return None, rule
        if m["d2"] is not None:
            rule = "month_day_range"
    try:
        date = pd.Timestamp(year=y, month=mo, day=d)
    except ValueError:
        return None, "invalid_date"
    if rule != "iso" and not m["y"] and end is not None and date > end + _HALF_YEAR:
        date = date - pd.DateOffset(years=1)
    return date, rule


def _relative(m: re.Match, rule: str, start, end, previous) -> tuple[pd.Timestamp | None, str]:
    if rule == "next_day":
        return (previous + pd.Timedelta(days=1), rule) if previous is not None else (None, "next_day_no_antecedent")
    if rule == "vague":
        return None, rule
    if start is None or end is None or start != end:
        return None, "weekday_imprecise_date" if rule == "weekday" else "relative_imprecise_date"
    if rule == "today":
        return start, rule
    if rule == "yesterday":
        return start - pd.Timedelta(days=1), rule
    target = _WEEKDAYS.index(m["wd"])
    back = (start.weekday() - target) % 7
    if m["last"] and back == 0:
        back = 7
    return start - pd.Timedelta(days=back), "last_weekday" if m["last"] else rule


def resolve_dates(text: str, *, date_start=None, date_end=None, previous=None) -> list[DateMention]:
    """All date expressions in ``text``, resolved against an article's date.

    Parameters
    ----------
    text : str
        A sentence (or any string).
    date_start, date_end : str or Timestamp, optional
        First and last day the article's date allows (the corpus columns); equal for a
        day-precision date. Without them weekdays and unwritten years stay unresolved.
    previous : str or Timestamp, optional
        The previous sentence's resolved date, for "the next day".

    Returns
    -------
    list of DateMention
        In text order, non-overlapping (an earlier rule in the module table wins an overlap).

    Examples
    --------
    >>> [(d.expression, d.date) for d in resolve_dates("On Monday, Jan. 10", date_start="2022-01-11",
    ...                                                 date_end="2022-01-11")]
    [('Monday, Jan. 10', '2022-01-10')]
    """
    start, end, prev = _ts(date_start), _ts(date_end), _ts(previous)
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for rule, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            a, b = m.span()
            if any(a < tb and ta < b for ta, tb in taken):
                continue
            if rule in ("iso", "month_day", "day_month"):
                date, used = _calendar(m, rule, start, end)
            else:
                date, used = _relative(m, rule, start, end, prev)
            before = folded[max(0, a - 40):a]
            taken.append((a, b))
            out.append(DateMention(
                a, b, text[a:b], date.strftime("%Y-%m-%d") if date is not None else "", used,
                boundary=_BOUNDARY_RE.search(before) is not None,
                as_of=_AS_OF_RE.search(before) is not None,
            ))
    return sorted(out, key=lambda d: d.start)


def sentence_date(mentions: list[DateMention]) -> tuple[str, str, str]:
    """The event date of a sentence from its mentions: ``(date, expression, rule)``.

    The first resolved mention that is not a boundary wins, a written date ("The next
    day, on January 6") before a relative one; otherwise the date is ``""``
    and the first mention's expression and rule (``boundary`` for a resolved boundary) are
    kept so the reason stays visible.
    """
    usable = [d for d in mentions if d.date and not d.boundary]
    for d in sorted(usable, key=lambda d: d.rule not in _ABSOLUTE):
        return d.date, d.expression, d.rule
    if mentions:
        d = mentions[0]
        return "", d.expression, "boundary" if d.date and d.boundary else d.rule
    return "", "", ""


def event_dates(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of every article, with the day it is about when the text says.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (:func:`kazframe.corpus.load_corpus`).

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_DATE_COLUMNS` -- ``start``/``end`` raw-file offsets of the sentence,
        ``event_date`` an ISO date or ``""`` when unresolved (such sentences are kept) --
        then ``field`` (``title``/``body``), ``expression`` (the text that resolved it, or
        the unresolvable expression) and ``rule``. ``sentence_id`` counts the title's
        sentences first, as in :func:`kazframe.label.label`.
    """
    from .corpus import raw_offsets

    rows: list[dict] = []
    for article in corpus.to_dict("records"):
        previous: str | None = None
        sid = 0
        for field in ("title", "text"):
            s = article[field] or ""
            for a, b in sentence_spans(s):
                mentions = resolve_dates(s[a:b], date_start=article["date_start"],
                                         date_end=article["date_end"], previous=previous)
                date, expression, rule = sentence_date(mentions)
                ra, rb = raw_offsets(article, a, b, field=field)
                rows.append({
                    "article_id": article["article_id"], "source_file": article["source_file"],
                    "sentence_id": sid, "start": ra, "end": rb, "event_date": date,
                    "field": "title" if field == "title" else "body",
                    "expression": expression, "rule": rule,
                })
                sid += 1
                if date:
                    previous = date
    columns = list(EVENT_DATE_COLUMNS) + ["field", "expression", "rule"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"sentence_id": "int64", "start": "int64", "end": "int64"}
    )


def _dated_matches(event_dates: pd.DataFrame, matches: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    dated = event_dates.loc[event_dates["event_date"] != "", ["article_id", "sentence_id", "event_date"]]
    meta = corpus[["article_id", "bloc", "date", "date_start"]]
    return (
        matches[["article_id", "sentence_id", "category"]]
        .merge(dated, on=["article_id", "sentence_id"], how="inner", validate="many_to_one")
        .merge(meta, on="article_id", how="left", validate="many_to_one")
    )


def label_timeline(event_dates: pd.DataFrame, matches: pd.DataFrame, corpus: pd.DataFrame, *,
                   first_day: str = "2022-01-02", last_day: str = "2022-01-13") -> pd.DataFrame:
    """Label counts per event day and bloc.

    Parameters
    ----------
    event_dates : pandas.DataFrame
        From :func:`event_dates`.
    matches : pandas.DataFrame
        From :func:`kazframe.label.label` (``article_id, sentence_id, category``).
    corpus : pandas.DataFrame
        The article table (for ``bloc``).
    first_day, last_day : str
        ISO dates bounding the event days kept (inclusive).

    Returns
    -------
    pandas.DataFrame
        ``event_date, bloc, category, n``: matches in sentences resolved to that day.
        Matches in unresolved sentences are not counted (compare with ``len(matches)``).
    """
    dated = _dated_matches(event_dates, matches, corpus)
    dated = dated.loc[dated["event_date"].between(first_day, last_day)]
    return (
        dated.groupby(["event_date", "bloc", "category"], as_index=False)
        .size()
        .rename(columns={"size": "n"})
        .sort_values(["event_date", "bloc", "category"])
        .reset_index(drop=True)
    )


def first_use(event_dates: pd.DataFrame, matches: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Which bloc first used which label for the events of which day.

    Parameters
    ----------
    event_dates, matches, corpus : pandas.DataFrame
        As for :func:`label_timeline`.

    Returns
    -------
    pandas.DataFrame
        ``category, event_date, bloc, first_article_id, first_date``: for every label
        category, event day and bloc, the article of that bloc with the earliest date
        (``date_start``; ties go to corpus order) that uses the label in a sentence about that
        day. ``first_date`` is the article's ``date`` as in the corpus (its precision kept:
        "2022-01" is a month, not January 1st). Sorted by category, event day and
        ``first_date``; ``rank_in_day`` is the bloc's place in that order and
        ``order_certain`` is False when the bloc's first article's date range overlaps the
        first date of another bloc for the same label and day (a month-only date, or two
        blocs publishing on the same day: which came first is then not known).
    """
    dated = _dated_matches(event_dates, matches, corpus)
    order = {aid: i for i, aid in enumerate(corpus["article_id"])}
    first = (
        dated.assign(_order=dated["article_id"].map(order))
        .sort_values(["date_start", "_order"], kind="stable")
        .drop_duplicates(["category", "event_date", "bloc"])
    )
    first = first.sort_values(["category", "event_date", "date_start", "_order"], kind="stable")
    # Which bloc was *first* for a (category, day) is only certain when the first article's date
    # range ends before every other bloc's first article's range starts.
    ends = pd.to_datetime(corpus.set_index("article_id")["date_end"])
    first = first.assign(date_end=first["article_id"].map(ends))
    starts = pd.to_datetime(first["date_start"]).to_numpy()
    stops = pd.to_datetime(first["date_end"]).to_numpy()
    keys = list(zip(first["category"], first["event_date"], strict=True))
    certain = []
    for k in range(len(first)):
        same = [o for o in range(len(first)) if o != k and keys[o] == keys[k]]
        certain.append(all(stops[k] < starts[o] or starts[k] > stops[o] for o in same))
    first = first.assign(rank_in_day=first.groupby(["category", "event_date"]).cumcount() + 1,
                         order_certain=certain)
    return (
        first.rename(columns={"article_id": "first_article_id", "date": "first_date"})
        [["category", "event_date", "bloc", "first_article_id", "first_date", "rank_in_day", "order_certain"]]
        .reset_index(drop=True)
    )
