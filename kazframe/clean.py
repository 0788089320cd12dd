"""Page cleaning and article segmentation.

Method
------
A raw page is a sequence of *paragraphs*: its non-blank lines (web pages are stored one
paragraph per line). :func:`segment_page` finds the articles on a page and, for each, its
headline and body paragraphs, and logs every other paragraph (or part of one) as a removed
block with a short reason. It uses only the page text, no site-specific code: the site
furniture it knows lives in ``data/furniture.yaml``, which a researcher can extend.

1. **Paragraph features.** Each paragraph is classified on its own:

   - *furniture*: it matches a pattern group of ``line_patterns`` (share prompts, newsletter
     and donation banners, fair-use and site notices, translator credits ...) and is no longer
     than the group's ``max_chars``;
   - *teaser marker* ("keep readingShow less"), *caption* (agency/photographer credits such
     as "REUTERS/Name", "via REUTERS", a stand-alone "(... photo by ...)" and the paragraph
     directly above it), *section tag* ("Analysis | Reporting | Middle East": pipe-separated
     capitalised parts of a few words);
   - *byline* ("<Outlet>, <date>" or "By <Name>") and *dateline* (a date alone);
   - otherwise *text*, with two flags: **prose** (ends in ``. ! ? …``, closing quotes
     allowed, and has enough words; or is very long) and **headline candidate** (a short line of
     3-30 words that starts with a capital and does not end in ``. , ; :``). A trailing credit
     sentence ("... Photo credit: Akorda.") is cut off as ``credit``; when the text before it
     is short the whole paragraph is a caption.

2. **Article starts.** A headline candidate starts an article when the next content paragraph
   (skipping bylines, datelines, captions, section tags, furniture and repeats of the
   headline) is prose (a *weak* start), or when a dateline (*dated*) or byline (*strong*)
   follows it.

3. **Teasers.** Each teaser marker removes, as ``teaser``, the paragraphs back to the nearest
   article start before it (the teaser's headline), never crossing an earlier marker or an
   article-ending furniture paragraph.

4. **Assembly.** Paragraphs are read in page order. A start opens an article when none is
   open, when the open one has been closed, when the open one has no prose yet and the new
   start is at least as strong, or when the new start carries a byline (an aggregator page
   reproducing several articles). Inside an open article, text paragraphs are body (so
   sub-headings and an agency's summary line are kept); bylines, datelines, captions,
   section tags, repeats of the headline and furniture are removed; a *source footer*
   (the headline, or a line similar to it, then ``" - Outlet"`` or ``" | Outlet"``) and
   furniture marked ``ends_article`` close the article once its body has begun. Trailing
   non-prose paragraphs are dropped from the body, and an article needs at least
   ``min_body_paragraphs`` prose paragraphs and ``min_body_chars`` non-whitespace
   characters; otherwise its headline is logged (``aggregator_header`` when it had a byline
   or dateline) and its paragraphs fall back to the removed log.

5. **Fallback and leftovers.** A page without any article start but with a long enough run
   of prose paragraphs gives one article without a headline. Every paragraph outside the
   articles is logged: with its furniture/caption/byline reason, the reason of a notice
   heading directly above it (``absorbs_next``), ``menu`` for a short non-prose line, else
   by position (``page_header``, ``page_footer``, ``between_articles``, ``no_article``).

**Conservation.** Every non-blank character of the page is either in an article's title or
body spans or in exactly one removed block; :func:`coverage_check` verifies this (and that
no character is claimed twice), so no text is dropped silently.

Outlet and date hints come from the byline ("The Astana Times, 9 JANUARY 2022"), else the
source footer ("... - BBC News"), else a named ``(?P<outlet>...)`` group of a furniture
pattern that closes the article ("republished with permission from Eurasianet").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .paths import DATA_DIR
from .text import WORD_RE, fold

__all__ = [
    "ArticleSegment",
    "Furniture",
    "FURNITURE_PATH",
    "REMOVED_COLUMNS",
    "load_furniture",
    "segment_page",
    "coverage_check",
]

#: Default furniture file (patterns a researcher can edit).
FURNITURE_PATH = DATA_DIR / "furniture.yaml"

#: Columns of the ``removed`` table returned by :func:`segment_page`.
REMOVED_COLUMNS = ("source_file", "start", "end", "line", "reason", "excerpt")

_EXCERPT_CHARS = 80

# How many paragraphs above a headline its repeat may stand.
_REPEAT_LOOKBACK = 4
# Start strengths of an article start.
_WEAK, _DATED, _STRONG = 0, 1, 2

# Sentence-final punctuation, optionally followed by closing quotes or brackets.
_TERMINAL_RE = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)\]]*$")
# A headline does not end like this.
_NON_HEADLINE_END_RE = re.compile(r"[.,;:]$")
# First letter or digit of a paragraph.
_FIRST_ALNUM_RE = re.compile(r"[^\W_]")
# Runs of uncovered positions in a coverage mask.
_UNCOVERED_RE = re.compile(rb"\x00+")
# Words a capitalised name may contain in lower case ("Voice of America", "Tamara Vaal and ...").
_NAME_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "la", "for", "on", "al", "van", "von"})
# "By Tamara Vaal" (capital B or all caps).
_BY_RE = re.compile(r"(?:By|BY)\s+")
_BYLINE_SEPARATOR_RE = re.compile(r"\s*[,|\u2013\u2014]\s*|\s+-\s+")
_DEFAULT_THRESHOLDS = {
    "min_prose_words": 6,
    "long_prose_chars": 300,
    "min_headline_words": 3,
    "max_headline_words": 30,
    "max_headline_chars": 200,
    "max_byline_chars": 80,
    "max_byline_words": 6,
    "min_body_paragraphs": 2,
    "min_body_chars": 100,
    "footer_similarity": 0.85,
    "max_footer_outlet_words": 5,
    "caption_prefix_max_chars": 150,
    "max_caption_chars": 600,
    "max_credit_line_chars": 150,
    "max_menu_words": 8,
    "max_section_tag_part_words": 4,
}


# --- public data types ------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSegment:
    """One article found on a page, as character spans of the raw page.

    Attributes
    ----------
    title : (int, int) or None
        Half-open raw span of the headline, without surrounding whitespace; ``None`` when the
        page has prose but no recognisable headline.
    body : tuple of (int, int)
        Raw spans of the body paragraphs in page order, stripped, with captions and credits cut
        out.
    byline : str or None
        The byline paragraph(s) as written, joined by ``"; "`` when there are several
        (``"By Tamara Vaal; Reuters, January 10, 2022"``).
    outlet_hint : str or None
        Outlet named by the byline, else by the source footer, else by a closing furniture
        paragraph ("republished with permission from Eurasianet").
    date_hint : str or None
        The date in the byline or dateline, as written.
    """

    title: tuple[int, int] | None
    body: tuple[tuple[int, int], ...]
    byline: str | None = None
    outlet_hint: str | None = None
    date_hint: str | None = None

    def title_text(self, raw: str) -> str:
        """The headline as it stands in ``raw`` (``""`` without a headline)."""
        return "" if self.title is None else raw[self.title[0] : self.title[1]]

    def body_text(self, raw: str, *, sep: str = "\n\n") -> str:
        """The body paragraphs of ``raw`` joined by ``sep``."""
        return sep.join(raw[a:b] for a, b in self.body)


@dataclass(frozen=True)
class _PatternGroup:
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    max_chars: int
    ends_article: bool
    absorbs_next: bool


@dataclass(frozen=True)
class Furniture:
    """Compiled furniture patterns and thresholds (see ``data/furniture.yaml``)."""

    line_groups: tuple[_PatternGroup, ...]
    teaser_markers: tuple[re.Pattern[str], ...]
    caption_lines: tuple[re.Pattern[str], ...]
    credit_lines: tuple[re.Pattern[str], ...]
    credit_sentences: tuple[re.Pattern[str], ...]
    footer_separators: tuple[str, ...]
    date_re: re.Pattern[str]
    thresholds: dict[str, float]


# --- loading the furniture file ----------------------------------------------------


def _compile_all(patterns: Iterable[str], where: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for p in patterns or ():
        try:
            compiled.append(re.compile(p, re.IGNORECASE))
        except re.error as err:
            raise ValueError(f"{where}: bad regex {p!r}: {err}") from err
    return tuple(compiled)


def _date_pattern(months: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    weekday = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    day_first = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{names})\.?,?\s+\d{{4}}"
    month_first = rf"(?:{names})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    numeric = r"\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}"
    clock = r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?m\.?|gmt|utc|zulu))?)?"
    return re.compile(rf"{weekday}(?:{day_first}|{month_first}|{numeric}){clock}", re.IGNORECASE)


def _furniture_from_dict(spec: dict[str, Any], where: str) -> Furniture:
    known = {
        "line_patterns", "teaser_markers", "caption_lines", "credit_lines",
        "credit_sentences", "footer_separators", "months", "thresholds",
    }
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; known keys: {sorted(known)}")
    groups = []
    for k, g in enumerate(spec.get("line_patterns") or ()):
        if not isinstance(g, dict) or "reason" not in g or not isinstance(g.get("patterns"), list):
            raise ValueError(f"{where}: line_patterns[{k}] needs 'reason' and a list of 'patterns'")
        groups.append(
            _PatternGroup(
                reason=str(g["reason"]),
                patterns=_compile_all(g["patterns"], f"{where}: line_patterns[{k}] ({g['reason']})"),
                max_chars=int(g.get("max_chars", 200)),
                ends_article=bool(g.get("ends_article", False)),
                absorbs_next=bool(g.get("absorbs_next", False)),
            )
        )
    thresholds = dict(_DEFAULT_THRESHOLDS)
    extra = set(spec.get("thresholds") or {}) - set(_DEFAULT_THRESHOLDS)
    if extra:
        raise ValueError(f"{where}: unknown threshold(s) {sorted(extra)}")
    thresholds.update(spec.get("thresholds") or {})
    months = spec.get("months") or ()
    if not months:
        raise ValueError(f"{where}: 'months' must list month names")
    return Furniture(
        line_groups=tuple(groups),
        teaser_markers=_compile_all(spec.get("teaser_markers"), f"{where}: teaser_markers"),
        caption_lines=_compile_all(spec.get("caption_lines"), f"{where}: caption_lines"),
        credit_lines=_compile_all(spec.get("credit_lines"), f"{where}: credit_lines"),
        credit_sentences=_compile_all(spec.get("credit_sentences"), f"{where}: credit_sentences"),
        footer_separators=tuple(spec.get("footer_separators") or (" - ", " | ")),
        date_re=_date_pattern(str(m) for m in months),
        thresholds=thresholds,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Furniture:
    with open(path, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh) or {}
    if not isinstance(spec, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return _furniture_from_dict(spec, path)


def load_furniture(path: str | Path | None = None) -> Furniture:
    """Read and compile a furniture file.

    Parameters
    ----------
    path : str or Path, optional
        YAML file in the format of ``data/furniture.yaml`` (its header documents the keys).
        Default :data:`FURNITURE_PATH`. Missing thresholds take their defaults.

    Returns
    -------
    Furniture
        Compiled patterns (cached per path and modification time, so edits are picked up).

    Raises
    ------
    ValueError
        For an unknown key or threshold, a group without ``reason``/``patterns``, or a bad
        regex (the message names the file and the pattern).
    """
    resolved = Path(path if path is not None else FURNITURE_PATH).resolve()
    return _load_cached(str(resolved), resolved.stat().st_mtime_ns)


# --- paragraphs and their features ------------------------------------------------


@dataclass
class _Block:
    """One non-blank line of the page and what the cleaner made of it."""

    line: int
    start: int
    end: int
    text: str
    kind: str = "text"  # text furniture teaser_marker caption section_tag byline dateline
    reason: str = ""
    ends_article: bool = False
    absorbs_next: bool = False
    credit_only: bool = False
    outlet: str | None = None
    date: str | None = None
    prose: bool = False
    headline: bool = False
    cut: int | None = None  # raw offset where a trailing credit begins
    body_end: int | None = None  # raw end of the text before that credit
    n_words: int = 0


def _split_blocks(raw: str) -> list[_Block]:
    blocks = []
    pos = 0
    for number, text in enumerate(raw.split("\n"), start=1):
        stripped = text.strip()
        if stripped:
            start = pos + len(text) - len(text.lstrip())
            blocks.append(_Block(line=number, start=start, end=start + len(stripped), text=stripped))
        pos += len(text) + 1
    return blocks


def _clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = " ".join(name.split()).strip(" .,;:|-\u2013\u2014")
    return name or None


def _looks_like_name(text: str, max_words: int) -> bool:
    """Capitalised words (with a few lower-case connectors), at most ``max_words``."""
    words = [w for w in re.split(r"[\s,]+", text) if w]
    if not words or len(words) > max_words:
        return False
    if not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _NAME_CONNECTORS for w in words)


def _parse_byline(text: str, rules: Furniture) -> tuple[str, str | None, str | None] | None:
    """``(kind, outlet, date)`` for a byline or dateline paragraph, else ``None``."""
    th = rules.thresholds
    if len(text) > th["max_byline_chars"]:
        return None
    if rules.date_re.fullmatch(text):
        return "dateline", None, text
    by = _BY_RE.match(text)
    if by:
        if _looks_like_name(text[by.end() :], int(th["max_byline_words"])):
            return "byline", None, None
        return None
    for sep in _BYLINE_SEPARATOR_RE.finditer(text):
        outlet, date = text[: sep.start()], text[sep.end() :]
        if rules.date_re.fullmatch(date) and _looks_like_name(outlet, int(th["max_byline_words"])):
            return "byline", _clean_name(outlet), date
    return None


def _is_section_tag(text: str, rules: Furniture) -> bool:
    if "|" not in text or len(text) > 100 or _TERMINAL_RE.search(text):
        return False
    parts = [p.strip() for p in text.split("|")]
    max_words = rules.thresholds["max_section_tag_part_words"]
    return len(parts) >= 2 and all(
        p and p[0].isupper() and len(WORD_RE.findall(p)) <= max_words for p in parts
    )


def _is_prose(text: str, n_words: int, rules: Furniture) -> bool:
    th = rules.thresholds
    if len(text) >= th["long_prose_chars"]:
        return True
    return n_words >= th["min_prose_words"] and bool(_TERMINAL_RE.search(text))


def _is_headline(text: str, n_words: int, rules: Furniture) -> bool:
    th = rules.thresholds
    if not th["min_headline_words"] <= n_words <= th["max_headline_words"]:
        return False
    if len(text) > th["max_headline_chars"] or _NON_HEADLINE_END_RE.search(text):
        return False
    first = _FIRST_ALNUM_RE.search(text)
    return first is not None and (first.group(0).isupper() or first.group(0).isdigit())


def _match_group(text: str, rules: Furniture) -> tuple[_PatternGroup, re.Match[str]] | None:
    for group in rules.line_groups:
        if len(text) > group.max_chars:
            continue
        for pattern in group.patterns:
            m = pattern.search(text)
            if m:
                return group, m
    return None


def _classify(b: _Block, rules: Furniture) -> None:
    """Set the kind and features of one paragraph (in place)."""
    text = b.text
    b.n_words = len(WORD_RE.findall(text))
    if any(p.search(text) for p in rules.teaser_markers):
        b.kind, b.reason = "teaser_marker", "teaser"
        return
    hit = _match_group(text, rules)
    if hit is not None:
        group, m = hit
        b.kind, b.reason = "furniture", group.reason
        b.ends_article, b.absorbs_next = group.ends_article, group.absorbs_next
        b.outlet = _clean_name(m.groupdict().get("outlet"))
        return
    th = rules.thresholds
    if len(text) <= th["max_credit_line_chars"] and any(p.search(text) for p in rules.credit_lines):
        b.kind, b.reason, b.credit_only = "caption", "caption", True
        return
    if len(text) <= th["max_caption_chars"] and any(p.search(text) for p in rules.caption_lines):
        b.kind, b.reason = "caption", "caption"
        return
    parsed = _parse_byline(text, rules)
    if parsed is not None:
        b.kind, b.outlet, b.date = parsed
        b.reason = b.kind
        return
    if _is_section_tag(text, rules):
        b.kind, b.reason = "section_tag", "section_tag"
        return
    for pattern in rules.credit_sentences:
        m = pattern.search(text)
        if not m:
            continue
        prefix = text[: m.start()].rstrip()
        if len(prefix) <= th["caption_prefix_max_chars"]:
            b.kind, b.reason = "caption", "caption"
            return
        b.cut, b.body_end = b.start + m.start(), b.start + len(prefix)
        text = prefix
        b.n_words = len(WORD_RE.findall(text))
        break
    b.prose = _is_prose(text, b.n_words, rules)
    b.headline = _is_headline(text, b.n_words, rules)


def _mark_credit_captions(blocks: list[_Block]) -> None:
    """A paragraph directly above a stand-alone photo credit (no blank line) is its caption."""
    for prev, b in zip(blocks, blocks[1:], strict=False):
        if b.credit_only and prev.kind == "text" and prev.line + 1 == b.line:
            prev.kind, prev.reason = "caption", "caption"


# --- article starts and teasers -------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    """Equal after folding (case, quotes, dashes); folding keeps lengths, so compare those first."""
    return len(a) == len(b) and fold(a) == fold(b)


def _repeats_earlier(blocks: list[_Block], i: int) -> bool:
    """Is block ``i`` a repeat of a headline shortly above it (no prose in between)?"""
    for c in reversed(blocks[max(0, i - _REPEAT_LOOKBACK) : i]):
        if c.kind == "text" and _same_text(c.text, blocks[i].text):
            return True
        if c.kind == "text" and c.prose:
            return False
    return False


def _start_strength(blocks: list[_Block], i: int) -> int | None:
    """Strength of the article start at block ``i``, ``None`` if it starts none."""
    if blocks[i].kind != "text" or not blocks[i].headline:
        return None
    if _repeats_earlier(blocks, i):
        return None
    byline = dated = False
    for j in range(i + 1, len(blocks)):
        c = blocks[j]
        if c.kind == "byline":
            byline = True
        elif c.kind == "dateline":
            dated = True
        elif c.kind in ("caption", "section_tag", "furniture"):
            continue
        elif c.kind == "text" and _same_text(c.text, blocks[i].text):
            continue
        else:
            break
    else:
        c = None
    if byline:
        return _STRONG
    if dated:
        return _DATED
    if c is not None and c.kind == "text" and c.prose:
        return _WEAK
    return None


def _teaser_blocks(blocks: list[_Block], starts: dict[int, int]) -> set[int]:
    """Indices of blocks that belong to teasers for other articles."""
    teaser: set[int] = set()
    for m, b in enumerate(blocks):
        if b.kind != "teaser_marker":
            continue
        teaser.add(m)
        region: list[int] = []
        found = False
        for j in range(m - 1, -1, -1):
            c = blocks[j]
            if c.kind == "teaser_marker" or j in teaser or (c.kind == "furniture" and c.ends_article):
                break
            region.append(j)
            if j in starts:
                found = True
                break
        if found:
            teaser.update(region)
    return teaser


# --- assembly ---------------------------------------------------------------------------


@dataclass
class _Draft:
    title: int | None
    strength: int
    body: list[int] = field(default_factory=list)
    n_prose: int = 0
    closed: bool = False
    bylines: list[str] = field(default_factory=list)
    byline_outlet: str | None = None
    footer_outlet: str | None = None
    other_outlet: str | None = None
    date: str | None = None

    def blocks(self) -> list[int]:
        return ([self.title] if self.title is not None else []) + self.body


def _may_open(cur: _Draft | None, strength: int) -> bool:
    """May a start of this strength open a new article, given the open draft ``cur``?"""
    if cur is None or cur.closed:
        return True
    if cur.n_prose == 0:
        return strength >= cur.strength
    return strength == _STRONG


def _footer_outlet(text: str, title: str, rules: Furniture) -> str | None:
    """The outlet of a source footer "<title> - Outlet", else ``None``."""
    th = rules.thresholds
    key = fold(title)
    for sep in rules.footer_separators:
        pos = text.rfind(sep)
        if pos <= 0:
            continue
        head, outlet = text[:pos].strip(), text[pos + len(sep) :].strip()
        if not outlet or len(WORD_RE.findall(outlet)) > th["max_footer_outlet_words"]:
            continue
        matcher = difflib.SequenceMatcher(None, fold(head), key)
        similar = all(
            score() >= th["footer_similarity"]
            for score in (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio)
        )  # cheap upper bounds first: most paragraphs are far too long to be a footer
        if similar and _looks_like_name(outlet, int(th["max_footer_outlet_words"])):
            return _clean_name(outlet)
    return None


def _assemble(
    blocks: list[_Block], starts: dict[int, int], teaser: set[int], rules: Furniture
) -> tuple[list[_Draft], dict[int, str]]:
    """Read the paragraphs in order and build article drafts; ``reasons`` logs removals."""
    drafts: list[_Draft] = []
    reasons: dict[int, str] = {}
    cur: _Draft | None = None
    for i, b in enumerate(blocks):
        if i in teaser:
            reasons[i] = "teaser"
            if cur is not None:
                cur.closed = True
            continue
        strength = starts.get(i)
        if strength is not None and _may_open(cur, strength):
            cur = _Draft(title=i, strength=strength)
            drafts.append(cur)
            continue
        if cur is None:
            continue
        if cur.closed:
            _after_close(cur, i, b, blocks, reasons, rules)
        else:
            _add_to_draft(cur, i, b, blocks, reasons, rules)
    return drafts, reasons


def _after_close(
    cur: _Draft, i: int, b: _Block, blocks: list[_Block], reasons: dict[int, str], rules: Furniture
) -> None:
    """A source footer can still follow a closed article (after a share prompt, say)."""
    if b.kind not in ("text", "section_tag") or cur.title is None:
        return
    outlet = _footer_outlet(b.text, blocks[cur.title].text, rules)
    if outlet is not None:
        reasons[i] = "source_footer"
        cur.footer_outlet = cur.footer_outlet or outlet


def _add_to_draft(
    cur: _Draft, i: int, b: _Block, blocks: list[_Block], reasons: dict[int, str], rules: Furniture
) -> None:
    """Put paragraph ``i`` into the open draft: body, or a removal with its reason."""
    title = blocks[cur.title].text if cur.title is not None else None
    if b.kind in ("text", "section_tag") and title is not None:
        if _same_text(b.text, title):
            reasons[i] = "repeated_headline"
            return
        outlet = _footer_outlet(b.text, title, rules)
        if outlet is not None:
            reasons[i] = "source_footer"
            cur.footer_outlet = cur.footer_outlet or outlet
            cur.closed = cur.n_prose > 0
            return
    if b.kind == "text":
        cur.body.append(i)
        cur.n_prose += b.prose
        return
    reasons[i] = b.reason
    if b.kind in ("byline", "dateline"):
        if b.kind == "byline":
            cur.bylines.append(b.text)
        cur.byline_outlet = cur.byline_outlet or b.outlet
        cur.date = cur.date or b.date
    elif b.kind == "furniture":
        if cur.n_prose > 0:
            cur.other_outlet = cur.other_outlet or b.outlet
            cur.closed = b.ends_article


def _body_spans(blocks: list[_Block], body: list[int]) -> list[tuple[int, int]]:
    return [(blocks[i].start, blocks[i].body_end if blocks[i].cut is not None else blocks[i].end) for i in body]


def _nonspace(raw: str, spans: Iterable[tuple[int, int]]) -> int:
    return sum(len("".join(raw[a:b].split())) for a, b in spans)


def _finalize(draft: _Draft, blocks: list[_Block], raw: str, rules: Furniture) -> bool:
    """Drop trailing non-prose paragraphs; ``True`` if the draft is an article."""
    while draft.body and not blocks[draft.body[-1]].prose:
        draft.body.pop()
    th = rules.thresholds
    return (
        draft.n_prose >= th["min_body_paragraphs"]
        and _nonspace(raw, _body_spans(blocks, draft.body)) >= th["min_body_chars"]
    )


def _fallback(blocks: list[_Block], reasons: dict[int, str], raw: str, rules: Furniture) -> _Draft | None:
    """The longest run of prose paragraphs as an article without headline."""
    runs: list[list[int]] = [[]]
    for i, b in enumerate(blocks):
        if b.kind == "text" and b.prose and i not in reasons:
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    best = max(runs, key=lambda run: _nonspace(raw, _body_spans(blocks, run)))
    draft = _Draft(title=None, strength=_WEAK, body=best, n_prose=len(best))
    return draft if best and _finalize(draft, blocks, raw, rules) else None


def _leftover_reason(
    i: int, blocks: list[_Block], reasons: dict[int, str], span: tuple[int, int] | None, rules: Furniture
) -> str:
    """Reason for a paragraph outside every article (``span``: first and last article block)."""
    b = blocks[i]
    if i > 0 and blocks[i - 1].absorbs_next and i - 1 in reasons and b.kind == "text":
        return reasons[i - 1]
    if b.kind != "text":
        return b.reason
    if not b.prose and b.n_words <= rules.thresholds["max_menu_words"]:
        return "menu"
    if span is None:
        return "no_article"
    if i < span[0]:
        return "page_header"
    if i > span[1]:
        return "page_footer"
    return "between_articles"


def _escape(text: str) -> str:
    """repr-style escaping of control and other non-printable characters (and backslashes)."""
    return "".join(c if c.isprintable() and c != "\\" else repr(c)[1:-1] for c in text)


def _removed_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(
            {
                "source_file": pd.Series(dtype="str"),
                "start": pd.Series(dtype="int64"),
                "end": pd.Series(dtype="int64"),
                "line": pd.Series(dtype="int64"),
                "reason": pd.Series(dtype="str"),
                "excerpt": pd.Series(dtype="str"),
            }
        )
    frame = pd.DataFrame.from_records(rows, columns=list(REMOVED_COLUMNS))
    return frame.sort_values("start", kind="stable").reset_index(drop=True)


def _outlet_hint(draft: _Draft) -> str | None:
    return draft.byline_outlet or draft.footer_outlet or draft.other_outlet


def segment_page(
    raw: str, *, source_file: str = "", furniture: str | Path | Furniture | None = None
) -> tuple[list[ArticleSegment], pd.DataFrame]:
    """Split a raw page into articles and removed blocks.

    Parameters
    ----------
    raw : str
        The page as decoded from its file, one paragraph per line.
    source_file : str, optional
        Name written to the ``source_file`` column of ``removed``.
    furniture : str, Path or Furniture, optional
        Furniture file (or one loaded with :func:`load_furniture`); default
        ``data/furniture.yaml``.

    Returns
    -------
    articles : list of ArticleSegment
        The articles found, in page order.
    removed : pandas.DataFrame
        One row per removed block, in page order, columns ``source_file, start, end, line,
        reason, excerpt``: raw half-open span (stripped), 1-based line of its first character,
        a short reason code (``menu``, ``share_prompt``, ``fair_use``, ``newsletter``,
        ``donation``, ``teaser``, ``section_tag``, ``repeated_headline``, ``source_footer``,
        ``caption``, ``credit``, ``byline``, ``dateline``, ``site_notice``,
        ``aggregator_header``, ``page_header``, ``page_footer``, ``between_articles``,
        ``no_article``, or a reason added in the furniture file) and the first 80 characters
        with control characters escaped as in ``repr``.

    Notes
    -----
    Every non-whitespace character of ``raw`` is in exactly one of: an article's title, its
    body spans, a removed block (see :func:`coverage_check`). The method is described in the
    module docstring.

    Examples
    --------
    >>> page = ("Share this\\n\\nTroops leave Almaty\\n\\nBy Ann Lee\\n\\n"
    ...         "The last foreign troops left the city on Thursday, officials said, "
    ...         "a week after they arrived at the government's request.\\n\\n"
    ...         "Shops, banks and markets reopened across the city, and the internet "
    ...         "was switched back on after a week of unrest.\\n")
    >>> articles, removed = segment_page(page)
    >>> articles[0].title_text(page), articles[0].byline, len(articles[0].body)
    ('Troops leave Almaty', 'By Ann Lee', 2)
    >>> removed["reason"].tolist()
    ['share_prompt', 'byline']
    """
    rules = furniture if isinstance(furniture, Furniture) else load_furniture(furniture)
    blocks = _split_blocks(raw)
    for b in blocks:
        _classify(b, rules)
    _mark_credit_captions(blocks)
    starts = {i: s for i in range(len(blocks)) if (s := _start_strength(blocks, i)) is not None}
    teaser = _teaser_blocks(blocks, starts)
    drafts, reasons = _assemble(blocks, starts, teaser, rules)

    accepted: list[_Draft] = []
    for d in drafts:
        if _finalize(d, blocks, raw, rules):
            accepted.append(d)
        elif d.title is not None and (d.bylines or d.date):
            reasons[d.title] = "aggregator_header"
    if not accepted:
        fb = _fallback(blocks, reasons, raw, rules)
        accepted = [fb] if fb is not None else []

    in_article = {i for d in accepted for i in d.blocks()}
    titles = {d.title for d in accepted}
    span = (min(in_article), max(in_article)) if in_article else None
    rows: list[dict[str, Any]] = []

    def log(start: int, end: int, line: int, reason: str) -> None:
        rows.append(
            {
                "source_file": source_file, "start": start, "end": end, "line": line,
                "reason": reason, "excerpt": _escape(raw[start:end][:_EXCERPT_CHARS]),
            }
        )

    for i, b in enumerate(blocks):
        if i in in_article:
            if b.cut is not None and i not in titles:
                log(b.cut, b.end, b.line, "credit")
            continue
        if i not in reasons:
            reasons[i] = _leftover_reason(i, blocks, reasons, span, rules)
        log(b.start, b.end, b.line, reasons[i])

    articles = [
        ArticleSegment(
            title=(blocks[d.title].start, blocks[d.title].end) if d.title is not None else None,
            body=tuple(_body_spans(blocks, d.body)),
            byline="; ".join(d.bylines) or None,
            outlet_hint=_outlet_hint(d),
            date_hint=d.date,
        )
        for d in accepted
    ]
    return articles, _removed_frame(rows)


def coverage_check(raw: str, articles: Iterable[ArticleSegment], removed: pd.DataFrame) -> None:
    """Raise unless every non-whitespace character is accounted for exactly once.

    Parameters
    ----------
    raw : str
        The page given to :func:`segment_page`.
    articles : iterable of ArticleSegment
        Its articles.
    removed : pandas.DataFrame
        Its removed blocks (columns ``start`` and ``end`` are used).

    Raises
    ------
    ValueError
        When a non-whitespace character is in no title, body span or removed block (naming
        the 1-based line and an excerpt), when two spans overlap, or when a span lies outside
        ``raw``.
    """
    spans: list[tuple[int, int, str]] = []
    for k, art in enumerate(articles):
        if art.title is not None:
            spans.append((art.title[0], art.title[1], f"article {k} title"))
        spans.extend((a, b, f"article {k} body") for a, b in art.body)
    spans.extend(
        (int(a), int(b), f"removed {r}")
        for a, b, r in zip(removed["start"], removed["end"], removed["reason"], strict=True)
    )
    spans.sort()
    covered = bytearray(len(raw))
    prev_end, prev_what = 0, ""
    for a, b, what in spans:
        if not 0 <= a <= b <= len(raw):
            raise ValueError(f"span {what} [{a}, {b}) lies outside the page (length {len(raw)})")
        if a < prev_end:
            raise ValueError(f"span {what} [{a}, {b}) overlaps {prev_what} (ends at {prev_end})")
        prev_end, prev_what = max(prev_end, b), what
        covered[a:b] = b"\x01" * (b - a)
    missing = [m for m in _UNCOVERED_RE.finditer(covered) if raw[m.start() : m.end()].strip()]
    if missing:
        first = missing[0]
        text = raw[first.start() : first.end()].strip()
        line = raw.count("\n", 0, first.start() + raw[first.start() : first.end()].index(text[0])) + 1
        raise ValueError(
            f"{len(missing)} stretch(es) of text are in no article and not in `removed`; "
            f"first at line {line}: {_escape(text[:_EXCERPT_CHARS])!r}"
        )
