"""Catalogue of bad inputs, run through every import path where it applies.

Each case writes a small input (a folder of .txt or .html files with a metadata CSV, a CSV,
a JSONL file, a Parquet file, a Nexis Uni or a Factiva text export) holding the case's
record(s) plus a good control record, ingests it, and checks the documented behaviour
(``docs/ingest.md``): the target record's status and reason code, that every written
record has exactly one report row (no silent drop), that the control record survives, and
for errors that stop the ingest that the message names the file, the location and the
reason. ``test_summary`` counts cases tried, silent drops and unclear crashes.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from kazframe.ingest import REPORT_COLUMNS, IngestError, read_corpus, write_report
from kazframe.lexicon import LexiconError, load_lexicon
from kazframe.safety import UnsafePathError, confine
from kazframe.text import fold

ALL = ("txt", "html", "csv", "jsonl", "parquet", "nexis", "factiva")
BYTES = ("txt", "html", "csv", "jsonl", "nexis", "factiva")  # formats whose bytes we write
TABLES = ("csv", "jsonl", "parquet")
TEXT = ("Protesters gathered in the central square of Almaty on Wednesday, officials said.\n"
        "The president later called the unrest an attempted coup by terrorists.")
RU_TEXT = "Токаев заявил, что в Алматы была попытка государственного переворота."
LANG_NAMES = {"en": "English", "ru": "Russian"}


@dataclass(frozen=True)
class Rec:
    """One record to write. ``id`` must be 6+ letters/digits (Factiva accession numbers)."""

    id: str = "case0001"
    text: str = TEXT
    title: str = "Unrest in Almaty"
    outlet: str = "Reuters"
    date: str = "2022-01-10"
    language: str = "en"


CTRL = Rec(id="ctrl0001", text="Troops left Almaty on Thursday after a week, the ministry said.\nShops reopened.",
           title="Troops leave", date="2022-01-13")


# --- writers ------------------------------------------------------------------------------------


def _html_page(r: Rec) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in r.text.split("\n"))
    return (f"<html><head><title>{html.escape(r.title)}</title></head><body><article>"
            f"<h1>{html.escape(r.title)}</h1>{paras}</article></body></html>")


def _nexis(recs: list[Rec]) -> str:
    out = []
    for k, r in enumerate(recs, start=1):
        lang = LANG_NAMES.get(r.language, r.language).upper()
        out.append(f"Document {k} of {len(recs)}\n\n{r.title}\n\n{r.outlet}\n{r.date}\n\nCopyright 2022\n\n"
                   f"Length: 30 words\nByline: Staff\n\nBody\n\n{r.text}\n\nClassification\n\n"
                   f"Language: {lang}\n\nLoad-Date: January 11, 2022\n\nEnd of Document\n\n")
    return "".join(out)


def _factiva(recs: list[Rec]) -> str:
    return "".join(
        f"HD\n{r.title}\nBY\nStaff\nWC\n30 words\nPD\n{r.date}\nSN\n{r.outlet}\nSC\nXX\n"
        f"LA\n{LANG_NAMES.get(r.language, r.language)}\nCY\n(c) 2022\nLP\n{r.text}\nTD\n\nAN\n"
        f"Document {r.id}\n\n"
        for r in recs
    )


def _rows(recs: list[Rec]) -> list[dict]:
    return [{"article_id": r.id, "outlet": r.outlet, "date": r.date, "title": r.title,
             "language": r.language, "text": r.text} for r in recs]


def write_input(tmp: Path, fmt: str, recs: list[Rec], *, target: int = 0,
                encode: Callable[[str], bytes] | None = None) -> tuple[Path, Path | None]:
    """Write ``recs`` as ``fmt``; ``encode`` turns the unit holding the target into bytes."""
    enc = encode or (lambda s: s.encode("utf-8"))
    plain = lambda s: s.encode("utf-8")  # noqa: E731
    if fmt in ("txt", "html"):
        folder = tmp / "in"
        folder.mkdir()
        meta = []
        for k, r in enumerate(recs):
            name = f"{k:02d}_{r.id}.{fmt}"
            body = r.text if fmt == "txt" else _html_page(r)
            (folder / name).write_bytes((enc if k == target else plain)(body))
            meta.append({"file": name, "article_id": r.id, "outlet": r.outlet, "date": r.date,
                         "title": r.title if fmt == "txt" else "", "language": r.language})
        pd.DataFrame(meta).to_csv(tmp / "meta.csv", index=False)
        return folder, tmp / "meta.csv"
    path = tmp / {"csv": "rows.csv", "jsonl": "rows.jsonl", "parquet": "rows.parquet",
                  "nexis": "nexis.txt", "factiva": "factiva.txt"}[fmt]
    if fmt == "csv":
        path.write_bytes(enc(pd.DataFrame(_rows(recs)).to_csv(index=False)))
    elif fmt == "jsonl":
        path.write_bytes(enc("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _rows(recs))))
    elif fmt == "parquet":
        pd.DataFrame(_rows(recs)).to_parquet(path)
    elif fmt == "nexis":
        path.write_bytes(enc(_nexis(recs)))
    else:
        path.write_bytes(enc(_factiva(recs)))
    return path, None


# --- the catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A bad input: records (target first unless ``target``), expectation per format."""

    name: str
    records: tuple[Rec, ...] = (Rec(),)
    status: str = "accepted"
    reason: str = "ok"
    formats: tuple[str, ...] = ALL
    target: int = 0
    encode: Callable[[str], bytes] | None = None
    by_format: dict[str, tuple[str, str]] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    check: Callable[[pd.Series, str], None] | None = None


