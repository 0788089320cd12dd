"""The article table: loading the seed corpus from raw pages and a curated manifest.

The corpus is one tidy :class:`pandas.DataFrame`, one row per article. Its columns are a
public contract (notebooks, users and outside checks rely on them):

=================  ==========================================================================
column             meaning
=================  ==========================================================================
``article_id``     unique id of the article (``A1`` ... in the seed corpus)
``source_file``    name of the raw file the article comes from (``000_d5d94fbe56db05e6.txt``)
``outlet``         outlet whose article it is (canonical name, see ``data/outlets.csv``)
``bloc``           ``kz_state``, ``russian``, ``western``, ``other`` or ``unknown``
``date``           ISO 8601 date at the precision known: ``2022-01-09``, ``2022-01``, or an
                   interval ``2022-01-10/11``
``date_precision`` ``day``, ``month`` or ``interval``
``date_start``     first day the date allows (``datetime64``), for sorting and filtering
``date_end``       last day the date allows
``language``       ISO 639-1 language code of the text
``title``          the headline, normalised (see :func:`kazframe.text.normalize`)
``text``           the body: its paragraphs, normalised, joined by a blank line (``"\\n\\n"``)
``n_words``        words in title and body (:data:`kazframe.text.WORD_RE` tokens)
``title_offsets``  offset map of ``title`` into the raw file (``[[text_pos, raw_pos], ...]``)
``text_offsets``   offset map of ``text`` into the raw file
``via``            the page that republished the article, if not the outlet itself
=================  ==========================================================================

Every character of ``title``/``text`` maps back to the raw file with :func:`raw_offsets`;
``read_raw(source_file)[start:end]`` then is the original text. Only ``title`` and ``text``
ever count in analyses: captions, credits and page furniture are not in them (see
:func:`kazframe.clean.segment_page`, whose log of removed blocks :func:`load_corpus` returns
on request).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import paths
from .clean import segment_page
from .registry import BLOCS
from .text import WORD_RE, OffsetMap, normalize

__all__ = [
    "CORPUS_COLUMNS",
    "CorpusError",
    "load_manifest",
    "read_raw",
    "load_corpus",
    "raw_offsets",
    "parse_date",
    "count_by_outlet",
    "count_removed",
]

#: The public columns of the article table, in order.
CORPUS_COLUMNS = (
    "article_id",
    "source_file",
    "outlet",
    "bloc",
    "date",
    "date_precision",
    "date_start",
    "date_end",
    "language",
    "title",
    "text",
    "n_words",
    "title_offsets",
    "text_offsets",
    "via",
)

_SOURCE_KEYS = {"source_file", "sha256", "provenance", "url", "language", "articles"}
_ARTICLE_KEYS = {
    "article_id", "outlet", "bloc", "date", "date_note", "headline", "title_line", "body_lines",
    "via", "note",
}
_REQUIRED_ARTICLE_KEYS = {"article_id", "outlet", "bloc", "date"}
# Removed-block reasons that may sit *inside* an article's line span and are cut from it.
_INSIDE_REASONS = frozenset({"caption", "credit", "section_tag"})


class CorpusError(ValueError):
    """A problem with the manifest or the raw files, naming file, location and reason."""


# --- manifest -------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:/(?:(?P<m2>\d{2})-)?(?P<d2>\d{2}))?)?$"
)


def parse_date(date: str) -> tuple[str, pd.Timestamp, pd.Timestamp]:
    """Parse a manifest date into ``(precision, first_day, last_day)``.

    Parameters
    ----------
    date : str
        ``YYYY-MM-DD`` (day), ``YYYY-MM`` (month) or an ISO 8601 interval with the
        end abbreviated: ``YYYY-MM-DD/DD`` or ``YYYY-MM-DD/MM-DD``.

    Examples
    --------
    >>> parse_date("2022-01-10/11")[0]
    'interval'
    >>> parse_date("2022-01")[2]
    Timestamp('2022-01-31 00:00:00')
    """
    m = _DATE_RE.match(str(date).strip())
    if not m:
        raise ValueError(f"date {date!r} is not YYYY-MM-DD, YYYY-MM or YYYY-MM-DD/DD")
    y, mo, d = m["y"], m["m"], m["d"]
    if d is None:
        start = pd.Timestamp(f"{y}-{mo}-01")
        return "month", start, start + pd.offsets.MonthEnd(0)
    start = pd.Timestamp(f"{y}-{mo}-{d}")
    if m["d2"] is None:
        return "day", start, start
    end = pd.Timestamp(f"{y}-{m['m2'] or mo}-{m['d2']}")
    if end < start:
        raise ValueError(f"date interval {date!r} ends before it starts")
    return "interval", start, end


def _manifest_error(path: Path, where: str, reason: str) -> CorpusError:
    return CorpusError(f"{path}: {where}: {reason}")


def load_manifest(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the manifest; one row per article.

    Parameters
    ----------
    path : str or Path, optional
        Manifest YAML; default ``data/manifest.yaml``.

    Returns
    -------
    pandas.DataFrame
        Columns ``article_id, source_file, sha256, provenance, url, language, outlet, bloc,
        date, date_note, headline, title_line, body_first, body_last, via, note``.

    Raises
    ------
    CorpusError
        Naming the file, the entry and the reason (unknown key, bad bloc or date,
        duplicate id, missing field).
    """
    path = Path(path) if path is not None else paths.DATA_DIR / "manifest.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise _manifest_error(path, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise _manifest_error(path, "top level", "expected a mapping with a 'sources' list")
    rows: list[dict] = []
    seen: set[str] = set()
    for i, src in enumerate(data["sources"], start=1):
        where = f"sources[{i}]"
        if not isinstance(src, dict):
            raise _manifest_error(path, where, "expected a mapping")
        unknown = set(src) - _SOURCE_KEYS
        if unknown:
            raise _manifest_error(path, where, f"unknown key(s) {sorted(unknown)}")
        for key in ("source_file", "sha256", "articles"):
            if key not in src:
                raise _manifest_error(path, where, f"missing '{key}'")
        for j, art in enumerate(src["articles"] or [], start=1):
            awhere = f"{where} ({src['source_file']}) articles[{j}]"
            unknown = set(art) - _ARTICLE_KEYS
            if unknown:
                raise _manifest_error(path, awhere, f"unknown key(s) {sorted(unknown)}")
            missing = _REQUIRED_ARTICLE_KEYS - set(art)
            if missing:
                raise _manifest_error(path, awhere, f"missing {sorted(missing)}")
            aid = str(art["article_id"])
            if aid in seen:
                raise _manifest_error(path, awhere, f"duplicate article_id {aid!r}")
            seen.add(aid)
            if art["bloc"] not in BLOCS:
                raise _manifest_error(path, awhere, f"bloc {art['bloc']!r} not one of {BLOCS}")
            try:
                parse_date(str(art["date"]))
            except ValueError as exc:
                raise _manifest_error(path, awhere, str(exc)) from None
            first = last = None
            if art.get("body_lines") is not None:
                m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", str(art["body_lines"]))
                if not m or int(m[1]) > int(m[2]):
                    raise _manifest_error(path, awhere, f"body_lines {art['body_lines']!r} is not 'first-last'")
                first, last = int(m[1]), int(m[2])
            rows.append(
                {
                    "article_id": aid,
                    "source_file": str(src["source_file"]),
                    "sha256": str(src["sha256"]).lower(),
                    "provenance": str(src.get("provenance", "")).strip(),
                    "url": str(src.get("url", "") or ""),
                    "language": str(src.get("language", "en")),
                    "outlet": str(art["outlet"]),
                    "bloc": str(art["bloc"]),
                    "date": str(art["date"]),
                    "date_note": str(art.get("date_note", "") or ""),
                    "headline": str(art.get("headline", "") or ""),
                    "title_line": art.get("title_line"),
                    "body_first": first,
                    "body_last": last,
                    "via": str(art.get("via", "") or ""),
                    "note": str(art.get("note", "") or ""),
                }
            )
    return pd.DataFrame(rows)


