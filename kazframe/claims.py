"""Numeric claims: who said how many were killed, injured, detained, deployed, destroyed.

Method
------
For every sentence of every article (title and body), :func:`kazframe.numbers.find_numbers`
finds the number phrases that can be counts (dates, times, durations, references are
skipped). Each number is then classified by transparent patterns read from
``data/claims.yaml``, applied to the folded sentence in which *that* number is written
``<N>`` and every other number ``<M>`` (so a pattern never reaches across another figure).
The quantities (the ``quantity`` column) are:

=============  ============================================  ===========================
quantity       what is counted                               ``unit``
=============  ============================================  ===========================
``killed``     people killed or dead                         ``people``
``injured``    people injured or wounded                     ``people``
``detained``   people detained or arrested                   ``people``
``attackers``  people said to have attacked                  ``people``
``troops``     troops or soldiers deployed                   ``troops``
``equipment``  pieces of military equipment deployed         ``pieces``
``damage``     damage in money, or objects destroyed         currency (``tenge``, ``USD``)
                                                             or ``vehicles``/``buildings``
``price``      prices                                        currency, or
                                                             ``tenge_per_litre``
=============  ============================================  ===========================

When several patterns fit a number the one with the shortest match wins (the verb nearest
to the number), ties going to the quantity listed first. A number without a pattern of its
own takes the quantity of an earlier number it depends on: ``part_of`` ("dozens ... died,
including 16 members of the security forces"), ``conversion`` ("25 billion tenge ($57.5
million)") or ``coordinated`` ("at least 18 officers and dozens of protesters"); the
``relation`` column says so, because such figures overlap and must not be summed. A number
that fits nothing is not a claim (crowd sizes, populations, ages). Figures followed by a
mention of another conflict ("troops massed on the border with Ukraine") are dropped
(``exclude_after`` in the data file).

Speakers come from the attribution model (:func:`kazframe.quotes.find_attributions` and
:func:`kazframe.quotes.voice_at`): a figure inside a quotation or a reported-speech scope
("..., according to the Interior Ministry", "the ministry said ...") takes its speaker;
the outlet's own voice gives ``speaker = speaker_group = ""``. ``as_of`` is the date the
sentence gives for the figure (:func:`kazframe.timeline.resolve_dates`): an "as of"/"by"
date first, else the first date of the sentence that does not only bound the events
("since January 5" gives none); else ``""``.

States of emergency and curfews are not counts and stay out of the claims table:
:func:`emergency_dates` lists their dates and hours separately.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .numbers import NumberGrammar, NumberValue, find_numbers, load_number_grammar
from .paths import DATA_DIR
from .text import fold, sentence_spans

__all__ = [
    "QUANTITIES",
    "CLAIM_COLUMNS",
    "ClaimRules",
    "load_claim_rules",
    "classify_numbers",
    "claims",
    "claims_by_outlet",
    "emergency_dates",
]

#: The values of ``quantity`` (fixed; the data file may not add others).
QUANTITIES = ("killed", "injured", "detained", "attackers", "troops", "equipment", "damage", "price")
#: Stable columns of :func:`claims`; extras follow them.
CLAIM_COLUMNS = (
    "article_id", "source_file", "start", "end", "quantity", "value", "unit", "as_of",
    "speaker", "speaker_group",
)
_EXTRA_COLUMNS = ("low", "high", "kind", "text", "sentence", "who", "relation", "voice", "field", "sentence_id")

# Up to 80 characters of one clause; an inserted ", including <M> ...," may be skipped.
_GAP = (
    r"(?:,\s*(?:including|among\s+them)\s+<M>[^,.;:<>\"]{0,40},"
    r"|(?!\b(?:that|which|who|when|after|while|because|but|although|though|whereas)\b)"
    r"[^.;:!?<>\"]){0,80}?"
)
_SHORT = r"(?:[\w'-]+\s+){0,3}?"


@dataclass(frozen=True)
class _Pattern:
    quantity: str
    regex: re.Pattern
    requires_currency: bool
    unit: str


@dataclass(frozen=True)
class ClaimRules:
    """The claim patterns of ``data/claims.yaml``, compiled."""

    patterns: tuple[_Pattern, ...]
    units: dict[str, str]
    objects: dict[str, str]
    relations: tuple[tuple[str, re.Pattern], ...]
    who: tuple[tuple[str, re.Pattern], ...]
    exclude_after: re.Pattern | None
    grammar: NumberGrammar


def _expand(template: str, objects_alt: str) -> str:
    return (template.replace("{N}", "<N>").replace("{GAP}", _GAP).replace("{SHORT}", _SHORT)
            .replace("{OBJ}", rf"(?P<obj>{objects_alt})"))


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _build(spec: dict, grammar: NumberGrammar) -> ClaimRules:
    unknown = set(spec["quantities"]) - set(QUANTITIES)
    if unknown:
        raise ValueError(f"claims.yaml: unknown quantities {sorted(unknown)}; allowed: {QUANTITIES}")
    objects = {str(w): str(group) for group, words in spec["objects"].items() for w in words}
    objects_alt = _alt(objects)
    patterns = []
    units = {}
    for quantity in QUANTITIES:
        entry = spec["quantities"].get(quantity)
        if not entry:
            continue
        units[quantity] = str(entry["unit"])
        for p in entry["patterns"]:
            patterns.append(_Pattern(quantity, re.compile(_expand(p["re"], objects_alt)),
                                     bool(p.get("requires_currency", False)),
                                     str(p.get("unit", entry["unit"]))))
    relations = tuple((name, re.compile(_expand(rx, objects_alt))) for name, rx in spec["relations"].items())
    who = tuple((group, re.compile(rf"\b(?:{_alt(words)})\b")) for group, words in spec["who"].items())
    excl = spec.get("exclude_after") or []
    return ClaimRules(tuple(patterns), units, objects, relations, who,
                      re.compile("|".join(f"(?:{x})" for x in excl)) if excl else None, grammar)


def load_claim_rules(path: str | Path | None = None) -> ClaimRules:
    """Read and compile ``data/claims.yaml`` (or ``path``).

    Raises
    ------
    ValueError
        If the file names a quantity outside :data:`QUANTITIES`.
    """
    if path is None:
        return _default_rules()
    path = Path(path)
    return _build(yaml.safe_load(path.read_text(encoding="utf-8")), load_number_grammar(path))


@lru_cache(maxsize=1)
def _default_rules() -> ClaimRules:
    return _build(yaml.safe_load((DATA_DIR / "claims.yaml").read_text(encoding="utf-8")),
                  load_number_grammar())


# --- classifying the numbers of one sentence -------------------------------------------


def _masked(folded: str, numbers: list[tuple[int, int, NumberValue]], k: int) -> tuple[str, int]:
    """The sentence with number k as ``<N>``, the others as ``<M>``; and where ``<N>`` ends."""
    parts, pos, n_end = [], 0, 0
    for i, (a, b, _) in enumerate(numbers):
        parts.append(folded[pos:a])
        parts.append("<N>" if i == k else "<M>")
        if i == k:
            n_end = sum(len(p) for p in parts)
        pos = b
    parts.append(folded[pos:])
    return "".join(parts), n_end


def _unit(template: str, value: NumberValue, obj: str | None, rules: ClaimRules) -> str:
    unit = template.replace("{currency}", value.currency)
    if "{object}" in unit:
        unit = unit.replace("{object}", rules.objects.get(re.sub(r"\s+", " ", obj or ""), ""))
    return unit


def _who(masked: str, n_end: int, rules: ClaimRules, limit: int | None = None) -> str:
    """Whom the figure counts: the first ``who`` word right after ``<N>`` (up to ``limit``)."""
    stop = min(n_end + 70, limit) if limit is not None else n_end + 70
    window = re.split(r"[,;:.\"(]|<M>|\b(?:were|was|have|has|had|are|is|who|which)\b", masked[n_end:stop])[0]
    best = None
    for group, rx in rules.who:
        m = rx.search(window)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), group)
    return best[1] if best else ""


def _own_match(masked: str, value: NumberValue, rules: ClaimRules):
    best = None
    for p in rules.patterns:
        if p.requires_currency and not value.currency:
            continue
        for m in p.regex.finditer(masked):
            if "<N>" not in m.group(0):
                continue
            if best is None or len(m.group(0)) < len(best[1].group(0)):
                best = (p, m)
            break
    return best


def classify_numbers(sentence: str, *, rules: ClaimRules | None = None) -> list[dict]:
    """Numeric claims in one sentence.

    Parameters
    ----------
    sentence : str
        One sentence (normalised text).
    rules : ClaimRules, optional
        Default: ``data/claims.yaml``.

    Returns
    -------
    list of dict
        One per claim, in text order, with keys ``start, end`` (offsets in ``sentence``),
        ``quantity, value, low, high, kind, unit, who, relation`` and ``text``.

    Examples
    --------
    >>> [(c["quantity"], c["value"]) for c in classify_numbers("7,939 people were detained.")]
    [('detained', 7939.0)]
    """
    rules = rules or _default_rules()
    folded = fold(sentence)
    numbers = find_numbers(sentence, grammar=rules.grammar)
    found: dict[int, dict] = {}
    masks = [_masked(folded, numbers, k) for k in range(len(numbers))]
    for k, (_a, _b, value) in enumerate(numbers):
        masked, n_end = masks[k]
        own = _own_match(masked, value, rules)
        if own is not None:
            p, m = own
            obj = m.group("obj") if "obj" in m.re.groupindex else None
            n_first = m.start() == n_end - len("<N>")
            found[k] = {"quantity": p.quantity, "unit": _unit(p.unit, value, obj, rules), "relation": "",
                        "who_limit": m.end() if n_first else None}
    for k, (_a, _b, value) in enumerate(numbers):
        masked, n_end = masks[k]
        for name, rx in rules.relations:
            m = rx.search(masked)
            if m is None:
                continue
            j = masked[:m.start()].count("<M>")  # the number the relation starts from
            if j >= k or j not in found:
                continue
            if k in found:
                if found[k]["quantity"] == found[j]["quantity"]:
                    found[k]["relation"] = name
                break
            unit = found[j]["unit"] if not value.currency else _unit(
                rules.units[found[j]["quantity"]], value, None, rules)
            obj_unit = _object_unit(masked, n_end, rules)
            found[k] = {"quantity": found[j]["quantity"], "unit": obj_unit or unit, "relation": name,
                        "who_limit": None}
            break
    out = []
    for k in sorted(found):
        a, b, value = numbers[k]
        masked, n_end = masks[k]
        if rules.exclude_after is not None and rules.exclude_after.search(masked[n_end:n_end + 80]):
            continue
        out.append({
            "start": a, "end": b, "quantity": found[k]["quantity"], "value": value.value,
            "low": _nan(value.low), "high": _nan(value.high), "kind": value.kind,
            "unit": found[k]["unit"],
            "who": _who(masked, n_end, rules, found[k]["who_limit"]) if found[k]["unit"] == "people" else "",
            "relation": found[k]["relation"], "text": sentence[a:b],
        })
    return out


def _object_unit(masked: str, n_end: int, rules: ClaimRules) -> str:
    m = re.match(rf"\s+{_SHORT}({_alt(rules.objects)})\b", masked[n_end:])
    return rules.objects[m.group(1)] if m else ""


def _nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


# --- the corpus table ---------------------------------------------------------------------


def _as_of(sentence: str, article: dict) -> str:
    from .timeline import resolve_dates

    mentions = resolve_dates(sentence, date_start=article["date_start"], date_end=article["date_end"])
    for d in mentions:
        if d.as_of and d.date:
            return d.date
    for d in mentions:
        if d.date and not d.boundary and d.rule != "next_day":
            return d.date
    return ""


def _attributions(article: dict):
    """(title_attrs, body_attrs, voice_at) from kazframe.quotes, or empty lists without it."""
    try:
        from .quotes import find_attributions, voice_at
    except ImportError:  # pragma: no cover - quotes.py is part of the package
        return [], [], None
    title_attrs, body_attrs = find_attributions(article["text"] or "", title=article["title"] or "")
    return title_attrs, body_attrs, voice_at


def claims(corpus: pd.DataFrame, *, rules: ClaimRules | None = None) -> pd.DataFrame:
    """All numeric claims of the corpus, one row per figure.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table (:func:`kazframe.corpus.load_corpus`).
    rules : ClaimRules, optional
        Default: ``data/claims.yaml``.

    Returns
    -------
    pandas.DataFrame
        :data:`CLAIM_COLUMNS` -- ``start``/``end`` raw-file offsets of the number phrase,
        ``quantity`` one of :data:`QUANTITIES`, ``value`` (NaN for a vague quantity),
        ``unit``, ``as_of`` (ISO date or ``""``), ``speaker``/``speaker_group`` (``""`` for
        the outlet's own voice) -- then ``low, high, kind`` (see :mod:`kazframe.numbers`),
        ``text`` (the number phrase as in the raw file, ``raw[start:end]``), ``sentence``, ``who`` (``security_forces``,
        ``attackers``, ``protesters``, ``children``, ``civilians``, ``foreign_nationals`` or
        ``""``), ``relation`` (``""``, ``part_of``, ``conversion``, ``coordinated``),
        ``voice`` (``own``/``quoted``/``reported``), ``field`` (``title``/``body``) and
        ``sentence_id`` (title sentences first, as in :func:`kazframe.label.label`).
    """
    from .corpus import raw_offsets, read_raw

    rules = rules or _default_rules()
    rows: list[dict] = []
    raws: dict[str, str] = {}
    for article in corpus.to_dict("records"):
        if article["source_file"] not in raws:
            raws[article["source_file"]] = read_raw(article["source_file"])
        raw = raws[article["source_file"]]
        title_attrs, body_attrs, voice_at = _attributions(article)
        sid = 0
        for field in ("title", "text"):
            s = article[field] or ""
            attrs = title_attrs if field == "title" else body_attrs
            for a, b in sentence_spans(s):
                sentence = s[a:b]
                found = classify_numbers(sentence, rules=rules)
                as_of = _as_of(sentence, article) if found else ""
                for c in found:
                    ta, tb = a + c["start"], a + c["end"]
                    voice, _, speaker, group = voice_at(attrs, ta, tb) if voice_at else ("own", False, "", "")
                    ra, rb = raw_offsets(article, ta, tb, field=field)
                    rows.append({
                        "article_id": article["article_id"], "source_file": article["source_file"],
                        "start": ra, "end": rb, "quantity": c["quantity"], "value": c["value"],
                        "unit": c["unit"], "as_of": as_of,
                        "speaker": speaker if voice != "own" else "",
                        "speaker_group": group if voice != "own" else "",
                        "low": c["low"], "high": c["high"], "kind": c["kind"], "text": raw[ra:rb],
                        "sentence": sentence, "who": c["who"], "relation": c["relation"],
                        "voice": voice, "field": "title" if field == "title" else "body",
                        "sentence_id": sid,
                    })
                sid += 1
    table = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS + _EXTRA_COLUMNS))
    return table.astype({"start": "int64", "end": "int64", "value": "float64", "low": "float64",
                         "high": "float64", "sentence_id": "int64"})


def claims_by_outlet(claims: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Claims with their outlet and bloc, ready for a dot plot of figures by outlet.

    Parameters
    ----------
    claims : pandas.DataFrame
        From :func:`claims`.
    corpus : pandas.DataFrame
        The article table.

    Returns
    -------
    pandas.DataFrame
        ``outlet, bloc, quantity, value, low, high, speaker_group`` then ``article_id, unit,
        kind, as_of, relation``; one row per claim, sorted by quantity, bloc and outlet.
        For a vague figure ``value`` is NaN: plot its ``low``-``high`` range.
    """
    meta = corpus[["article_id", "outlet", "bloc"]]
    table = claims.merge(meta, on="article_id", how="left", validate="many_to_one")
    cols = ["outlet", "bloc", "quantity", "value", "low", "high", "speaker_group",
            "article_id", "unit", "kind", "as_of", "relation"]
    return table[cols].sort_values(["quantity", "bloc", "outlet"], kind="stable").reset_index(drop=True)


# --- states of emergency and curfews ---------------------------------------------------

_MEASURE_RE = re.compile(r"\b(?P<m>state\s+of\s+emergency|curfew)\b")
_HOURS_RE = re.compile(
    r"\bfrom\s+(?P<a>\d{1,2}(?:[.:]\d{2})?)\s*(?P<ap>[ap]\.?m\.?)?\s+(?:to|until|till|-)\s+"
    r"(?P<b>\d{1,2}(?:[.:]\d{2})?)\s*(?P<bp>[ap]\.?m\.?)?"
)
_FROM_RE = re.compile(
    r"\b(?:(?:from|since|starting)\s+|(?:declared|introduced|imposed|announced)\b[^.;,]{0,60}?\bon\s+)$"
)
_TO_RE = re.compile(r"\b(?:to|until|till|through)\s+$")


def _clock(hh: str, ampm: str | None) -> str:
    h, _, mm = hh.replace(".", ":").partition(":")
    hour = int(h) % 12 + (12 if ampm and ampm.startswith("p") else 0) if ampm else int(h)
    return f"{hour:02d}:{mm or '00'}"


def emergency_dates(corpus: pd.DataFrame) -> pd.DataFrame:
    """Dates and hours of states of emergency and curfews, as the sentences state them.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The article table.

    Returns
    -------
    pandas.DataFrame
        One row per sentence that mentions a ``state_of_emergency`` or ``curfew``:
        ``article_id, source_file, measure, start, end`` (raw offsets of the sentence),
        ``date_from, date_to`` (ISO; a date after "from", "since", "starting" or
        "declared/introduced/imposed/announced ... on" starts, one after "to", "until",
        "till", "through" ends; ``""`` when the sentence does not say), ``hours_from,
        hours_to`` ("23:00", "07:00", as written -- a source's error is kept) and
        ``sentence``. Not every row is a declaration: "remain in place" rows have no dates.
    """
    from .corpus import raw_offsets
    from .timeline import resolve_dates

    rows = []
    for article in corpus.to_dict("records"):
        for field in ("title", "text"):
            s = article[field] or ""
            for a, b in sentence_spans(s):
                sentence = s[a:b]
                folded = fold(sentence)
                measures = dict.fromkeys(re.sub(r"\s+", "_", m["m"]) for m in _MEASURE_RE.finditer(folded))
                if not measures:
                    continue
                date_from = date_to = ""
                for d in resolve_dates(sentence, date_start=article["date_start"], date_end=article["date_end"]):
                    if not d.date or d.rule not in ("month_day", "day_month", "iso", "month_day_range"):
                        continue
                    before = folded[max(0, d.start - 80):d.start]
                    if _TO_RE.search(before):
                        date_to = date_to or d.date
                    elif _FROM_RE.search(before):
                        date_from = date_from or d.date
                hours = _HOURS_RE.search(folded)
                ra, rb = raw_offsets(article, a, b, field=field)
                for measure in measures:
                    rows.append({
                        "article_id": article["article_id"], "source_file": article["source_file"],
                        "measure": measure, "start": ra, "end": rb,
                        "date_from": date_from, "date_to": date_to,
                        "hours_from": _clock(hours["a"], hours["ap"]) if hours and measure == "curfew" else "",
                        "hours_to": _clock(hours["b"], hours["bp"]) if hours and measure == "curfew" else "",
                        "sentence": sentence,
                    })
    cols = ["article_id", "source_file", "measure", "start", "end", "date_from", "date_to",
            "hours_from", "hours_to", "sentence"]
    return pd.DataFrame(rows, columns=cols)
