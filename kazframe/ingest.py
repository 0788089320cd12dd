"""Bring your own corpus: read files, tables and database exports into the article table.

:func:`read_corpus` reads a file or a folder and returns ``(corpus, report)``:

* ``corpus``: the article table (:data:`kazframe.corpus.CORPUS_COLUMNS`) plus
  :data:`EXTRA_COLUMNS`: ``locator`` (where the record is: ``rows.csv:row 17``,
  ``nexis.txt:document 3 (line 120)``), ``url``, ``date_source`` (``metadata``, ``page`` or
  ``""``), ``record_hash`` (sha256 of the normalised body text), ``duplicate_of`` and
  ``flags`` (the record's reason codes, ``;``-joined);
* ``report``: one row per *discovered* record (:data:`REPORT_COLUMNS`), rejected ones
  included, with a ``status`` (``accepted``, ``normalised``, ``flagged``, ``rejected``) and
  reason codes from :data:`kazframe.readers.REASONS` (see ``docs/ingest.md``).

Formats (chosen by extension and by sniffing the content, or by ``format=``): a folder of
``.txt``/``.html`` files with an optional metadata CSV, CSV/TSV, JSON Lines, Parquet,
HTML pages (main text extracted with trafilatura), Nexis Uni plain text and Factiva plain
text exports; see :mod:`kazframe.readers`.

What the offsets point into
---------------------------
``text_offsets`` map ``text`` into the record's *decoded text*: the decoded file for a
``.txt`` file, the text cell of a table row, the document block (from its first line to
"End of Document" or "Document <AN>") of a database export, the extracted text of an HTML
page. ``title_offsets`` map ``title`` into the same text when the title comes from it
(first line of a ``.txt`` file, Factiva ``HD``, Nexis title line), else into the title
cell or metadata value. With ``keep_raw=True`` these strings are the columns ``raw_text``
and ``raw_title``: ``raw_text[a:b]`` is the original of ``text[i:j]`` for
``(a, b) = OffsetMap.from_list(text_offsets).span_to_raw(i, j)``.

Normalisation, duplicates and counts
------------------------------------
Title and body go through :func:`kazframe.text.normalize` (CRLF, BOM, soft hyphens,
zero-width characters, odd spaces); the body is its non-blank lines, stripped, joined by a
blank line (one paragraph per line, as in the seed corpus). Records with the same
normalised body are all kept; all but one get ``duplicate_of`` = the *canonical* copy,
the earliest by ``date_start`` then ``article_id`` (so the result does not depend on row
order), and the flag ``duplicate_text``. Records with the same words (:data:`~kazframe.text.WORD_RE`
tokens, lower-cased; so case, punctuation and spacing are ignored) are flagged
``near_duplicate`` the same way. Nothing is deleted. Conservation is asserted on every
call: discovered = accepted + normalised + flagged + rejected, and every record not
rejected is in ``corpus`` exactly once (an ``AssertionError`` would be a bug).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .corpus import CORPUS_COLUMNS, parse_date
from .readers import (
    REASONS,
    STATUSES,
    IngestError,
    Issue,
    ParsedDate,
    RawRecord,
    detect_format,
    excerpt,
    iter_records,
    load_settings,
    parse_news_date,
    read_metadata,
)
from .registry import resolve_outlet
from .safety import UnsafePathError, confine
from .text import WORD_RE, OffsetMap, normalize

__all__ = [
    "EXTRA_COLUMNS",
    "REPORT_COLUMNS",
    "REASONS",
    "IngestError",
    "ParsedDate",
    "parse_news_date",
    "read_corpus",
    "write_report",
    "summarize_report",
]

#: Columns the ingested corpus has after :data:`~kazframe.corpus.CORPUS_COLUMNS`.
EXTRA_COLUMNS = ("locator", "url", "date_source", "record_hash", "duplicate_of", "flags")
#: Columns of the ingest report, in order.
REPORT_COLUMNS = ("source", "locator", "status", "reason", "detail", "article_id")

_INVISIBLE_RE = re.compile("[\ufeff\u00ad\u200b\u200c\u200d\u2060\u180e]")
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_KAZAKH_RE = re.compile("[\u04d9\u0493\u049b\u04a3\u04e9\u04b1\u04af\u04bb\u0456\u04d8\u0492\u049a\u04a2\u04e8\u04b0\u04ae\u04ba\u0406]")
_MIXED_WORD_RE = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0400-\u04ff])\w+")
_LOCATOR_ORDINAL_RE = re.compile(r":(\w+) (\d+)")
_LANG_CODE_RE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)?$")
_SEVERITY = {status: i for i, status in enumerate(STATUSES)}


# --- one record -> one article row ----------------------------------------------------------


def _drop_prefix(m: OffsetMap, lead: int) -> OffsetMap:
    """Map for ``derived[lead:]`` given the map ``m`` of ``derived``."""
    ts: list[int] = []
    rs: list[int] = []
    for t, r in zip(m.text_starts, m.raw_starts, strict=True):
        if t - lead <= 0:
            ts, rs = [0], [r + (lead - t)]
        else:
            ts.append(t - lead)
            rs.append(r)
    return OffsetMap(tuple(ts), tuple(rs))


def _submap(m: OffsetMap, a: int, b: int) -> OffsetMap:
    """Map for ``derived[a:b]`` given the map ``m`` of ``derived``."""
    sub = _drop_prefix(m, a)
    keep = [(t, r) for t, r in zip(sub.text_starts, sub.raw_starts, strict=True) if t < max(b - a, 1)]
    return OffsetMap(tuple(t for t, _ in keep), tuple(r for _, r in keep))


def _clean_title(raw: str, a: int, b: int) -> tuple[str, OffsetMap]:
    """Normalised, stripped, single-line ``raw[a:b]`` with its map into ``raw``."""
    text, m = normalize(raw[a:b], raw_start=a)
    line = text.split("\n")[0] if "\n" in text.strip() else text
    lead = len(line) - len(line.lstrip())
    stripped = line.strip()
    return stripped, _submap(m, lead, lead + len(stripped))


def _clean_body(raw: str, spans: list[tuple[int, int]]) -> tuple[str, OffsetMap]:
    """Non-blank lines of normalised ``raw[a:b]`` for each span, stripped, joined by a blank line."""
    parts: list[str] = []
    pieces: list[tuple[int, OffsetMap]] = []
    pos = 0
    for a, b in spans:
        text, m = normalize(raw[a:b], raw_start=a)
        line_start = 0
        for line in text.split("\n"):
            stripped = line.strip()
            if stripped:
                lead = line_start + len(line) - len(line.lstrip())
                if parts:
                    pos += 2
                parts.append(stripped)
                pieces.append((pos, _submap(m, lead, lead + len(stripped))))
                pos += len(stripped)
            line_start += len(line) + 1
    body = "\n\n".join(parts)
    return body, (OffsetMap.concat(pieces) if pieces else OffsetMap.identity(spans[0][0] if spans else 0))


def _language(value: str, text: str, languages: Mapping[str, str]) -> tuple[str, Issue | None]:
    low = value.strip().lower()
    if low:
        if low in languages:
            return str(languages[low]), None
        m = _LANG_CODE_RE.match(low)
        return (m[1] if m else low), None
    from .language import detect_language  # py3langid model, loaded once on first use

    detected = detect_language(text)
    if detected != "und":
        return detected, Issue("language_guessed", f"no language given; detected {detected!r} (py3langid)")
    n_lat = len(_LATIN_RE.findall(text))
    n_cyr = len(_CYRILLIC_RE.findall(text))
    if n_cyr > n_lat:
        code = "kk" if len(_KAZAKH_RE.findall(text)) > 0.01 * n_cyr else "ru"
        return code, Issue("language_guessed", f"no language given; Cyrillic script, read as {code!r}")
    return "en", Issue("language_guessed", "no language given; Latin script, read as 'en'")


def _text_issues(raw: str, text: str, title: str, *, max_line_chars: int) -> list[Issue]:
    issues: list[Issue] = []
    n_cr = raw.count("\r")
    if n_cr:
        issues.append(Issue("crlf_normalised", f"{n_cr} carriage return(s), first at char {raw.index(chr(13))}"))
    inv = _INVISIBLE_RE.search(raw)
    if inv is not None:
        n = len(_INVISIBLE_RE.findall(raw))
        issues.append(Issue("invisible_chars_removed",
                            f"{n} invisible char(s), first U+{ord(inv.group(0)):04X} at char {inv.start()}: {excerpt(raw, start=max(inv.start() - 20, 0), width=40)}"))
    longest = max((len(line) for line in raw.split("\n")), default=0) if len(raw) > max_line_chars else 0
    if longest > max_line_chars:
        issues.append(Issue("huge_line", f"a line of {longest} chars (max_line_chars={max_line_chars})"))
    for part in (title, text):
        if not (_CYRILLIC_RE.search(part) and _LATIN_RE.search(part)):
            continue
        m = _MIXED_WORD_RE.search(part)
        if m is not None:
            word = m.group(0)
            cyr = ", ".join(f"{c}=U+{ord(c):04X}" for c in dict.fromkeys(_CYRILLIC_RE.findall(word)))
            latin = "".join(dict.fromkeys(_LATIN_RE.findall(word)))
            issues.append(Issue("mixed_script", f"{excerpt(word, width=40)} mixes Latin ({latin}) and Cyrillic ({cyr})"))
            break
    return issues


def _default_id(rec: RawRecord) -> str:
    stem = str(Path(rec.source).with_suffix("").as_posix())
    m = _LOCATOR_ORDINAL_RE.search(rec.locator[len(rec.source):])
    return f"{stem}-{m[1]}{m[2]}" if m else stem


@dataclass
class _Options:
    dayfirst: bool | None
    max_line_chars: int
    keep_raw: bool
    outlets: pd.DataFrame | None
    languages: Mapping[str, str]


def _record_date(rec: RawRecord, opts: _Options) -> tuple[ParsedDate, str, pd.Timestamp, pd.Timestamp]:
    """Parsed date, precision and first/last day of a record (NaT when unknown)."""
    given = rec.fields.get("date", "")
    parsed = parse_news_date(given, dayfirst=opts.dayfirst)
    if parsed.reason is not None:
        rec.issues.append(Issue(parsed.reason, f"date {given!r}" + (f" -> {parsed.iso}" if parsed.iso else "; date left empty")))
    if not parsed.iso:
        return parsed, "unknown", pd.NaT, pd.NaT
    precision, d0, d1 = parse_date(parsed.iso)
    return parsed, precision, d0, d1


def _record_outlet(rec: RawRecord, opts: _Options) -> tuple[str, str]:
    """Outlet and bloc from the registry: by name, else by URL; never guessed."""
    name = rec.fields.get("outlet", "")
    outlet, bloc = resolve_outlet(name, opts.outlets) if name else ("", "unknown")
    if bloc == "unknown" and rec.fields.get("url"):
        by_url = resolve_outlet(rec.fields["url"], opts.outlets)
        if by_url[1] != "unknown":
            outlet, bloc = by_url
    if bloc == "unknown":
        rec.issues.append(Issue("unknown_outlet", f"outlet {name!r} not in the registry" if name else "no outlet given"))
    return outlet, bloc


def _article(rec: RawRecord, opts: _Options) -> dict | None:
    """The corpus row of a record, appending its issues to ``rec.issues``; None if rejected."""
    if rec.rejected:
        return None
    raw = rec.raw
    if _CONTROL_RE.search(raw) and all(i.code != "control_chars_replaced" for i in rec.issues):
        first = _CONTROL_RE.search(raw).start()
        rec.issues.append(Issue("control_chars_replaced", f"{len(_CONTROL_RE.findall(raw))} control char(s), first at char {first}, read as U+FFFD"))
        raw = rec.raw = _CONTROL_RE.sub("\ufffd", raw)
    if not raw:
        rec.issues.append(Issue("empty_text", "the record's text is empty"
                                + (f"; title {excerpt(rec.title_raw, width=40)}" if rec.title_raw else "")))
        return None
    spans = rec.body_spans if rec.body_spans is not None else [(0, len(raw))]
    text, tmap = _clean_body(raw, spans)
    if not text:
        body_raw = "".join(raw[a:b] for a, b in spans)
        code = "whitespace_only" if body_raw else "empty_text"
        rec.issues.append(Issue(code, f"{len(body_raw)} char(s), none visible: {excerpt(body_raw, width=40)}"))
        return None
    if rec.title_span is not None:
        title, title_map = _clean_title(raw, *rec.title_span)
        raw_title = raw
    elif rec.title_raw:
        title, title_map = _clean_title(rec.title_raw, 0, len(rec.title_raw))
        raw_title = rec.title_raw
    else:
        title, title_map, raw_title = "", OffsetMap.identity(0), ""
    rec.issues.extend(_text_issues(raw, text, title, max_line_chars=opts.max_line_chars))
    if rec.title_raw and rec.title_span is None:
        rec.issues.extend(i for i in _text_issues(rec.title_raw, "", "", max_line_chars=opts.max_line_chars)
                          if i.code in ("crlf_normalised", "invisible_chars_removed")
                          and all(j.code != i.code for j in rec.issues))

    parsed, precision, d0, d1 = _record_date(rec, opts)
    outlet, bloc = _record_outlet(rec, opts)

    language, issue = _language(rec.fields.get("language", ""), text, opts.languages)
    if issue is not None:
        rec.issues.append(issue)

    words = WORD_RE.findall(text)
    row = {
        "article_id": rec.fields.get("id") or _default_id(rec),
        "source_file": rec.source,
        "outlet": outlet,
        "bloc": bloc,
        "date": parsed.iso,
        "date_precision": precision,
        "date_start": d0,
        "date_end": d1,
        "language": language,
        "title": title,
        "text": text,
        "n_words": len(WORD_RE.findall(title)) + len(words),
        "title_offsets": title_map.to_list(),
        "text_offsets": tmap.to_list(),
        "via": "",
        "locator": rec.locator,
        "url": rec.fields.get("url", ""),
        "date_source": rec.date_source if parsed.iso else "",
        "record_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "duplicate_of": "",
        "flags": "",
        "_near_key": hashlib.sha256(" ".join(words).lower().replace("\u2019", "'").encode("utf-8")).hexdigest(),
    }
    if opts.keep_raw:
        row["raw_text"] = raw
        row["raw_title"] = raw_title
    return row


# --- discovery ------------------------------------------------------------------------------------


def _file_records(path: Path, source: str, fmt: str | None, *, mapping: Mapping, explicit: set[str],
                  meta: dict[str, str], extra: list[Issue]) -> Iterator[RawRecord]:
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        yield RawRecord(source=source, locator=source, issues=[Issue("unreadable_file", f"{type(exc).__name__}: {exc.strerror or exc}")])
        return
    kind = fmt or detect_format(path, head)
    if kind is None:
        yield RawRecord(source=source, locator=source, issues=[
            Issue("unsupported_format", f"extension {path.suffix!r} not read (txt, html, csv, tsv, jsonl, parquet, Nexis/Factiva text); {excerpt(head, width=30)}")])
        return
    if not head:
        yield RawRecord(source=source, locator=source, issues=[*extra, Issue("empty_text", "the file is empty (0 bytes)")])
        return
    if kind != "parquet" and not head.strip() and len(head) == path.stat().st_size:
        yield RawRecord(source=source, locator=source, issues=[
            *extra, Issue("whitespace_only", f"the file has {len(head)} byte(s), all blank: {excerpt(head, width=40)}")])
        return
    for rec in iter_records(path, source, kind, mapping=mapping, explicit=explicit, meta=meta):
        rec.issues[:0] = extra
        yield rec


def _discover(root: Path, metadata: Path | None, fmt: str | None, mapping: Mapping,
              explicit: set[str]) -> Iterator[RawRecord]:
    meta = read_metadata(metadata) if metadata is not None else None
    if root.is_file():
        files = [(root, root.name)]
    else:
        skip = metadata.resolve() if metadata is not None else None
        files = []
        for p in sorted(root.rglob("*")):
            rel = p.relative_to(root)
            if not p.is_file() or any(part.startswith(".") for part in rel.parts) or p.resolve() == skip:
                continue
            files.append((p, rel.as_posix()))
    used: set[str] = set()
    for p, source in files:
        extra: list[Issue] = []
        fields: dict[str, str] = {}
        if meta is not None:
            key = source if source in meta else (p.name if p.name in meta else None)
            if key is not None:
                used.add(key)
                fields = _meta_fields(meta[key][1])
            elif p.suffix.lower() in (".txt", ".html", ".htm", ".xhtml", ".text"):
                extra.append(Issue("not_in_metadata", f"{source} is not listed in {metadata.name}"))
        yield from _file_records(p, source, fmt, mapping=mapping, explicit=explicit, meta=fields, extra=extra)
    if meta is not None:
        for name, (row_no, _) in meta.items():
            if name not in used:
                yield RawRecord(source=name, locator=f"{metadata.name}:row {row_no}", issues=[
                    Issue("missing_file", f"row {row_no}: file {name!r} not found under {root}")])


def _meta_fields(meta: Mapping[str, str]) -> dict[str, str]:
    keys = {"article_id": "id", "id": "id", "outlet": "outlet", "date": "date", "title": "title",
            "language": "language", "url": "url"}
    return {keys[k]: v for k, v in meta.items() if k in keys and v}


# --- duplicates and the report ----------------------------------------------------------------------


def _mark_duplicates(rows: list[dict], recs: list[RawRecord]) -> None:
    """Set duplicate_of and flag exact and near duplicates (canonical: earliest date, then id)."""
    def canon_key(i: int) -> tuple:
        d = rows[i]["date_start"]
        return (pd.isna(d), d if not pd.isna(d) else pd.Timestamp(0), rows[i]["article_id"])

    exact: dict[str, list[int]] = {}
    near: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        exact.setdefault(row["record_hash"], []).append(i)
        near.setdefault(row.pop("_near_key"), []).append(i)
    for members in exact.values():
        if len(members) > 1:
            first = min(members, key=canon_key)
            for i in members:
                if i != first:
                    rows[i]["duplicate_of"] = rows[first]["article_id"]
                    recs[i].issues.append(Issue("duplicate_text", f"same text as {rows[first]['article_id']!r}"))
    for members in near.values():
        hashes = {rows[i]["record_hash"] for i in members}
        if len(hashes) > 1:
            first = min(members, key=canon_key)
            for i in members:
                if rows[i]["record_hash"] != rows[first]["record_hash"] and not rows[i]["duplicate_of"]:
                    rows[i]["duplicate_of"] = rows[first]["article_id"]
                    recs[i].issues.append(Issue("near_duplicate", f"same words as {rows[first]['article_id']!r} up to case/punctuation/spacing"))


def _status(issues: list[Issue]) -> tuple[str, list[Issue]]:
    ordered = sorted(issues, key=lambda i: -_SEVERITY[REASONS[i.code][0]])
    if not ordered:
        return "accepted", []
    return REASONS[ordered[0].code][0], ordered


def summarize_report(report: pd.DataFrame) -> pd.DataFrame:
    """Records per status and reason code (a record counts once per code it carries).

    Returns
    -------
    pandas.DataFrame
        Columns ``status, reason, n_records`` (status is the record's overall status).
    """
    return (
        report.assign(reason=report["reason"].str.split(";"))
        .explode("reason")
        .groupby(["status", "reason"], as_index=False)
        .size()
        .rename(columns={"size": "n_records"})
    )


def write_report(report: pd.DataFrame, path: str | Path, *, base_dir: str | Path | None = None) -> Path:
    """Write the ingest report as UTF-8 CSV, refusing names that escape their folder.

    Parameters
    ----------
    report : pandas.DataFrame
        As returned by :func:`read_corpus`.
    path : str or Path
        Output file. With ``base_dir``, a bare file name inside ``base_dir``; without, its
        last component is confined to its parent folder (see :func:`kazframe.safety.confine`).
    base_dir : str or Path, optional
        Folder the report must be written in.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    IngestError
        For an unsafe output name (``..``, separators in a name, absolute name, a symlink
        escaping the folder).
    """
    base, name = (Path(base_dir), str(path)) if base_dir is not None else (Path(path).parent, Path(path).name)
    try:
        target = confine(base, name)
    except UnsafePathError as exc:
        raise IngestError(f"{base / str(name)}: output name: {exc}") from None
    report.loc[:, list(REPORT_COLUMNS)].to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
    return target


def _resolve_mapping(preset: str, columns: Mapping[str, str | list[str]] | None, settings: Mapping) -> tuple[dict, set[str]]:
    presets = settings["presets"]
    if preset not in presets:
        raise IngestError(f"preset {preset!r}: unknown; choose one of {', '.join(presets)} (data/ingest.yaml)")
    mapping = dict(presets[preset])
    explicit = set(columns or {})
    unknown = explicit - {"text", "title", "outlet", "date", "id", "url", "language"}
    if unknown:
        raise IngestError(f"columns={dict(columns)!r}: unknown field(s) {sorted(unknown)}; "
                          "fields are text, title, outlet, date, id, url, language")
    mapping.update(columns or {})
    return mapping, explicit


def read_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    format: str | None = None,  # noqa: A002 - public name fixed by the API contract
    preset: str = "default",
    columns: Mapping[str, str | list[str]] | None = None,
    dayfirst: bool | None = None,
    max_line_chars: int = 100_000,
    keep_raw: bool = True,
    outlets: pd.DataFrame | None = None,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a corpus from a file or folder and report on every record.

    Parameters
    ----------
    path : str or Path
        A file (CSV, TSV, JSONL, Parquet, HTML, text, Nexis Uni or Factiva text export) or a
        folder (every non-hidden file in it and its subfolders, each read by its format).
    metadata : str or Path, optional
        CSV keyed by file name for the ``.txt``/``.html`` files of a folder: columns
        ``file`` (required), ``article_id``, ``outlet``, ``date``, ``title``, ``language``,
        ``url``. Metadata wins over anything found in a page.
    format : str, optional
        Force one of :data:`kazframe.readers.FORMATS` for every file.
    preset : str
        Column mapping for tables: ``"default"`` or ``"mediacloud"`` (``data/ingest.yaml``).
    columns : mapping, optional
        Overrides of the preset, field -> column name (or list of candidates), e.g.
        ``{"text": "body", "date": "publish_date"}``. A column named here must exist.
    dayfirst : bool, optional
        How to read ``03/04/2022``; default None leaves such dates empty, flagged
        ``ambiguous_date``.
    max_line_chars : int
        Lines longer than this are flagged ``huge_line`` (kept).
    keep_raw : bool, default True
        Add ``raw_text`` and ``raw_title``: the strings the offset maps index. Keep them so
        that :func:`kazframe.label` can return the matched text exactly as in the source
        (``raw_text[start:end] == text``); ``False`` saves memory.
    outlets : pandas.DataFrame, optional
        Outlet registry (default: the shipped ``data/outlets.csv``).
    progress : bool, default False
        Show a progress bar over the records read (tqdm, on stderr); for a large corpus,
        :func:`kazframe.stream.iter_corpus` reads in chunks instead.

    Returns
    -------
    corpus : pandas.DataFrame
        :data:`~kazframe.corpus.CORPUS_COLUMNS` + :data:`EXTRA_COLUMNS` (+ raw columns),
        one row per record not rejected, in discovery order.
    report : pandas.DataFrame
        :data:`REPORT_COLUMNS`, one row per discovered record. ``reason`` holds the
        record's reason codes joined by ``;``, most severe first (``ok`` if none);
        ``detail`` the specifics of each, escaped and short.

    Raises
    ------
    IngestError
        Naming file, location and reason, when the path does not exist, a table lacks its
        text column (or a column named in ``columns``), a Parquet file is unreadable, a CSV
        cannot be tokenised, or the metadata CSV is unusable.
    """
    root = Path(path)
    if not root.exists():
        raise IngestError(f"{root}: path: does not exist")
    meta_path = Path(metadata) if metadata is not None else None
    settings = load_settings()
    mapping, explicit = _resolve_mapping(preset, columns, settings)
    opts = _Options(dayfirst, max_line_chars, keep_raw, outlets, settings["languages"])

    recs: list[RawRecord] = []
    rows: list[dict] = []
    row_of: list[int] = []  # index into rows for each rec (-1 if rejected)
    seen_ids: dict[str, tuple[int, str]] = {}
    from tqdm import tqdm

    for rec in tqdm(_discover(root, meta_path, format, mapping, explicit), desc="read", unit="record",
                    disable=not progress):
        recs.append(rec)
        row = _article(rec, opts)
        if row is None:
            row_of.append(-1)
            continue
        aid = row["article_id"]
        if aid in seen_ids:
            count, first_loc = seen_ids[aid]
            new_id = f"{aid}#{count + 1}"
            while new_id in seen_ids:
                count += 1
                new_id = f"{aid}#{count + 1}"
            seen_ids[aid] = (count + 1, first_loc)
            rec.issues.append(Issue("duplicate_id", f"id {aid!r} already used by {first_loc}; stored as {new_id!r}"))
            row["article_id"] = new_id
        seen_ids.setdefault(row["article_id"], (1, rec.locator))
        row_of.append(len(rows))
        rows.append(row)
    kept = [recs[i] for i, r in enumerate(row_of) if r >= 0]
    _mark_duplicates(rows, kept)

    return _tables(recs, rows, row_of, keep_raw=keep_raw)


def _tables(recs: list, rows: list[dict], row_of: list[int], *, keep_raw: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The corpus and report tables of discovered records (``row_of[i]`` is record i's corpus row,
    -1 if rejected), with the conservation check. Shared by :func:`read_corpus` and streaming."""
    report_rows = []
    for rec, r in zip(recs, row_of, strict=True):
        status, issues = _status(rec.issues)
        codes = list(dict.fromkeys(i.code for i in issues)) or ["ok"]
        if r >= 0:
            rows[r]["flags"] = ";".join(c for c in codes if c != "ok")
        report_rows.append({
            "source": rec.source,
            "locator": rec.locator,
            "article_id": rows[r]["article_id"] if r >= 0 else rec.fields.get("id", ""),
            "status": status,
            "reason": ";".join(codes),
            "detail": " | ".join(f"{i.code}: {i.detail}" for i in issues),
        })
    columns_out = list(CORPUS_COLUMNS) + list(EXTRA_COLUMNS) + (["raw_text", "raw_title"] if keep_raw else [])
    corpus = pd.DataFrame.from_records(rows, columns=columns_out)
    corpus = corpus.assign(
        date_start=pd.to_datetime(corpus["date_start"]),
        date_end=pd.to_datetime(corpus["date_end"]),
        n_words=corpus["n_words"].astype("int64"),
    )
    report = pd.DataFrame.from_records(report_rows, columns=list(REPORT_COLUMNS))
    _check_conservation(corpus, report)
    return corpus, report


def _check_conservation(corpus: pd.DataFrame, report: pd.DataFrame) -> None:
    """Every discovered record has one status; every non-rejected one is in the corpus once."""
    counts = report["status"].value_counts()
    if int(counts.sum()) != len(report) or not set(counts.index) <= set(STATUSES):
        raise AssertionError(f"ingest bug: report statuses {dict(counts)} do not cover {len(report)} records")
    kept = report.loc[report["status"] != "rejected", "locator"]
    if len(kept) != len(corpus) or sorted(kept) != sorted(corpus["locator"]):
        raise AssertionError(f"ingest bug: {len(kept)} records not rejected but {len(corpus)} corpus rows")
    if corpus["locator"].duplicated().any() or corpus["article_id"].duplicated().any():
        raise AssertionError("ingest bug: a record or an article id is in the corpus twice")
