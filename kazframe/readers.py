"""Per-format readers for :func:`kazframe.ingest.read_corpus`: bytes in, raw records out.

Each reader is a generator of :class:`RawRecord`: one per *discovered* record (a file, a
table row, a JSON line, a database document), including records that are rejected, so
that nothing disappears without a report row. A record carries the decoded text that its
offset maps will index (``raw``), where its title and body sit in it, its metadata fields
as strings, and the issues found while reading it.

Decoding (:func:`decode_bytes`)
-------------------------------
1. A UTF-16 byte-order mark decides UTF-16 (``encoding_utf16``); a UTF-8 BOM is dropped
   (``bom_removed``): offsets then count from the character after it.
2. NUL bytes: UTF-16 without a BOM if they sit on every other byte (``encoding_utf16``,
   flagged as a guess), otherwise the record is binary (``binary_content``, rejected,
   with the byte offset of the first NUL). So are data with more than 1% control bytes.
3. Strict UTF-8. A multi-byte sequence cut off by the end of the data is dropped and
   flagged (``truncated_utf8``, with its byte offset).
4. Otherwise, if most non-ASCII bytes form valid UTF-8 sequences, the data are UTF-8 with
   damage: invalid bytes become U+FFFD and the record is flagged (``decode_error``, first
   bad byte offset). If not, the data are a legacy 8-bit encoding: cp1251 and KOI8-R are
   both tried and scored by **Cyrillic letter frequency**: the share of Cyrillic letters
   that are lower case *and* among the 15 most frequent Russian letters
   (``оеаинтсрвлкмдпу``, about 80 % of letters in running Russian text). A correct
   decoding scores about 0.7-0.8; the wrong one of the pair turns lower case into upper
   case and scores below 0.1, because the two code pages put the lower-case alphabet in
   each other's upper-case block. The better one wins if it scores at least 0.4
   (``encoding_cp1251`` / ``encoding_koi8r``, flagged: it is an inference). Failing that
   the text is read as cp1252 and flagged ``decode_error``: never silently.
5. Mojibake (UTF-8 text once decoded as cp1251 or Latin-1, e.g. ``РўРѕРєР°РµРІ`` for
   ``Токаев``) is detected by its tell-tale letter pairs and repaired with ``ftfy``'s
   :func:`ftfy.fix_encoding` (``mojibake_repaired``, flagged); without ftfy it is only
   flagged (``mojibake_suspected``). The repaired text is the record's decoded text.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import yaml

from . import paths

__all__ = [
    "REASONS",
    "STATUSES",
    "FORMATS",
    "IngestError",
    "Issue",
    "RawRecord",
    "decode_bytes",
    "detect_format",
    "excerpt",
    "load_settings",
    "iter_records",
    "parse_news_date",
    "ParsedDate",
]

#: Record statuses, least to most severe.
STATUSES = ("accepted", "normalised", "flagged", "rejected")

#: Reason code -> (status it implies, meaning). The ingest report uses these codes only.
REASONS: dict[str, tuple[str, str]] = {
    "ok": ("accepted", "nothing to report"),
    # normalised: a deterministic change that does not alter the words
    "bom_removed": ("normalised", "UTF-8 byte-order mark dropped"),
    "encoding_utf16": ("normalised", "decoded as UTF-16 (byte-order mark)"),
    "crlf_normalised": ("normalised", "CRLF / CR line ends read as LF"),
    "invisible_chars_removed": ("normalised", "soft hyphens / zero-width characters / BOMs inside the text removed"),
    "html_extracted": ("normalised", "main text extracted from HTML (scripts, styles, menus removed; entities decoded)"),
    "russian_date": ("normalised", "date written in Russian or Kazakh, converted to ISO"),
    # flagged: kept, but a person should look
    "encoding_utf16_guessed": ("flagged", "no BOM, decoded as UTF-16 because of NUL-byte pattern"),
    "encoding_cp1251": ("flagged", "not UTF-8; decoded as cp1251 (Cyrillic letter-frequency score)"),
    "encoding_koi8r": ("flagged", "not UTF-8; decoded as KOI8-R (Cyrillic letter-frequency score)"),
    "truncated_utf8": ("flagged", "incomplete UTF-8 sequence at the end dropped"),
    "decode_error": ("flagged", "bytes that could not be decoded confidently"),
    "mojibake_repaired": ("flagged", "mis-decoded text (mojibake) repaired with ftfy"),
    "mojibake_suspected": ("flagged", "text looks mis-decoded (mojibake); not repaired"),
    "missing_date": ("flagged", "no date given; date left empty"),
    "unparseable_date": ("flagged", "date could not be read; date left empty"),
    "ambiguous_date": ("flagged", "day/month order ambiguous; date left empty (use dayfirst=)"),
    "page_date": ("flagged", "date taken from the HTML page itself, not from metadata"),
    "duplicate_id": ("flagged", "article id used by an earlier record; this one renamed"),
    "duplicate_text": ("flagged", "same normalised text as another record (see duplicate_of)"),
    "near_duplicate": ("flagged", "same words as another record, up to case/punctuation/spacing"),
    "unknown_outlet": ("flagged", "outlet missing or not in the registry; bloc 'unknown'"),
    "language_guessed": ("flagged", "no language given; guessed from the script"),
    "control_chars_replaced": ("flagged", "stray NUL/control characters replaced by U+FFFD"),
    "mixed_script": ("flagged", "a word mixes Latin and Cyrillic letters (look-alikes)"),
    "huge_line": ("flagged", "a line longer than max_line_chars"),
    "not_in_metadata": ("flagged", "file not listed in the metadata CSV"),
    # rejected: not in the corpus
    "empty_text": ("rejected", "no text"),
    "whitespace_only": ("rejected", "text is only spaces / invisible characters"),
    "binary_content": ("rejected", "binary data (NUL or control bytes)"),
    "malformed_json": ("rejected", "JSONL line is not a JSON object"),
    "malformed_row": ("rejected", "CSV line with the wrong number of fields"),
    "missing_file": ("rejected", "metadata lists a file that does not exist"),
    "unsupported_format": ("rejected", "file type kazframe cannot read"),
    "unrecognised_block": ("rejected", "text in a database export outside any document"),
    "unreadable_file": ("rejected", "file could not be read (permissions, I/O error)"),
}

#: Formats :func:`iter_records` reads (``format=`` values).
FORMATS = ("txt", "html", "csv", "tsv", "jsonl", "parquet", "nexis", "factiva")

_EXTENSIONS = {
    ".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}
_EXCERPT_CHARS = 80
_COMMON_RU = frozenset("оеаинтсрвлкмдпу")
_MIN_CYRILLIC_SCORE = 0.4
_UTF8_SEQ_RE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE_RE = re.compile(rb"[\x80-\xff]")
_CONTROL_BYTE_RE = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# UTF-8 Cyrillic read as cp1251 ("Р" / "С" + a continuation-byte character) or as Latin-1
# ("Ð" / "Ñ" + a continuation-byte character).
_MOJIBAKE_RE = re.compile(
    "[\u0420\u0421][\u0402-\u040f\u0452-\u045f\u0490\u0491\u0401\u0451\u0406\u0456\u0404\u0454"
    "\u0407\u0457\u00a0-\u00bf\u2013-\u203a\u20ac\u2116\u2122]"
    "|[\u00d0\u00d1][\u0080-\u00bf]"
)
_NEXIS_END_RE = re.compile(r"^[ \t]*End of Document[ \t]*\r?$", re.MULTILINE)
_FACTIVA_END_RE = re.compile(r"^[ \t]*Document [A-Za-z0-9]{6,}[ \t]*\r?$", re.MULTILINE)
_FACTIVA_FIELD_SNIFF_RE = re.compile(r"^(?:HD|PD|SN|LP|TD)(?:[ \t]|\r?$)", re.MULTILINE)
_HTML_SNIFF_RE = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)


class IngestError(ValueError):
    """A problem that stops the whole ingest; the message names file, location and reason."""


@dataclass(frozen=True)
class Issue:
    """One reason code with its specifics (``detail``, already escaped)."""

    code: str
    detail: str = ""


@dataclass
class RawRecord:
    """One discovered record, before normalisation.

    ``raw`` is the decoded record text that ``text_offsets`` index (a file, a table cell,
    a database document block). The title is ``raw[title_span]`` when it comes from the
    record text, else ``title_raw`` (a separate cell or metadata value, which
    ``title_offsets`` then index). The body is the text of ``body_spans`` in ``raw`` (all of ``raw`` if None).
    """

    source: str
    locator: str
    raw: str = ""
    title_raw: str | None = None
    title_span: tuple[int, int] | None = None
    body_spans: list[tuple[int, int]] | None = None
    fields: dict[str, str] = field(default_factory=dict)
    date_source: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return any(REASONS[i.code][0] == "rejected" for i in self.issues)


def excerpt(text: str | bytes, *, start: int = 0, width: int = _EXCERPT_CHARS) -> str:
    """Short ``repr``-style excerpt (control characters escaped, at most ``width`` chars)."""
    piece = text[start : start + width]
    out = repr(piece)
    if isinstance(piece, bytes):
        out = out[1:]
    out = out[1:-1]
    if len(out) > width:
        out = out[: width - 3] + "..."
    return f"'{out}'"


@lru_cache(maxsize=2)
def _settings_cached(path: str, mtime_ns: int) -> dict:
    del mtime_ns
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not {"presets", "months", "languages"} <= set(data):
        raise IngestError(f"{path}: top level: expected the keys presets, months, languages")
    return data


def load_settings(path: str | Path | None = None) -> dict:
    """Read ``data/ingest.yaml`` (column presets, month names, language names).

    Returns
    -------
    dict
        ``{"presets": {...}, "months": {name: month}, "languages": {name: code}}``.
    """
    path = Path(path) if path is not None else paths.DATA_DIR / "ingest.yaml"
    try:
        return _settings_cached(str(path), path.stat().st_mtime_ns)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise IngestError(f"{path}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None


# --- decoding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    """Result of :func:`decode_bytes`: the text (None if rejected) and the issues."""

    text: str | None
    encoding: str
    issues: tuple[Issue, ...] = ()


_CYRILLIC_WORD_RE = re.compile("[\u0400-\u04ff]{2,}(?![^\\W\\d_])")


def _cyrillic_score(text: str) -> tuple[float, int]:
    """Share of Cyrillic letters that are common lower-case Russian letters in Cyrillic words."""
    n_cyr = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    if not n_cyr:
        return 0.0, 0
    good = 0
    for m in _CYRILLIC_WORD_RE.finditer(text):
        if m.start() > 0 and text[m.start() - 1].isalpha():
            continue  # glued to a Latin letter: "cafй" is Latin-1 read as cp1251
        good += sum(1 for c in m.group(0) if c in _COMMON_RU)
    return good / n_cyr, n_cyr


def decode_bytes(data: bytes) -> Decoded:
    """Decode a record's bytes as described in the module docstring.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    Decoded
        ``text`` (None when the data are binary), the encoding used and the issues
        (``bom_removed``, ``encoding_*``, ``truncated_utf8``, ``decode_error``,
        ``binary_content``), each detail naming the byte offset concerned.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", (Issue("encoding_utf16", "UTF-16 byte-order mark at byte 0"),))
        except UnicodeDecodeError as exc:
            return Decoded(None, "utf-16", (Issue("binary_content", f"byte {exc.start}: UTF-16 BOM but undecodable ({exc.reason})"),))
    issues: list[Issue] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        issues.append(Issue("bom_removed", "UTF-8 byte-order mark at byte 0"))
    nul = data.find(b"\x00")
    if nul >= 0:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and min(even, odd) == 0:
            codec = "utf-16-be" if even > odd else "utf-16-le"
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                text = ""
            # Plausible text: Latin, Cyrillic, spaces and punctuation (not CJK from a misread).
            plausible = sum(1 for c in text if c < "\u0500" and (c.isprintable() or c in "\n\r\t")
                            or "\u2000" <= c <= "\u206f")
            if text and max(even, odd) >= 0.02 * len(text) and plausible >= 0.95 * len(text):
                return Decoded(text, codec, (Issue("encoding_utf16_guessed", f"no BOM; NUL bytes on every other byte from byte {nul}; read as {codec}"),))
        if data.count(0) > max(0.01 * len(data), 2):
            return Decoded(None, "binary", (*issues, Issue("binary_content", f"{data.count(0)} NUL byte(s), first at byte {nul}: {excerpt(data, start=max(nul - 20, 0), width=40)}")))
    n_control = len(_CONTROL_BYTE_RE.findall(data))
    if data and n_control > max(0.01 * len(data), 2):
        first = _CONTROL_BYTE_RE.search(data).start()
        return Decoded(None, "binary", (*issues, Issue("binary_content", f"{n_control} control bytes, first at byte {first}")))
    if nul >= 0 or n_control:
        first = nul if nul >= 0 else _CONTROL_BYTE_RE.search(data).start()
        issues.append(Issue("control_chars_replaced", f"{data.count(0) + n_control} NUL/control byte(s), first at byte {first}, read as U+FFFD"))
        data = _CONTROL_BYTE_RE.sub("\ufffd".encode(), data.replace(b"\x00", "\ufffd".encode()))
    try:
        return Decoded(data.decode("utf-8"), "utf-8", tuple(issues))
    except UnicodeDecodeError as exc:
        err = exc
    if err.reason == "unexpected end of data" and err.end == len(data):
        try:
            text = data[: err.start].decode("utf-8")
            detail = f"byte {err.start}: {len(data) - err.start} byte(s) of an incomplete UTF-8 sequence at the end dropped"
            return Decoded(text, "utf-8", (*issues, Issue("truncated_utf8", detail)))
        except UnicodeDecodeError:
            pass
    n_high = len(_HIGH_BYTE_RE.findall(data))
    n_utf8 = sum(len(m) for m in _UTF8_SEQ_RE.findall(data))
    if n_utf8 >= 0.5 * n_high:
        text = data.decode("utf-8", errors="replace")
        detail = f"byte {err.start}: invalid UTF-8 ({err.reason}); {n_high - n_utf8} bad byte(s) shown as U+FFFD: {excerpt(data, start=max(err.start - 20, 0), width=40)}"
        return Decoded(text, "utf-8", (*issues, Issue("decode_error", detail)))
    best: tuple[float, str, str] | None = None
    for codec in ("cp1251", "koi8_r"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score, n_cyr = _cyrillic_score(text)
        if n_cyr >= 0.5 * n_high and (best is None or score > best[0]):
            best = (score, codec, text)
    if best is not None and best[0] >= _MIN_CYRILLIC_SCORE:
        score, codec, text = best
        code = "encoding_cp1251" if codec == "cp1251" else "encoding_koi8r"
        detail = f"byte {err.start}: not UTF-8; read as {codec} (Cyrillic letter-frequency score {score:.2f})"
        return Decoded(text, codec, (*issues, Issue(code, detail)))
    try:
        text, codec = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, codec = data.decode("latin-1"), "latin-1"
    detail = f"byte {err.start}: not UTF-8 and not Cyrillic cp1251/KOI8-R; read as {codec}, check the source: {excerpt(data, start=max(err.start - 20, 0), width=40)}"
    return Decoded(text, codec, (*issues, Issue("decode_error", detail)))


def repair_mojibake(text: str) -> tuple[str, Issue | None]:
    """Repair UTF-8-read-as-cp1251/Latin-1 mojibake with ftfy (see module docstring).

    Returns
    -------
    (str, Issue or None)
        The repaired text (unchanged when nothing was found) and the issue to report.
    """
    hits = _MOJIBAKE_RE.findall(text)
    if len(hits) < 2:
        return text, None
    first = _MOJIBAKE_RE.search(text).start()
    try:
        import ftfy
    except ImportError:  # pragma: no cover - ftfy is a dependency
        return text, Issue("mojibake_suspected", f"char {first}: {excerpt(text, start=first, width=40)} (install ftfy to repair)")
    fixed = ftfy.fix_encoding(text)
    if fixed == text:
        return text, Issue("mojibake_suspected", f"char {first}: {excerpt(text, start=first, width=40)}; ftfy found no safe repair")
    return fixed, Issue(
        "mojibake_repaired",
        f"char {first}: {excerpt(text, start=first, width=30)} -> {excerpt(fixed, start=first, width=30)}",
    )


def _decode_text(data: bytes) -> tuple[str | None, list[Issue]]:
    decoded = decode_bytes(data)
    issues = list(decoded.issues)
    if decoded.text is None:
        return None, issues
    text, issue = repair_mojibake(decoded.text)
    if issue is not None:
        issues.append(issue)
    return text, issues


# --- dates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedDate:
    """Result of :func:`parse_news_date`: ISO date ("" if none), precision, reason code."""

    iso: str
    precision: str
    reason: str | None = None


_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ISO_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YMD_SLASH_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ ,T]+\d{1,2}:\d{2}(?::\d{2})?)?$")
_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?", re.IGNORECASE)
_ORDINAL_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_DATE_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")