def _utf16_nobom(s: str) -> bytes:
    return s.encode("utf-16-le")


def _truncate(s: str) -> bytes:
    return s.encode("utf-8") + "Т".encode()[:1]


def _damage(s: str) -> bytes:
    data = s.encode("utf-8")
    i = data.index("Алматы".encode())
    return data[:i] + b"\xff" + data[i:]


def _stray_nul(s: str) -> bytes:
    return s.replace("central", "cen\x00tral").encode("utf-8")


def _text_is(expected: str) -> Callable[[pd.Series, str], None]:
    def check(row: pd.Series, fmt: str) -> None:
        assert expected in row["text"], (expected, row["text"][:200])
    return check


def _date_is(expected: str, precision: str = "day") -> Callable[[pd.Series, str], None]:
    def check(row: pd.Series, fmt: str) -> None:
        assert row["date"] == expected and row["date_precision"] == precision
        if not expected:
            assert pd.isna(row["date_start"])
    return check


def _outlet_is(outlet: str, bloc: str) -> Callable[[pd.Series, str], None]:
    def check(row: pd.Series, fmt: str) -> None:
        assert (row["outlet"], row["bloc"]) == (outlet, bloc)
    return check


@functools.lru_cache(maxsize=1)
def _lexicon():
    return load_lexicon()


def _lexicon_still_matches(row: pd.Series, fmt: str) -> None:
    """Terms hidden by soft hyphens/zero-width chars match, and offsets point into the raw text."""
    from kazframe.text import OffsetMap

    lex = _lexicon()
    hits = lex.find(fold(row["text"]))
    entries = [e for _, _, e in hits]
    assert "terrorist" in entries or "counter_terrorism" in entries, entries
    omap = OffsetMap.from_list(row["text_offsets"])
    for start, end, _ in hits:
        a, b = omap.span_to_raw(start, end)
        original = row["raw_text"][a:b]
        cleaned = "".join(c for c in original if c not in "\u00ad\u200b\u200c\u200d\u2060\ufeff\r")
        assert cleaned.replace("\u00a0", " ") == row["text"][start:end]


def _paragraphs(n: int) -> Callable[[pd.Series, str], None]:
    def check(row: pd.Series, fmt: str) -> None:
        assert row["text"].count("\n\n") == n - 1, repr(row["text"])
        assert "\r" not in row["text"]
    return check


HUGE = "Protesters gathered " * 262_144  # 5 MiB on one line