# --- raw files ------------------------------------------------------------------


def read_raw(source_file: str, *, raw_dir: str | Path | None = None, sha256: str | None = None) -> str:
    """Decode a raw source file (UTF-8), checking its checksum when one is given.

    Raises
    ------
    CorpusError
        If the file is missing, not UTF-8, or its sha256 differs from the manifest's.
    """
    raw_dir = Path(raw_dir) if raw_dir is not None else paths.RAW_DIR
    path = raw_dir / source_file
    if not path.is_file():
        raise CorpusError(f"{path}: file not found (listed in the manifest)")
    data = path.read_bytes()
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise CorpusError(
                f"{path}: sha256 {digest} differs from the manifest's {sha256}: the raw file changed"
            )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: byte {exc.start}: not valid UTF-8 ({exc.reason})") from None


def _line_starts(raw: str) -> np.ndarray:
    """Offsets where each line of ``raw`` starts (line 1 at index 0)."""
    return np.array([0] + [m.end() for m in re.finditer("\n", raw)], dtype=np.int64)


def _line_span(raw: str, starts: np.ndarray, first: int, last: int) -> tuple[int, int]:
    """Raw span of 1-based lines ``first..last`` (inclusive), without the final newline."""
    a = int(starts[first - 1])
    b = int(starts[last]) - 1 if last < len(starts) else len(raw)
    return a, b