def _valid(y: int, m: int, d: int) -> bool:
    try:
        datetime.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_news_date(value: str, *, dayfirst: bool | None = None) -> ParsedDate:
    """Read a date as news metadata and database exports write it.

    Parameters
    ----------
    value : str
        ``2022-01-05`` (also with a time; the date part is kept as written, no time-zone
        conversion), ``2022-01`` (month), ``20220105``, ``2022/01/05``, ``05.01.2022``
        (dotted: always day first, the Russian/Kazakh/European convention),
        ``05/01/2022`` or ``05-01-2022`` (see ``dayfirst``), and dates with month names
        in English, Russian or Kazakh in any order with optional weekday, time, ordinal
        suffix, "г."/"года": ``January 5, 2022``, ``5 January 2022``, ``January 10, 2022
        Monday``, ``5 января 2022``, ``5 янв. 2022 г.``, ``Jan 2022`` (month).
    dayfirst : bool, optional
        How to read ``03/04/2022`` where both numbers could be the month. None (default):
        not at all: the date is left empty and reported ``ambiguous_date``. Dates whose
        first or second number exceeds 12 are never ambiguous.

    Returns
    -------
    ParsedDate
        ``iso`` is ``YYYY-MM-DD`` or ``YYYY-MM`` or ``""``; ``reason`` is None, or one of
        ``missing_date``, ``unparseable_date``, ``ambiguous_date``, ``russian_date``.

    Examples
    --------
    >>> parse_news_date("January 10, 2022 Monday")
    ParsedDate(iso='2022-01-10', precision='day', reason=None)
    >>> parse_news_date("5 янв. 2022 г.").iso
    '2022-01-05'
    >>> parse_news_date("03/04/2022").reason
    'ambiguous_date'
    """
    s = " ".join(str(value).split())
    if not s:
        return ParsedDate("", "unknown", "missing_date")
    for rx in (_ISO_RE, _COMPACT_RE, _YMD_SLASH_RE):
        m = rx.match(s)
        if m:
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            if _valid(y, mo, d):
                return ParsedDate(f"{y:04d}-{mo:02d}-{d:02d}", "day")
            return ParsedDate("", "unknown", "unparseable_date")
    m = _ISO_MONTH_RE.match(s)
    if m and 1 <= int(m[2]) <= 12:
        return ParsedDate(s, "month")
    m = _NUMERIC_RE.match(s)
    if m:
        a, sep, b, y = int(m[1]), m[2], int(m[3]), int(m[4])
        if sep == "." or a > 12 or a == b:
            d, mo = a, b
        elif b > 12:
            d, mo = b, a
        elif dayfirst is None:
            return ParsedDate("", "unknown", "ambiguous_date")
        else:
            d, mo = (a, b) if dayfirst else (b, a)
        if _valid(y, mo, d):
            return ParsedDate(f"{y:04d}-{mo:02d}-{d:02d}", "day")
        return ParsedDate("", "unknown", "unparseable_date")
    return _parse_words(s)