CASES: list[Case] = [
    Case("good_record"),
    Case("empty_text", (Rec(text=""),), "rejected", "empty_text",
         by_format={"nexis": ("rejected", "whitespace_only")}),
    Case("whitespace_only", (Rec(text="   \n\t  \n  "),), "rejected", "whitespace_only",
         by_format={"html": ("rejected", "empty_text"), "factiva": ("rejected", "empty_text")}),
    Case("invisible_only", (Rec(text="\u200b\u00ad \u200b"),), "rejected", "whitespace_only"),
    Case("binary_png", encode=lambda s: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
         status="rejected", reason="binary_content", formats=("txt", "html")),
    Case("stray_nul_byte", encode=_stray_nul, status="flagged", reason="control_chars_replaced", formats=BYTES),
    Case("stray_nul_in_string", (Rec(text=TEXT.replace("central", "cen\x00tral")),), "flagged",
         "control_chars_replaced", formats=("jsonl", "parquet")),
    Case("truncated_utf8", (Rec(text=RU_TEXT, language="ru"),), "flagged", "truncated_utf8",
         formats=("txt",), encode=_truncate, check=_text_is(RU_TEXT)),
    Case("damaged_utf8", (Rec(text=RU_TEXT, language="ru"),), "flagged", "decode_error", formats=BYTES,
         encode=_damage, check=_text_is("\ufffdАлматы")),
    Case("utf8_bom", encode=lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), status="normalised",
         reason="bom_removed", formats=BYTES, check=_text_is("Protesters gathered")),
    Case("utf16_bom", (Rec(text=RU_TEXT, language="ru"),), "normalised", "encoding_utf16", formats=BYTES,
         encode=lambda s: s.encode("utf-16"), check=_text_is(RU_TEXT)),
    Case("utf16_no_bom", (Rec(text=RU_TEXT, language="ru"),), "flagged", "encoding_utf16_guessed",
         formats=BYTES, encode=_utf16_nobom, check=_text_is(RU_TEXT)),
    Case("cp1251", (Rec(text=RU_TEXT, language="ru"),), "flagged", "encoding_cp1251", formats=BYTES,
         encode=lambda s: s.encode("cp1251"), check=_text_is(RU_TEXT)),
    Case("koi8r", (Rec(text=RU_TEXT, language="ru"),), "flagged", "encoding_koi8r", formats=BYTES,
         encode=lambda s: s.encode("koi8_r"), check=_text_is(RU_TEXT)),
    Case("latin1_not_cyrillic", (Rec(text="Le café à Almaty était fermé pendant les émeutes.", language="fr"),),
         "flagged", "decode_error", formats=("txt", "csv", "jsonl", "nexis", "factiva"),
         encode=lambda s: s.encode("latin-1"), check=_text_is("café à Almaty")),
    Case("mojibake_cp1251", (Rec(text=RU_TEXT.encode("utf-8").decode("cp1251"), language="ru"),), "flagged",
         "mojibake_repaired", check=_text_is(RU_TEXT)),
    Case("mojibake_latin1", (Rec(text="Заявление Токаева: " + "Токаев".encode().decode("latin-1") + " сказал", language="ru"),),
         "flagged", "mojibake_repaired", formats=("txt", "csv", "jsonl", "parquet"), check=_text_is("Токаев сказал")),
    Case("crlf", (Rec(text=TEXT.replace("\n", "\r\n")),), "normalised", "crlf_normalised",
         formats=("txt", "csv", "jsonl", "parquet"), check=_paragraphs(2)),
    Case("crlf_whole_file", encode=lambda s: s.replace("\n", "\r\n").encode("utf-8"), status="normalised",
         reason="crlf_normalised", formats=("txt", "nexis", "factiva"), check=_paragraphs(2)),
    Case("mixed_line_ends", (Rec(text="First line.\r\nSecond line.\nThird line.\rFourth line."),), "normalised",
         "crlf_normalised", formats=("txt", "csv", "jsonl", "parquet"), check=_paragraphs(4)),
    Case("huge_line", (Rec(text=HUGE),), "flagged", "huge_line", formats=("txt", "csv")),
    Case("missing_date", (Rec(date=""),), "flagged", "missing_date", formats=ALL, check=_date_is("", "unknown")),
    Case("unparseable_date", (Rec(date="sometime in January"),), "flagged", "unparseable_date",
         by_format={"nexis": ("flagged", "missing_date")}, check=_date_is("", "unknown")),
    Case("impossible_date", (Rec(date="2022-02-30"),), "flagged", "unparseable_date",
         by_format={"nexis": ("flagged", "missing_date")}, check=_date_is("", "unknown")),
    Case("russian_date", (Rec(date="5 января 2022"),), "normalised", "russian_date", check=_date_is("2022-01-05")),
    Case("russian_date_abbrev", (Rec(date="5 янв. 2022 г."),), "normalised", "russian_date",
         check=_date_is("2022-01-05")),
    Case("kazakh_date", (Rec(date="5 қаңтар 2022"),), "normalised", "russian_date", check=_date_is("2022-01-05")),
    Case("ambiguous_date", (Rec(date="03/04/2022"),), "flagged", "ambiguous_date", check=_date_is("", "unknown")),
    Case("ambiguous_date_dayfirst", (Rec(date="03/04/2022"),), options={"dayfirst": True},
         check=_date_is("2022-04-03")),
    Case("dotted_date_dayfirst", (Rec(date="05.01.2022"),), check=_date_is("2022-01-05")),
    Case("english_date", (Rec(date="January 5, 2022"),), check=_date_is("2022-01-05")),
    Case("nexis_style_date", (Rec(date="January 10, 2022 Monday"),), check=_date_is("2022-01-10")),
    Case("iso_datetime_tz", (Rec(date="2022-01-05T23:30:00+06:00"),), check=_date_is("2022-01-05")),
    Case("month_only_date", (Rec(date="January 2022"),), check=_date_is("2022-01", "month")),
    Case("unknown_outlet", (Rec(outlet="Daily Planet"),), "flagged", "unknown_outlet",
         check=_outlet_is("Daily Planet", "unknown")),
    Case("missing_outlet", (Rec(outlet=""),), "flagged", "unknown_outlet", formats=("txt", "html", "csv", "jsonl", "parquet", "factiva"),
         check=_outlet_is("", "unknown")),
    Case("outlet_alias_cyrillic", (Rec(outlet="ТАСС"),), check=_outlet_is("TASS", "russian")),
    Case("outlet_domain", (Rec(outlet="tass.ru"),), check=_outlet_is("TASS", "russian")),
    Case("language_name", (Rec(language="Russian", text=RU_TEXT),), check=lambda r, f: r["language"] == "ru"),
    Case("lookalike_letters", (Rec(text="Protesters in \u0410lmaty clashed with police on Wednesday."),),
         "flagged", "mixed_script", check=_text_is("\u0410lmaty")),
    Case("soft_hyphen_in_term", (Rec(text="An anti\u00adterrorist operation against ter\u00adrorists began."),),
         "normalised", "invisible_chars_removed", formats=("txt", "csv", "jsonl", "parquet", "nexis", "factiva"),
         options={"keep_raw": True}, check=_lexicon_still_matches),
    Case("zero_width_in_term", (Rec(text="An anti\u200bterrorist operation against terror\u200dists\u2060 began."),),
         "normalised", "invisible_chars_removed", formats=("txt", "csv", "jsonl", "parquet", "nexis", "factiva"),
         options={"keep_raw": True}, check=_lexicon_still_matches),
    Case("nbsp_in_term", (Rec(text="An anti-terrorist\u00a0operation against terrorists began."),),
         formats=("txt", "csv", "jsonl", "parquet", "nexis", "factiva"), options={"keep_raw": True},
         check=_lexicon_still_matches),
    Case("duplicate_id", (Rec(date="2022-01-09"), Rec(text="A different story about Almaty.")), "flagged",
         "duplicate_id", target=1, formats=("txt", "html", "csv", "jsonl", "parquet", "factiva"),
         check=lambda r, f: r["article_id"] == "case0001#2"),
    Case("duplicate_text", (Rec(id="orig0001", date="2022-01-09"), Rec(id="copy0001")), "flagged",
         "duplicate_text", target=1, check=lambda r, f: r["duplicate_of"] == "orig0001"),
    Case("duplicate_text_earlier_wins", (Rec(id="late0001", date="2022-01-12"), Rec(id="orig0001")), "flagged",
         "duplicate_text", target=0, check=lambda r, f: r["duplicate_of"] == "orig0001"),
    Case("near_duplicate", (Rec(id="orig0001", date="2022-01-09"), Rec(id="near0001", text=TEXT.upper().replace(",", ""))),
         "flagged", "near_duplicate", target=1, check=lambda r, f: r["duplicate_of"] == "orig0001"),
    Case("embedded_newlines_quotes", (Rec(text='He said, "order is restored",\nand left.\n\nThird, with ; and \'quotes\'.'),),
         formats=("csv", "jsonl", "parquet"), check=_paragraphs(3)),
    Case("na_like_text", (Rec(text="NA"),), formats=("csv", "jsonl"), check=lambda r, f: r["text"] == "NA"),
]