def _strip_span(raw: str, a: int, b: int) -> tuple[int, int] | None:
    seg = raw[a:b]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    return (a + lead, b - trail) if b - trail > a + lead else None


def _subtract(spans: Iterable[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans minus holes (all half-open), result stripped of empty pieces."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        pieces = [(a, b)]
        for ha, hb in holes:
            nxt = []
            for pa, pb in pieces:
                if hb <= pa or ha >= pb:
                    nxt.append((pa, pb))
                    continue
                if ha > pa:
                    nxt.append((pa, ha))
                if hb < pb:
                    nxt.append((hb, pb))
            pieces = nxt
        out.extend(pieces)
    return out


def _paragraph_spans(raw: str, a: int, b: int) -> list[tuple[int, int]]:
    """Non-blank lines of ``raw[a:b]`` as stripped spans."""
    out = []
    for m in re.finditer(r"[^\n]+", raw[a:b]):
        s = _strip_span(raw, a + m.start(), a + m.end())
        if s is not None:
            out.append(s)
    return out


def _assemble(raw: str, title_span: tuple[int, int] | None, body_spans: list[tuple[int, int]]):
    """Normalised title and body with their offset maps."""
    if title_span is not None:
        title, tmap = normalize(raw[title_span[0] : title_span[1]], raw_start=title_span[0])
    else:
        title, tmap = "", OffsetMap.identity(0)
    parts: list[str] = []
    pieces: list[tuple[int, OffsetMap]] = []
    pos = 0
    for a, b in body_spans:
        s = _strip_span(raw, a, b)
        if s is None:
            continue
        para, pmap = normalize(raw[s[0] : s[1]], raw_start=s[0])
        para = para.strip()
        if not para:
            continue
        if parts:
            pos += 2  # the "\n\n" separator
        parts.append(para)
        pieces.append((pos, pmap))
        pos += len(para)
    text = "\n\n".join(parts)
    tmap_all = OffsetMap.concat(pieces) if pieces else OffsetMap.identity(0)
    return title, tmap, text, tmap_all


def _manifest_segments(raw: str, row: pd.Series, removed: pd.DataFrame):
    starts = _line_starts(raw)
    n_lines = len(starts)
    title_span = None
    if pd.notna(row["title_line"]):
        tl = int(row["title_line"])
        if not 1 <= tl <= n_lines:
            raise CorpusError(f"{row['source_file']}: article {row['article_id']}: title_line {tl} outside the file")
        title_span = _strip_span(raw, *_line_span(raw, starts, tl, tl))
    first, last = int(row["body_first"]), int(row["body_last"])
    if last > n_lines:
        raise CorpusError(
            f"{row['source_file']}: article {row['article_id']}: body_lines end {last} after the file's last line {n_lines}"
        )
    a, b = _line_span(raw, starts, first, last)
    holes = [
        (int(r.start), int(r.end)) for r in removed.itertuples() if r.reason in _INSIDE_REASONS
    ]
    body = [s for s in (_strip_span(raw, pa, pb) for pa, pb in _subtract(_paragraph_spans(raw, a, b), holes)) if s]
    return title_span, body


def load_corpus(
    *,
    manifest: str | Path | None = None,
    raw_dir: str | Path | None = None,
    spans: str = "manifest",
    return_removed: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Load the article table (see the module docstring for its columns).

    Parameters
    ----------
    manifest : str or Path, optional
        Manifest YAML (default ``data/manifest.yaml``).
    raw_dir : str or Path, optional
        Folder of raw files (default ``data/raw``).
    spans : {"manifest", "auto"}
        ``"manifest"``: where the manifest gives ``title_line``/``body_lines`` they win
        (captions and credits inside are still cut by the cleaner); articles without them
        fall back to the automatic segmenter. ``"auto"``: ignore the manifest's spans and
        let :func:`kazframe.clean.segment_page` find headline and body; the k-th article it
        finds on a page takes the manifest's k-th article's metadata.
    return_removed : bool
        Also return the cleaner's log of removed blocks (one row per block: ``source_file,
        start, end, line, reason, excerpt``).

    Returns
    -------
    pandas.DataFrame, or (DataFrame, DataFrame) with ``return_removed``

    Raises
    ------
    CorpusError
        For a changed raw file (sha256), a missing file, or when the segmenter finds a
        different number of articles than the manifest lists (``spans="auto"``).
    """
    if spans not in ("manifest", "auto"):
        raise ValueError(f"spans must be 'manifest' or 'auto', not {spans!r}")
    man = load_manifest(manifest)
    records: list[dict] = []
    removed_all: list[pd.DataFrame] = []
    for source_file, group in man.groupby("source_file", sort=True):
        raw = read_raw(source_file, raw_dir=raw_dir, sha256=group["sha256"].iloc[0])
        found, removed = segment_page(raw, source_file=source_file)
        removed_all.append(removed)
        use_auto = spans == "auto" or group["body_first"].isna().any()
        if use_auto and len(found) != len(group):
            raise CorpusError(
                f"{source_file}: the segmenter found {len(found)} article(s) but the manifest lists "
                f"{len(group)}; give title_line/body_lines in the manifest"
            )
        for k, row in enumerate(group.itertuples(index=False)):
            row = pd.Series(row._asdict())
            if use_auto:
                seg = found[k]
                title_span, body = seg.title, list(seg.body)
            else:
                title_span, body = _manifest_segments(raw, row, removed)
            title, tmap, text, bmap = _assemble(raw, title_span, body)
            precision, d0, d1 = parse_date(row["date"])
            records.append(
                {
                    "article_id": row["article_id"],
                    "source_file": source_file,
                    "outlet": row["outlet"],
                    "bloc": row["bloc"],
                    "date": row["date"],
                    "date_precision": precision,
                    "date_start": d0,
                    "date_end": d1,
                    "language": row["language"],
                    "title": title,
                    "text": text,
                    "n_words": len(WORD_RE.findall(title)) + len(WORD_RE.findall(text)),
                    "title_offsets": tmap.to_list(),
                    "text_offsets": bmap.to_list(),
                    "via": row["via"],
                }
            )
    corpus = pd.DataFrame.from_records(records, columns=list(CORPUS_COLUMNS))
    order = {aid: i for i, aid in enumerate(man["article_id"])}
    corpus = corpus.sort_values("article_id", key=lambda s: s.map(order)).reset_index(drop=True)
    if return_removed:
        removed = pd.concat(removed_all, ignore_index=True) if removed_all else pd.DataFrame()
        return corpus, removed
    return corpus


def raw_offsets(article: pd.Series | dict, start: int, end: int, *, field: str = "text") -> tuple[int, int]:
    """Map a span of an article's ``title`` or ``text`` to offsets in its raw file.

    Parameters
    ----------
    article : pandas.Series or dict
        A row of the article table.
    start, end : int
        Half-open span in ``article[field]``.
    field : {"text", "title"}

    Returns
    -------
    (int, int)
        ``(raw_start, raw_end)`` such that ``read_raw(article["source_file"])[raw_start:raw_end]``
        is the original of ``article[field][start:end]`` (identical unless normalisation
        removed invisible characters inside it).
    """
    if field not in ("text", "title"):
        raise ValueError("field must be 'text' or 'title'")
    return OffsetMap.from_list(article[f"{field}_offsets"]).span_to_raw(start, end)


def count_by_outlet(corpus: pd.DataFrame) -> pd.DataFrame:
    """Articles and words per bloc and outlet (tidy; blocs in :data:`BLOCS` order).

    Returns
    -------
    pandas.DataFrame
        Columns ``bloc, outlet, n_articles, n_words``.
    """
    table = (
        corpus.groupby(["bloc", "outlet"], as_index=False, observed=True)
        .agg(n_articles=("article_id", "size"), n_words=("n_words", "sum"))
    )
    order = {b: i for i, b in enumerate(BLOCS)}
    return (
        table.assign(_o=table["bloc"].map(order))
        .sort_values(["_o", "outlet"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def count_removed(removed: pd.DataFrame) -> pd.DataFrame:
    """What the cleaner removed, per reason: ``reason, n_blocks, n_chars`` (most characters first)."""
    table = (
        removed.assign(n_chars=removed["end"] - removed["start"])
        .groupby("reason", as_index=False)
        .agg(n_blocks=("start", "size"), n_chars=("n_chars", "sum"))
    )
    return table.sort_values(["n_chars", "reason"], ascending=[False, True]).reset_index(drop=True)