def _parse_words(s: str) -> ParsedDate:
    settings = load_settings()
    months: dict[str, int] = settings["months"]
    filler = set(settings.get("date_filler_words", []))
    low = _ORDINAL_RE.sub(r"\1", _TIME_RE.sub(" ", s.lower()))
    year = month = day = None
    cyrillic = False
    for tok in _DATE_TOKEN_RE.findall(low):
        if tok.isdigit():
            if len(tok) == 4 and year is None:
                year = int(tok)
            elif len(tok) <= 2 and day is None:
                day = int(tok)
            else:
                return ParsedDate("", "unknown", "unparseable_date")
        elif tok in months and month is None:
            month = int(months[tok])
            cyrillic = any("\u0400" <= c <= "\u04ff" for c in tok)
        elif tok not in filler:
            return ParsedDate("", "unknown", "unparseable_date")
    if year is None or month is None:
        return ParsedDate("", "unknown", "unparseable_date")
    reason = "russian_date" if cyrillic else None
    if day is None:
        return ParsedDate(f"{year:04d}-{month:02d}", "month", reason)
    if not _valid(year, month, day):
        return ParsedDate("", "unknown", "unparseable_date")
    return ParsedDate(f"{year:04d}-{month:02d}-{day:02d}", "day", reason)


# --- format detection -------------------------------------------------------------------