CASE_IDS = {c.name: c for c in CASES}
MATRIX = [(c.name, fmt) for c in CASES for fmt in c.formats]


def _expected(case: Case, fmt: str) -> tuple[str, str]:
    status, reason = case.by_format.get(fmt, (case.status, case.reason))
    if fmt == "html" and status == "accepted":
        return "normalised", "html_extracted"  # every HTML page is extracted
    return status, reason


def run_case(tmp: Path, case: Case, fmt: str) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    recs = [*case.records, CTRL]
    path, meta = write_input(tmp, fmt, recs, target=case.target, encode=case.encode)
    corpus, report = read_corpus(path, meta, **case.options)
    return corpus, report, len(recs)


_OUTCOMES: dict[tuple[str, str], str] = {}


def _outcome(tmp: Path, case: Case, fmt: str) -> str:
    """``ok``, ``silent_drop``, ``unclear_crash`` or ``mismatch: ...`` for one case and format."""
    try:
        corpus, report, n_written = run_case(tmp, case, fmt)
    except (IngestError, LexiconError) as exc:
        return f"unclear_crash: unexpected {type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - the point is to count these
        return f"unclear_crash: {type(exc).__name__}: {exc}"
    if len(report) != n_written:
        return f"silent_drop: {n_written} records written, {len(report)} report rows"
    target = report.iloc[case.target]
    status, reason = _expected(case, fmt)
    codes = target["reason"].split(";")
    if target["status"] != status or reason not in codes:
        return f"mismatch: got {target['status']}/{target['reason']} ({target['detail']}), expected {status}/{reason}"
    if report.iloc[-1]["status"] == "rejected":
        return f"mismatch: control record rejected: {report.iloc[-1]['detail']}"
    if status != "rejected" and case.check is not None:
        row = corpus.loc[corpus["locator"] == target["locator"]].iloc[0]
        try:
            case.check(row, fmt)
        except AssertionError as exc:
            return f"mismatch: check failed: {exc}"
    if status == "rejected" and (target["locator"] in set(corpus["locator"])):
        return "mismatch: rejected record is in the corpus"
    return "ok"