def detect_format(path: Path, head: bytes) -> str | None:
    """Format of a file from its extension, sniffing plain text for database exports.

    Parameters
    ----------
    path : Path
    head : bytes
        The first bytes of the file (64 KiB is plenty).

    Returns
    -------
    str or None
        One of :data:`FORMATS`, or None for a file type kazframe does not read.
    """
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind not in (None, "txt"):
        return kind
    if head.startswith(b"PAR1"):
        return "parquet"
    if _HTML_SNIFF_RE.match(head):
        return "html"
    text = decode_bytes(head[: len(head) - len(head) % 2] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head).text or ""
    if _NEXIS_END_RE.search(text):
        return "nexis"
    if _FACTIVA_END_RE.search(text) and _FACTIVA_FIELD_SNIFF_RE.search(text):
        return "factiva"
    if kind is None and path.suffix.lower() in ("", ".md", ".rst"):
        return "txt"
    if kind is None and path.suffix.lower() == ".rtf":
        return None
    return kind


# --- metadata for folders -----------------------------------------------------------------


def read_metadata(path: Path) -> dict[str, tuple[int, dict[str, str]]]:
    """Read a folder's metadata CSV: ``file -> (data row, {column: value})``.

    Raises
    ------
    IngestError
        When the file is missing or unreadable, has no ``file`` column, or lists a file twice.
    """
    if not path.is_file():
        raise IngestError(f"{path}: metadata file not found")
    text, issues = _decode_text(path.read_bytes())
    if text is None:
        raise IngestError(f"{path}: byte 0: metadata is not text ({issues[-1].detail})")
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IngestError(f"{path}: {exc}") from None
    table.columns = [str(c).strip() for c in table.columns]
    if "file" not in table.columns:
        raise IngestError(
            f"{path}: header (line 1): no 'file' column (columns: {', '.join(table.columns)}); "
            "expected file, article_id, outlet, date, title, language"
        )
    out: dict[str, tuple[int, dict[str, str]]] = {}
    for row_no, row in enumerate(table.to_dict("records"), start=1):
        name = str(row["file"]).strip()
        if not name:
            continue
        if name in out:
            raise IngestError(f"{path}: row {row_no}: file {name!r} listed twice (also row {out[name][0]})")
        out[name] = (row_no, {k: str(v).strip() for k, v in row.items()})
    return out


# --- single-article files ---------------------------------------------------------------------

_FIRST_LINE_RE = re.compile(r"[^\r\n]*\S[^\r\n]*")


def _text_record(source: str, raw: str, issues: list[Issue], meta: dict[str, str]) -> RawRecord:
    """A one-article text: metadata title if given, else the first non-blank line."""
    rec = RawRecord(source=source, locator=source, raw=raw, issues=issues)
    rec.fields = dict(meta)
    if meta.get("date"):
        rec.date_source = "metadata"
    title = rec.fields.pop("title", "")
    m = _FIRST_LINE_RE.search(raw)
    if title:
        if m is not None and " ".join(m.group(0).split()) == " ".join(title.split()):
            # The text starts with the title: take it from there (offsets into the text).
            rec.title_span, rec.body_spans = m.span(), [(m.end(), len(raw))]
        else:
            rec.title_raw = title
        return rec
    if m is not None:
        rest = raw[m.end() :]
        if rest.strip():
            rec.title_span = m.span()
            rec.body_spans = [(m.end(), len(raw))]
    return rec


def read_txt(path: Path, source: str, meta: dict[str, str]) -> Iterator[RawRecord]:
    """A plain-text article (title = metadata title or first non-blank line)."""
    text, issues = _decode_text(path.read_bytes())
    if text is None:
        yield RawRecord(source=source, locator=source, issues=issues)
        return
    yield _text_record(source, text, issues, dict(meta))


class _TextExtractor(HTMLParser):
    """Fallback HTML-to-text: drops script/style/head content, one line per block."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "nav", "footer", "header", "aside", "form"})
    _BLOCK = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "article",
                        "section", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "figcaption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP:
            self._skip = max(self._skip - 1, 0)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def _extract_html(html: str) -> tuple[str, str, str]:
    """``(text, title, page_date)`` of an HTML page (trafilatura, else the stdlib parser)."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - trafilatura is a dependency
        trafilatura = None
    if trafilatura is not None:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        if doc is not None and (doc.text or "").strip():
            return doc.text or "", doc.title or "", doc.date or ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line), " ".join("".join(parser.title).split()), ""


def read_html(path: Path, source: str, meta: dict[str, str]) -> Iterator[RawRecord]:
    """An HTML page: the extracted main text is the record text; page dates are flagged."""
    html, issues = _decode_text(path.read_bytes())
    if html is None:
        yield RawRecord(source=source, locator=source, issues=issues)
        return
    text, title, page_date = _extract_html(html)
    issues.append(Issue("html_extracted", f"{len(html)} chars of HTML -> {len(text)} chars of text"))
    meta = dict(meta)
    if title and not meta.get("title"):
        meta["title"] = title  # metadata wins over the page's own title
    rec = _text_record(source, text, issues, meta)
    if not rec.fields.get("date") and page_date:
        rec.fields["date"] = page_date
        rec.date_source = "page"
        rec.issues.append(Issue("page_date", f"date {page_date!r} read from the page itself; no metadata date"))
    yield rec