@pytest.mark.parametrize("name, fmt", MATRIX, ids=[f"{n}-{f}" for n, f in MATRIX])
def test_bad_input(tmp_path: Path, name: str, fmt: str) -> None:
    outcome = _outcome(tmp_path, CASE_IDS[name], fmt)
    _OUTCOMES[(name, fmt)] = outcome
    assert outcome == "ok", outcome


# --- errors that stop the ingest, and per-record errors of one format ---------------------------------


def _error_missing_text_column(tmp: Path, fmt: str) -> tuple[Path, Exception | None]:
    path, _ = write_input(tmp, fmt, [Rec(), CTRL])
    if fmt == "csv":
        pd.read_csv(path).drop(columns="text").to_csv(path, index=False)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "text"}) + "\n" for r in rows))
    else:
        pd.read_parquet(path).drop(columns="text").to_parquet(path)
    return path, None


ERROR_CASES = [
    # (name, formats, builder, substrings the message must contain besides the file name)
    ("missing_text_column", TABLES, _error_missing_text_column, ("header", "no text column")),
    ("named_column_absent", TABLES, lambda tmp, fmt: (write_input(tmp, fmt, [Rec()])[0], {"columns": {"date": "published_at"}}),
     ("header", "no date column", "published_at")),
    ("path_does_not_exist", ("any",), lambda tmp, fmt: (tmp / "nope.csv", None), ("does not exist",)),
    ("unreadable_parquet", ("parquet",), lambda tmp, fmt: (_write(tmp / "bad.parquet", b"PAR1 not really parquet"), None),
     ("byte 0", "unreadable Parquet")),
    ("binary_csv", ("csv",), lambda tmp, fmt: (_write(tmp / "bad.csv", bytes(range(256)) * 8), None),
     ("binary data", "byte")),
    ("metadata_without_file_column", ("txt",),
     lambda tmp, fmt: (_folder_with_meta(tmp, "name,outlet\na.txt,TASS\n"), None), ("header (line 1)", "no 'file' column")),
    ("metadata_file_listed_twice", ("txt",),
     lambda tmp, fmt: (_folder_with_meta(tmp, "file,outlet\na.txt,TASS\na.txt,BBC\n"), None), ("row 2", "listed twice")),
    ("unknown_preset", ("csv",), lambda tmp, fmt: (write_input(tmp, "csv", [Rec()])[0], {"preset": "nexus"}),
     ("preset", "unknown")),
    ("csv_unclosed_quote", ("csv",), lambda tmp, fmt: (_write(tmp / "q.csv", b'text,outlet\n"never closed,TASS\n'), None),
     ("row 1", "EOF", "quote")),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _folder_with_meta(tmp: Path, meta: str) -> Path:
    folder = tmp / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Title\nBody text here.", encoding="utf-8")
    (tmp / "meta.csv").write_text(meta, encoding="utf-8")
    return folder


ERROR_MATRIX = [(name, fmt) for name, fmts, _, _ in ERROR_CASES for fmt in fmts]


def _error_outcome(tmp: Path, name: str, fmt: str) -> str:
    _, _, build, parts = next(c for c in ERROR_CASES if c[0] == name)
    path, options = build(tmp, fmt)
    options = options or {}
    meta = tmp / "meta.csv" if (tmp / "meta.csv").exists() else None
    try:
        read_corpus(path, meta, **options)
    except IngestError as exc:
        msg = str(exc)
        named = (meta.name in msg) if name.startswith("metadata") else (path.name in msg or name == "unknown_preset")
        if not named or not all(p.lower() in msg.lower() for p in parts):
            return f"unclear_crash: message lacks file/location/reason: {msg}"
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"unclear_crash: {type(exc).__name__}: {exc}"
    return "mismatch: no IngestError"


@pytest.mark.parametrize("name, fmt", ERROR_MATRIX, ids=[f"{n}-{f}" for n, f in ERROR_MATRIX])
def test_stopping_error(tmp_path: Path, name: str, fmt: str) -> None:
    outcome = _error_outcome(tmp_path, name, fmt)
    _OUTCOMES[(name, fmt)] = outcome
    assert outcome == "ok", outcome


def test_jsonl_malformed_line_rejected_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps({"id": "good0001", "text": "Protesters gathered.", "outlet": "TASS", "date": "2022-01-05", "language": "en"}) + "\n"
        + '{"id": "bad", "text": "unterminated\n'
        + "\n"
        + json.dumps({"id": "good0002", "text": "Riots in Almaty.", "outlet": "TASS", "date": "2022-01-06", "language": "en"}) + "\n",
        encoding="utf-8",
    )
    corpus, report = read_corpus(path)
    assert corpus["article_id"].tolist() == ["good0001", "good0002"]
    bad = report.loc[report["status"] == "rejected"].iloc[0]
    assert (bad["locator"], bad["reason"]) == ("rows.jsonl:line 2", "malformed_json")
    assert "line 2" in bad["detail"] and "column" in bad["detail"]
    _OUTCOMES[("jsonl_malformed_line", "jsonl")] = "ok"