# --- tables -----------------------------------------------------------------------------------


def resolve_columns(present: list[str], mapping: Mapping[str, str | list[str]], explicit: set[str],
                    source: str) -> dict[str, str]:
    """Pick, for each field, the first candidate column present in the table.

    Raises
    ------
    IngestError
        If no text column is present, or a column the user named explicitly is absent.
    """
    out: dict[str, str] = {}
    for key, cands in mapping.items():
        cands = [cands] if isinstance(cands, str) else list(cands)
        hit = next((c for c in cands if c in present), None)
        if hit is not None:
            out[key] = hit
        elif key == "text" or key in explicit:
            raise IngestError(
                f"{source}: header (line 1): no {key} column {' / '.join(map(repr, cands))} "
                f"(columns: {', '.join(map(repr, present))}); map it with columns={{{key!r}: ...}}"
            )
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _row_record(source: str, locator: str, row: Mapping, cols: Mapping[str, str],
                file_issues: list[Issue]) -> RawRecord:
    text = _cell(row.get(cols["text"]))
    issues = list(file_issues)
    text, issue = repair_mojibake(text)
    if issue is not None:
        issues.append(issue)
    fields = {k: _cell(row.get(c)).strip() for k, c in cols.items() if k not in ("text", "title")}
    rec = RawRecord(source=source, locator=locator, raw=text, issues=issues,
                    fields={k: v for k, v in fields.items() if v})
    if rec.fields.get("date"):
        rec.date_source = "metadata"
    if "title" in cols:
        title, issue = repair_mojibake(_cell(row.get(cols["title"])))
        if issue is not None:
            rec.issues.append(issue)
        rec.title_raw = title
    return rec


_BAD_LINE_RE = re.compile(r"(?:Skipping line|line) (\d+): (.*)")


def _decode_table(path: Path) -> tuple[str | None, list[Issue]]:
    """Decode a whole table file; mojibake is repaired per cell, not here."""
    decoded = decode_bytes(path.read_bytes())
    return decoded.text, list(decoded.issues)


def read_csv(path: Path, source: str, mapping: Mapping, explicit: set[str], *, sep: str = ",") -> Iterator[RawRecord]:
    """CSV/TSV rows (pandas C engine: quoted fields may contain newlines)."""
    text, issues = _decode_table(path)
    if text is None:
        raise IngestError(f"{source}: {issues[-1].detail}: binary data, not a CSV file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, engine="c",
                                sep=sep, on_bad_lines="warn")
        except pd.errors.EmptyDataError:
            raise IngestError(f"{source}: line 1: empty file, no header row") from None
        except pd.errors.ParserError as exc:
            reason = str(exc).replace("Error tokenizing data. C error: ", "")
            raise IngestError(f"{source}: {reason} (check the quoting: an unclosed quote?)") from None
    table.columns = [str(c).strip() for c in table.columns]
    cols = resolve_columns(list(table.columns), mapping, explicit, source)
    file_issues = issues
    for row_no, row in enumerate(table.to_dict("records"), start=1):
        yield _row_record(source, f"{source}:row {row_no}", row, cols, file_issues)
    for w in caught:
        for m in _BAD_LINE_RE.finditer(str(w.message)):
            yield RawRecord(source=source, locator=f"{source}:line {m[1]}",
                            issues=[Issue("malformed_row", f"line {m[1]}: {m[2].strip()}")])


def read_jsonl(path: Path, source: str, mapping: Mapping, explicit: set[str]) -> Iterator[RawRecord]:
    """JSON Lines, line by line (exact line numbers for bad lines; no type guessing)."""
    text, issues = _decode_table(path)
    if text is None:
        raise IngestError(f"{source}: {issues[-1].detail}: binary data, not a JSONL file")
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" and stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{source}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None
        lines = [(i, item) for i, item in enumerate(items, start=1)]
        unit = "item"
    else:
        lines = []
        for line_no, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                lines.append((line_no, json.loads(line)))
            except json.JSONDecodeError as exc:
                lines.append((line_no, Issue("malformed_json", f"line {line_no}, column {exc.colno}: {exc.msg}: {excerpt(line, width=60)}")))
        unit = "line"
    present: list[str] = []
    for _, obj in lines:
        if isinstance(obj, dict):
            present.extend(k for k in obj if k not in present)
    # Without a single JSON object there are no columns to check (every line is rejected).
    cols = resolve_columns(present, mapping, explicit, source) if present else {}
    for line_no, obj in lines:
        locator = f"{source}:{unit} {line_no}"
        if isinstance(obj, Issue):
            yield RawRecord(source=source, locator=locator, issues=[obj])
        elif not isinstance(obj, dict):
            yield RawRecord(source=source, locator=locator,
                            issues=[Issue("malformed_json", f"{unit} {line_no}: a JSON {type(obj).__name__}, not an object")])
        else:
            yield _row_record(source, locator, obj, cols, issues)


def read_parquet(path: Path, source: str, mapping: Mapping, explicit: set[str]) -> Iterator[RawRecord]:
    """Parquet rows (pyarrow)."""
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise IngestError(f"{source}: byte 0: unreadable Parquet file ({type(exc).__name__}: {str(exc)[:120]})") from None
    cols = resolve_columns([str(c) for c in table.columns], mapping, explicit, source)
    for row_no, row in enumerate(table.to_dict("records"), start=1):
        yield _row_record(source, f"{source}:row {row_no}", row, cols, [])