def test_jsonl_non_object_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('["a", "list"]\n{"text": "Riots in Almaty.", "outlet": "TASS", "date": "2022-01-06"}\n', encoding="utf-8")
    corpus, report = read_corpus(path)
    assert report["status"].tolist() == ["rejected", "flagged"]
    assert report["reason"].iloc[0] == "malformed_json" and "list" in report["detail"].iloc[0]
    assert len(corpus) == 1
    _OUTCOMES[("jsonl_non_object_line", "jsonl")] = "ok"


def test_csv_row_with_extra_field_rejected_with_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("article_id,outlet,date,text\nrow00001,TASS,2022-01-05,Fine row\n"
                    "row00002,TASS,2022-01-05,Too,many,fields\nrow00003,TASS,2022-01-06,\"Also\nfine\"\n",
                    encoding="utf-8")
    corpus, report = read_corpus(path)
    assert corpus["article_id"].tolist() == ["row00001", "row00003"]
    bad = report.loc[report["status"] == "rejected"]
    assert len(bad) == 1 and bad["reason"].iloc[0] == "malformed_row"
    assert bad["locator"].iloc[0] == "rows.csv:line 3" and "expected 4 fields" in bad["detail"].iloc[0].lower()
    _OUTCOMES[("csv_malformed_row", "csv")] = "ok"