# --- research-database exports ------------------------------------------------------------------

_NEXIS_FIELD_RE = re.compile(r"^[ \t]*(Length|Byline|Section|Language|Dateline|Highlight|Load-Date|"
                             r"Publication-Type|Classification|Subject|Geographic|Graphic|Notes|"
                             r"Document-Type|Journal Code|Copyright|URL|Source)[ \t]*:[ \t]*(.*)$",
                             re.IGNORECASE)
_NEXIS_BODY_RE = re.compile(r"^[ \t]*Body:?[ \t]*$", re.IGNORECASE)
_NEXIS_TRAILER_RE = re.compile(r"^[ \t]*(?:Classification[ \t]*$|(?:Load-Date|Language|Publication-Type|Subject|"
                               r"Geographic|Graphic|Notes|Document-Type|Journal Code|Industry|Person|Company)[ \t]*:)",
                               re.IGNORECASE)
_NEXIS_COUNTER_RE = re.compile(r"^[ \t]*(?:Document[ \t]+\d+(?:[ \t]+of[ \t]+\d+)?|\d+[ \t]+of[ \t]+\d+[ \t]+DOCUMENTS)[ \t]*$",
                               re.IGNORECASE)
_NONSPACE_RE = re.compile(r"\S")
_COPYRIGHT_RE = re.compile(r"^[ \t]*(?:Copyright|\(c\)|©)", re.IGNORECASE)


def _lines_with_offsets(block: str) -> list[tuple[int, int, str]]:
    """``(start, end, line)`` of each line (without its newline)."""
    out = []
    pos = 0
    for line in block.split("\n"):
        bare = line[:-1] if line.endswith("\r") else line
        out.append((pos, pos + len(bare), bare))
        pos += len(line) + 1
    return out


def _split_blocks(text: str, end_re: re.Pattern[str], *, include_end: bool) -> list[tuple[int, int, int]]:
    """``(start, end, first line number)`` of each document block of an export."""
    blocks = []
    pos = 0
    for m in end_re.finditer(text):
        end = m.end() if include_end else m.start()
        blocks.append((pos, end, text.count("\n", 0, pos) + 1))
        pos = m.end()
    blocks.append((pos, len(text), text.count("\n", 0, pos) + 1))
    return blocks


def _leading_line(block: str, start: int) -> int:
    """Line offset (within block) of the first non-blank line at or after start."""
    m = _NONSPACE_RE.search(block, start)
    return block.count("\n", 0, m.start()) if m else 0


def read_nexis(path: Path, source: str) -> Iterator[RawRecord]:
    """Nexis Uni plain text: documents end with an "End of Document" line.

    Header (before a "Body" line): title, publication, date line ("January 10, 2022
    Monday"), copyright, "Key: value" fields (Length, Byline, Section, Language ...). The
    body runs to the trailer (Classification, Load-Date, Language ... fields).
    """
    text, issues = _decode_text(path.read_bytes())
    if text is None:
        raise IngestError(f"{source}: {issues[-1].detail}: binary data, not a Nexis export")
    blocks = _split_blocks(text, _NEXIS_END_RE, include_end=False)
    n_doc = 0
    for k, (a, b, _) in enumerate(blocks):
        block = text[a:b]
        if not block.strip():
            continue
        line_no = text.count("\n", 0, a) + 1 + _leading_line(block, 0)
        is_last = k == len(blocks) - 1
        if is_last:
            yield RawRecord(source=source, locator=f"{source}:line {line_no}", issues=[
                Issue("unrecognised_block", f"line {line_no}: text after the last 'End of Document': {excerpt(block.strip(), width=60)}")])
            continue
        n_doc += 1
        yield _nexis_record(block, source, f"{source}:document {n_doc} (line {line_no})", list(issues))


def _is_date_line(line: str) -> bool:
    parsed = parse_news_date(line.strip())
    return bool(parsed.iso) or parsed.reason == "ambiguous_date"


def _nexis_record(block: str, source: str, locator: str, issues: list[Issue]) -> RawRecord:
    lines = _lines_with_offsets(block)
    rec = RawRecord(source=source, locator=locator, raw=block, issues=issues)
    body_idx = next((i for i, (_, _, ln) in enumerate(lines) if _NEXIS_BODY_RE.match(ln)), None)
    plain: list[tuple[int, int, str]] = []  # header lines that are not fields
    header_last = -1  # index of the last header line
    for i, (s, e, ln) in enumerate(lines if body_idx is None else lines[:body_idx]):
        if not ln.strip() or _NEXIS_COUNTER_RE.match(ln):
            continue
        m = _NEXIS_FIELD_RE.match(ln)
        if m or _COPYRIGHT_RE.match(ln):
            if m and m[1].lower() in ("byline", "language", "length"):
                rec.fields[{"length": "word_count"}.get(m[1].lower(), m[1].lower())] = m[2].strip()
            header_last = i
            continue
        if body_idx is None and "date" in rec.fields:
            break  # without a "Body" line, the first plain line after the date starts the body
        plain.append((s, e, ln))
        header_last = i
        if len(plain) > 1 and "date" not in rec.fields and _is_date_line(ln):
            rec.fields["date"] = ln.strip()
            rec.date_source = "metadata"
        elif len(plain) > 1 and "outlet" not in rec.fields:
            rec.fields["outlet"] = ln.strip()
    if body_idx is None and "date" not in rec.fields:
        # No "Body" line and no date line: only the first line is taken as the title.
        plain = plain[:1]
        rec.fields.pop("outlet", None)
        header_last = next((i for i, (s, _, _) in enumerate(lines) if plain and s == plain[0][0]), -1)
    if plain:
        s, e, ln = plain[0]
        rec.title_span = (s + len(ln) - len(ln.lstrip()), e)
    if body_idx is not None:
        start = lines[body_idx][1]
    elif header_last >= 0:
        start = lines[header_last][1]
    else:
        start = 0
    end = len(block)
    for s, _, ln in lines:
        if s > start and _NEXIS_TRAILER_RE.match(ln):
            m = _NEXIS_FIELD_RE.match(ln)
            if m and m[1].lower() == "language" and "language" not in rec.fields:
                rec.fields["language"] = m[2].strip()
            end = min(end, s)
    rec.body_spans = [(start, max(start, end))]
    return rec