def test_csv_extra_columns_ignored(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("article_id,outlet,date,text,language,sentiment,views\n"
                    "row00001,TASS,2022-01-05,Riots in Almaty.,en,neg,1000\n", encoding="utf-8")
    corpus, report = read_corpus(path)
    assert report["status"].tolist() == ["accepted"]
    assert "sentiment" not in corpus.columns
    _OUTCOMES[("csv_extra_columns", "csv")] = "ok"


def test_csv_header_only_has_no_records(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("article_id,outlet,date,text\n", encoding="utf-8")
    corpus, report = read_corpus(path)
    assert len(corpus) == 0 and len(report) == 0
    assert list(report.columns) == list(REPORT_COLUMNS)
    _OUTCOMES[("csv_header_only", "csv")] = "ok"


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_metadata_missing_file_and_unlisted_file(tmp_path: Path, fmt: str) -> None:
    path, meta = write_input(tmp_path, fmt, [Rec(), CTRL])
    (path / "zz_unlisted.txt").write_text("Unlisted title\nProtesters gathered in Almaty.", encoding="utf-8")
    with meta.open("a", encoding="utf-8") as handle:
        handle.write("gone.txt,gone0001,TASS,2022-01-05,,en\n")
    corpus, report = read_corpus(path, meta)
    missing = report.loc[report["reason"] == "missing_file"].iloc[0]
    assert (missing["status"], missing["locator"], missing["source"]) == ("rejected", "meta.csv:row 3", "gone.txt")
    assert "gone.txt" in missing["detail"] and "row 3" in missing["detail"]
    unlisted = report.loc[report["source"] == "zz_unlisted.txt"].iloc[0]
    assert unlisted["status"] == "flagged" and "not_in_metadata" in unlisted["reason"].split(";")
    assert "zz_unlisted.txt" in set(corpus["source_file"])
    assert len(report) == 4 and len(corpus) == 3
    _OUTCOMES[("metadata_missing_file+unlisted", fmt)] = "ok"


def test_html_scripts_entities_and_page_date(tmp_path: Path) -> None:
    page = ("<html><head><title>Unrest in Almaty</title>"
            '<meta property="article:published_time" content="2022-01-06">'
            "<script>var frame = 'coup'; document.write('terrorists');</script><style>p {color: red}</style></head>"
            "<body><nav>Home | World | Sport</nav><article><h1>Unrest in Almaty</h1>"
            "<p>Protesters gathered on Jan. 5 in &laquo;Almaty&raquo; &amp; Astana as the government called it a "
            "&quot;terrorist attack&quot;, officials said on Thursday.</p>"
            "<p>The state of emergency declared by the president covered the whole country for two weeks.</p>"
            "</article><footer>Copyright 2022</footer></body></html>")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text(page, encoding="utf-8")
    (folder / "dated.html").write_text(page, encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,article_id,outlet,date,language\ndated.html,dated01,Reuters,2022-01-07,en\n", encoding="utf-8")
    corpus, report = read_corpus(folder, meta)
    by_id = corpus.set_index("source_file")
    text = by_id.loc["page.html", "text"]
    assert "«Almaty» & Astana" in text and '"terrorist attack"' in text
    assert "var frame" not in text and "color" not in text and "Home | World" not in text
    assert by_id.loc["page.html", "title"] == "Unrest in Almaty"
    # The page's own date is used only without metadata, and then flagged.
    assert (by_id.loc["page.html", "date"], by_id.loc["page.html", "date_source"]) == ("2022-01-06", "page")
    page_report = report.set_index("source").loc["page.html"]
    assert "page_date" in page_report["reason"].split(";") and page_report["status"] == "flagged"
    assert (by_id.loc["dated.html", "date"], by_id.loc["dated.html", "date_source"]) == ("2022-01-07", "metadata")
    assert "html_extracted" in report.set_index("source").loc["dated.html", "reason"].split(";")
    _OUTCOMES[("html_scripts_entities_page_date", "html")] = "ok"


def test_unsupported_files_in_folder_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Title\nProtesters gathered.", encoding="utf-8")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (folder / "export.rtf").write_text("{\\rtf1\\ansi Kazakhstan}", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    corpus, report = read_corpus(folder)
    rejected = report.loc[report["status"] == "rejected"].set_index("source")
    assert sorted(rejected.index) == ["export.rtf", "scan.pdf"]
    assert set(rejected["reason"]) == {"unsupported_format"}
    assert len(corpus) == 1
    _OUTCOMES[("unsupported_files_in_folder", "txt")] = "ok"


def test_database_export_text_outside_documents(tmp_path: Path) -> None:
    path, _ = write_input(tmp_path, "factiva", [Rec(), CTRL])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("Search Summary\nText   kazakhstan AND unrest\nDate   01/01/2022 to 31/01/2022\n")
    corpus, report = read_corpus(path)
    last = report.iloc[-1]
    assert (last["status"], last["reason"]) == ("rejected", "unrecognised_block")
    # Two 24-line documents (HD..Document line, blank line) precede it: line 49.
    assert "line 49" in last["detail"] and "Search Summary" in last["detail"]
    assert len(corpus) == 2
    (tmp_path / "n").mkdir()
    path2, _ = write_input(tmp_path / "n", "nexis", [Rec(), CTRL])
    with path2.open("a", encoding="utf-8") as handle:
        handle.write("Search terms: kazakhstan\n")
    corpus2, report2 = read_corpus(path2)
    assert report2["reason"].iloc[-1] == "unrecognised_block" and len(corpus2) == 2
    _OUTCOMES[("export_text_outside_documents", "factiva+nexis")] = "ok"


# --- lexicon and output paths ------------------------------------------------------------------------

_LEXICON_OK = """version: "1"
frames: {f: frame}
categories: {c: {frame: f, description: d}}
entries:
  - {entry: coup, category: c, concept: coup, language: en, terms: [coup]}
"""


@pytest.mark.parametrize(
    "name, text, parts",
    [
        ("lexicon_yaml_syntax_error", _LEXICON_OK.replace("{entry: coup,", "{entry: coup"), ("line 5",)),
        ("lexicon_unknown_key", _LEXICON_OK.replace("terms: [coup]}", "terms: [coup], colour: red}"), ("line 5", "colour")),
        ("lexicon_term_matches_everything", _LEXICON_OK.replace("terms: [coup]", "terms: ['*']"), ("line 5", "match")),
    ],
)
def test_lexicon_errors_name_file_line_reason(tmp_path: Path, name: str, text: str, parts: tuple[str, ...]) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    msg = str(info.value)
    assert str(path) in msg and all(p in msg for p in parts), msg
    _OUTCOMES[(name, "lexicon")] = "ok"


@pytest.mark.parametrize("name", ["../escape.csv", "/etc/passwd", "sub/report.csv", "..", "", "a\x00b.csv", "C:evil.csv"])
def test_output_name_traversal_refused(tmp_path: Path, name: str) -> None:
    report = pd.DataFrame(columns=list(REPORT_COLUMNS))
    with pytest.raises(IngestError) as info:
        write_report(report, name, base_dir=tmp_path)
    msg = str(info.value)
    assert "output name" in msg and str(tmp_path) in msg
    assert not (tmp_path.parent / "escape.csv").exists()
    _OUTCOMES[("output_name_traversal", f"write_report {name!r}")] = "ok"


def test_output_symlink_escaping_folder_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "out"
    base.mkdir()
    (base / "report.csv").symlink_to(outside / "stolen.csv")
    with pytest.raises(UnsafePathError, match="outside"):
        confine(base, "report.csv")
    with pytest.raises(IngestError, match="report.csv"):
        write_report(pd.DataFrame(columns=list(REPORT_COLUMNS)), base / "report.csv")
    assert not (outside / "stolen.csv").exists()
    written = write_report(pd.DataFrame(columns=list(REPORT_COLUMNS)), "ok.csv", base_dir=base)
    assert written == (base / "ok.csv").resolve() and written.read_text().startswith("source,locator")
    _OUTCOMES[("output_symlink_escape", "write_report")] = "ok"


# --- summary -------------------------------------------------------------------------------------------


def test_summary(tmp_path: Path) -> None:
    """Cases tried, silent drops (must be 0), crashes without a clear message (must be 0)."""
    for k, (name, fmt) in enumerate(MATRIX):
        if (name, fmt) not in _OUTCOMES:
            sub = tmp_path / f"m{k}"
            sub.mkdir()
            _OUTCOMES[(name, fmt)] = _outcome(sub, CASE_IDS[name], fmt)
    for k, (name, fmt) in enumerate(ERROR_MATRIX):
        if (name, fmt) not in _OUTCOMES:
            sub = tmp_path / f"e{k}"
            sub.mkdir()
            _OUTCOMES[(name, fmt)] = _error_outcome(sub, name, fmt)
    outcomes = pd.Series(_OUTCOMES)
    kinds = outcomes.str.split(":").str[0]
    n_cases = len({name for name, _ in _OUTCOMES})
    table = pd.DataFrame(
        {
            "measure": ["distinct bad-input cases", "case x import-path runs", "as documented",
                        "silent drops", "crashes without a clear message", "other mismatches"],
            "count": [n_cases, len(outcomes), int((kinds == "ok").sum()), int((kinds == "silent_drop").sum()),
                      int((kinds == "unclear_crash").sum()), int((kinds == "mismatch").sum())],
        }
    )
    print("\n" + table.to_string(index=False))
    by_format = pd.Series([fmt.split()[0] for _, fmt in _OUTCOMES]).value_counts().sort_index()
    print(by_format.to_string())
    assert n_cases >= 40
    assert (kinds == "silent_drop").sum() == 0, outcomes[kinds == "silent_drop"].to_dict()
    assert (kinds == "unclear_crash").sum() == 0, outcomes[kinds == "unclear_crash"].to_dict()