_FACTIVA_CODES = ("HD", "BY", "WC", "PD", "ET", "SN", "SC", "ED", "PG", "LA", "CY", "LP", "TD", "CO",
                  "IN", "NS", "RE", "IPC", "IPD", "PUB", "AN", "SE", "CR", "ART", "CT", "RF", "CX")
_FACTIVA_FIELD_RE = re.compile(rf"^({'|'.join(_FACTIVA_CODES)})(?:[ \t]+(.*))?$")


def read_factiva(path: Path, source: str) -> Iterator[RawRecord]:
    """Factiva plain-text export: two-letter field codes (HD headline, PD date, SN source,
    LA language, LP/TD body, AN accession number); each document ends "Document <AN>"."""
    text, issues = _decode_text(path.read_bytes())
    if text is None:
        raise IngestError(f"{source}: {issues[-1].detail}: binary data, not a Factiva export")
    blocks = _split_blocks(text, _FACTIVA_END_RE, include_end=True)
    n_doc = 0
    for a, b, _ in blocks:
        block = text[a:b]
        if not block.strip():
            continue
        line_no = text.count("\n", 0, a) + 1 + _leading_line(block, 0)
        fields = _factiva_fields(block)
        if "HD" not in fields and "LP" not in fields and "TD" not in fields:
            yield RawRecord(source=source, locator=f"{source}:line {line_no}", issues=[
                Issue("unrecognised_block", f"line {line_no}: no Factiva fields (HD/LP/TD): {excerpt(block.strip(), width=60)}")])
            continue
        n_doc += 1
        rec = RawRecord(source=source, locator=f"{source}:document {n_doc} (line {line_no})", raw=block,
                        issues=list(issues))
        if "HD" in fields:
            rec.title_span = fields["HD"]
        rec.body_spans = [fields[c] for c in ("LP", "TD") if c in fields] or [(0, 0)]
        for code, key in (("PD", "date"), ("SN", "outlet"), ("LA", "language"), ("BY", "byline")):
            if code in fields:
                rec.fields[key] = " ".join(block[slice(*fields[code])].split())
        an = _FACTIVA_END_RE.search(block)
        if an:
            rec.fields["id"] = an.group(0).strip().split()[-1]
        if rec.fields.get("date"):
            rec.date_source = "metadata"
        yield rec


def _factiva_fields(block: str) -> dict[str, tuple[int, int]]:
    """Span of each field's value in the block (first occurrence of each code)."""
    fields: dict[str, tuple[int, int]] = {}
    current: str | None = None
    start = 0
    last_end = 0
    for s, e, ln in _lines_with_offsets(block):
        m = _FACTIVA_FIELD_RE.match(ln)
        if m and (current not in ("LP", "TD") or m[2] is None or m[1] in ("TD", "CO", "IN", "NS", "RE", "AN", "IPD", "PUB", "IPC")):
            if current is not None and current not in fields:
                fields[current] = (start, last_end)
            current = m[1]
            start = s + m.start(2) if m[2] is not None else e + 1
            last_end = e if m[2] is not None else start
            continue
        if ln.strip():
            last_end = e
    if current is not None and current not in fields:
        fields[current] = (start, max(last_end, start))
    return {k: (a, max(a, b)) for k, (a, b) in fields.items()}


# --- dispatch ---------------------------------------------------------------------------------


def iter_records(path: Path, source: str, fmt: str, *, mapping: Mapping, explicit: set[str],
                 meta: dict[str, str]) -> Iterator[RawRecord]:
    """Records of one file in the given format (see :data:`FORMATS`)."""
    if fmt == "txt":
        return read_txt(path, source, meta)
    if fmt == "html":
        return read_html(path, source, meta)
    if fmt in ("csv", "tsv"):
        return read_csv(path, source, mapping, explicit, sep="\t" if fmt == "tsv" else ",")
    if fmt == "jsonl":
        return read_jsonl(path, source, mapping, explicit)
    if fmt == "parquet":
        return read_parquet(path, source, mapping, explicit)
    if fmt == "nexis":
        return read_nexis(path, source)
    if fmt == "factiva":
        return read_factiva(path, source)
    raise IngestError(f"{source}: format {fmt!r} is not one of {', '.join(FORMATS)}")

