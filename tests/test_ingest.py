"""Import formats, dates, decoding, offsets and invariants of kazframe.ingest.

Expected values are worked out by hand from the inputs written in each test (the
fixtures are generated with tmp_path), never copied from the code's output.
"""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kazframe.corpus import CORPUS_COLUMNS
from kazframe.ingest import (
    EXTRA_COLUMNS,
    REPORT_COLUMNS,
    IngestError,
    _check_conservation,
    parse_news_date,
    read_corpus,
    summarize_report,
    write_report,
)
from kazframe.lexicon import load_lexicon
from kazframe.readers import REASONS, decode_bytes, detect_format, repair_mojibake
from kazframe.safety import confine
from kazframe.text import OffsetMap, fold

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RU = "Токаев заявил, что в Алматы была попытка государственного переворота."


@functools.lru_cache(maxsize=1)
def lexicon():
    return load_lexicon()


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, iso, precision, reason",
    [
        ("2022-01-05", "2022-01-05", "day", None),
        ("2022-01-05T23:30:00+06:00", "2022-01-05", "day", None),
        ("2022-01-05 10:00:00", "2022-01-05", "day", None),
        ("20220105", "2022-01-05", "day", None),
        ("2022/01/05", "2022-01-05", "day", None),
        ("2022-01", "2022-01", "month", None),
        ("January 5, 2022", "2022-01-05", "day", None),
        ("Jan. 5, 2022", "2022-01-05", "day", None),
        ("5 January 2022", "2022-01-05", "day", None),
        ("10 January 2022", "2022-01-10", "day", None),            # Factiva PD
        ("January 10, 2022 Monday", "2022-01-10", "day", None),    # Nexis Uni
        ("Monday, January 10, 2022 10:30 AM EST", "2022-01-10", "day", None),
        ("January 5th, 2022", "2022-01-05", "day", None),
        ("January 2022", "2022-01", "month", None),
        ("05.01.2022", "2022-01-05", "day", None),                 # dotted: day first
        ("5.1.2022", "2022-01-05", "day", None),
        ("13/01/2022", "2022-01-13", "day", None),                 # 13 cannot be a month
        ("01/13/2022", "2022-01-13", "day", None),
        ("05/05/2022", "2022-05-05", "day", None),                 # same either way
        ("03/04/2022", "", "unknown", "ambiguous_date"),
        ("03-04-2022", "", "unknown", "ambiguous_date"),
        ("5 января 2022", "2022-01-05", "day", "russian_date"),
        ("5 янв. 2022 г.", "2022-01-05", "day", "russian_date"),
        ("05 января 2022 года, 14:30", "2022-01-05", "day", "russian_date"),
        ("среда, 5 января 2022", "2022-01-05", "day", "russian_date"),
        ("2022 жылғы 5 қаңтар", "2022-01-05", "day", "russian_date"),
        ("", "", "unknown", "missing_date"),
        ("   ", "", "unknown", "missing_date"),
        ("2022-02-30", "", "unknown", "unparseable_date"),
        ("31.02.2022", "", "unknown", "unparseable_date"),
        ("sometime in January", "", "unknown", "unparseable_date"),
        ("January 5", "", "unknown", "unparseable_date"),          # no year: not guessed
        ("5 2022", "", "unknown", "unparseable_date"),
    ],
)
def test_parse_news_date(value: str, iso: str, precision: str, reason: str | None) -> None:
    parsed = parse_news_date(value)
    assert (parsed.iso, parsed.precision, parsed.reason) == (iso, precision, reason)


@pytest.mark.parametrize("dayfirst, iso", [(True, "2022-04-03"), (False, "2022-03-04")])
def test_dayfirst_resolves_ambiguous_dates(dayfirst: bool, iso: str) -> None:
    assert parse_news_date("03/04/2022", dayfirst=dayfirst).iso == iso
    # The dotted form is always day first, whatever dayfirst says.
    assert parse_news_date("03.04.2022", dayfirst=dayfirst).iso == "2022-04-03"


# --- decoding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, text, code",
    [
        (RU.encode("utf-8"), RU, None),
        (b"\xef\xbb\xbf" + RU.encode("utf-8"), RU, "bom_removed"),
        (RU.encode("utf-16"), RU, "encoding_utf16"),
        (RU.encode("utf-16-le"), RU, "encoding_utf16_guessed"),
        (RU.encode("cp1251"), RU, "encoding_cp1251"),
        (RU.encode("koi8_r"), RU, "encoding_koi8r"),
        ("Привет, мир".encode("cp1251"), "Привет, мир", "encoding_cp1251"),
        ("Привет, мир".encode("koi8_r"), "Привет, мир", "encoding_koi8r"),
        ("café in Almaty".encode("latin-1"), "café in Almaty", "decode_error"),
    ],
)
def test_decode_bytes(data: bytes, text: str, code: str | None) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert [i.code for i in decoded.issues] == ([code] if code else [])


def test_decode_details_name_the_byte_offset() -> None:
    # "abc" + the first byte of the two-byte "Т" (0xD0 0xA2): cut at byte 3.
    decoded = decode_bytes(b"abc" + "Т".encode()[:1])
    assert decoded.text == "abc" and decoded.issues[0].code == "truncated_utf8"
    assert decoded.issues[0].detail.startswith("byte 3:")
    # An invalid byte at offset 4 inside otherwise valid UTF-8 Cyrillic.
    decoded = decode_bytes("Ал".encode() + b"\xff" + "маты".encode())
    assert decoded.text == "Ал\ufffdматы" and decoded.issues[0].code == "decode_error"
    assert decoded.issues[0].detail.startswith("byte 4:")
    # cp1251: the first non-UTF-8 byte is the first Cyrillic letter, byte 0.
    assert decode_bytes("Алматы".encode("cp1251")).issues[0].detail.startswith("byte 0:")


def test_binary_and_stray_nul() -> None:
    assert decode_bytes(b"\x89PNG\r\n\x1a\n" + bytes(256)).text is None
    decoded = decode_bytes(b"Riots\x00 in Almaty")
    assert decoded.text == "Riots\ufffd in Almaty"
    assert decoded.issues[0].code == "control_chars_replaced" and "byte 5" in decoded.issues[0].detail


@pytest.mark.parametrize("text", [RU, "РСФСР и СССР", "Речь Президента РК", "Population: 19 млн, Р/С счёт"])
def test_mojibake_repair_leaves_real_russian_alone(text: str) -> None:
    assert repair_mojibake(text) == (text, None)


def test_mojibake_repair() -> None:
    fixed, issue = repair_mojibake(RU.encode("utf-8").decode("cp1251"))
    assert fixed == RU and issue.code == "mojibake_repaired" and issue.detail.startswith("char 0:")


def test_every_reason_has_a_status() -> None:
    assert {status for status, _ in REASONS.values()} == {"accepted", "normalised", "flagged", "rejected"}


# --- formats -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, head, fmt",
    [
        ("a.csv", b"text\n", "csv"),
        ("a.tsv", b"text\n", "tsv"),
        ("a.jsonl", b"{}", "jsonl"),
        ("a.parquet", b"PAR1", "parquet"),
        ("a.htm", b"<p>", "html"),
        ("a.txt", b"Hello\n", "txt"),
        ("a.txt", b"<!DOCTYPE html><html>", "html"),
        ("a.txt", b"Title\nBody\nEnd of Document\n", "nexis"),
        ("a.txt", b"HD\nTitle\nLP\nBody\nAN\nDocument ABC0000020220110\n", "factiva"),
        ("a.txt", "Title\nEnd of Document\n".encode("utf-16"), "nexis"),
        ("export", b"Title\nEnd of Document\n", "nexis"),
        ("a.rtf", b"{\\rtf1", None),
        ("a.pdf", b"%PDF-1.4", None),
    ],
)
def test_detect_format(name: str, head: bytes, fmt: str | None) -> None:
    assert detect_format(Path(name), head) == fmt


NEXIS = """Document 1 of 1

Kazakhstan's Tokayev Says Unrest Was 'Attempted Coup'

The Moscow Times
January 10, 2022 Monday

Copyright 2022 The Moscow Times All Rights Reserved

Section: NEWS
Length: 23 words
Byline: Staff

Body

President Tokayev on Monday called the unrest an attempted coup d'etat.

He thanked the CSTO.

Classification

Language: RUSSIAN

Load-Date: January 11, 2022

End of Document
"""


def test_nexis_fields_body_and_offsets(tmp_path: Path) -> None:
    (tmp_path / "export.txt").write_text(NEXIS, encoding="utf-8")
    corpus, report = read_corpus(tmp_path / "export.txt", keep_raw=True)
    row = corpus.iloc[0]
    assert row["title"] == "Kazakhstan's Tokayev Says Unrest Was 'Attempted Coup'"
    assert row["text"] == "President Tokayev on Monday called the unrest an attempted coup d'etat.\n\nHe thanked the CSTO."
    assert (row["date"], row["date_source"], row["language"]) == ("2022-01-10", "metadata", "ru")
    assert (row["outlet"], row["locator"]) == ("The Moscow Times", "export.txt:document 1 (line 1)")
    # The raw text of the record is the document block; "He thanked" is its line 18.
    start = row["text"].index("He thanked")
    raw_start = OffsetMap.from_list(row["text_offsets"]).to_raw(start)
    assert row["raw_text"].count("\n", 0, raw_start) + 1 == 18
    assert row["raw_text"][raw_start:raw_start + 20] == "He thanked the CSTO."
    assert "Byline" not in row["text"] and "Load-Date" not in row["text"]


FACTIVA = """HD
Kazakh president says order restored
BY
Tamara Vaal
WC
120 words
PD
10 January 2022
SN
Reuters News
SC
LBA
LA
English
CY
(c) 2022 Reuters
LP
ALMATY, Jan 10 (Reuters) - Kazakhstan's president said order had been restored.

He called the unrest a coup attempt.
TD
Foreign troops will leave soon.
CO
csto : Collective Security Treaty Organization
AN
Document LBA0000020220110ei1a00abc

"""


def test_factiva_fields_and_body(tmp_path: Path) -> None:
    (tmp_path / "factiva.txt").write_text(FACTIVA, encoding="utf-8")
    corpus, report = read_corpus(tmp_path / "factiva.txt")
    row = corpus.iloc[0]
    assert row["article_id"] == "LBA0000020220110ei1a00abc"
    assert row["title"] == "Kazakh president says order restored"
    assert row["text"] == ("ALMATY, Jan 10 (Reuters) - Kazakhstan's president said order had been restored."
                           "\n\nHe called the unrest a coup attempt.\n\nForeign troops will leave soon.")
    assert (row["outlet"], row["bloc"], row["date"], row["language"]) == ("Reuters", "western", "2022-01-10", "en")
    assert report["status"].tolist() == ["accepted"]


def test_mediacloud_preset_and_column_override(tmp_path: Path) -> None:
    path = tmp_path / "mc.csv"
    pd.DataFrame({
        "stories_id": [101, 102],
        "media_name": ["tass.ru", "Reuters"],
        "publish_date": ["2022-01-05 10:00:00", "2022-01-06 08:00:00"],
        "title": ["Riots in Almaty", "Troops arrive"],
        "url": ["https://tass.ru/x", "https://www.reuters.com/y"],
        "language": ["ru", "en"],
        "story_body": ["Беспорядки в Алматы.", "Troops arrived in Almaty."],
    }).to_csv(path, index=False)
    with pytest.raises(IngestError, match=r"mc\.csv: header \(line 1\): no text column"):
        read_corpus(path, preset="mediacloud")
    corpus, report = read_corpus(path, preset="mediacloud", columns={"text": "story_body"})
    assert corpus["article_id"].tolist() == ["101", "102"]
    assert corpus[["outlet", "bloc"]].values.tolist() == [["TASS", "russian"], ["Reuters", "western"]]
    assert corpus["date"].tolist() == ["2022-01-05", "2022-01-06"]
    assert corpus["url"].tolist() == ["https://tass.ru/x", "https://www.reuters.com/y"]
    assert set(report["status"]) == {"accepted"}


def test_outlet_falls_back_to_url(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"text": "Riots.", "outlet": "Some Desk", "url": "https://tass.ru/politika/1",
                                "date": "2022-01-05", "language": "en"}) + "\n", encoding="utf-8")
    corpus, _ = read_corpus(path)
    assert (corpus["outlet"].iloc[0], corpus["bloc"].iloc[0]) == ("TASS", "russian")


def test_txt_title_is_first_line_without_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\n  Riots in Almaty  \n\nFirst paragraph.\nSecond paragraph.\n", encoding="utf-8")
    corpus, report = read_corpus(tmp_path / "a.txt", keep_raw=True)
    row = corpus.iloc[0]
    assert (row["title"], row["text"]) == ("Riots in Almaty", "First paragraph.\n\nSecond paragraph.")
    assert row["title_offsets"] == [[0, 3]] and row["text_offsets"][0] == [0, 22]
    assert set(report["reason"].iloc[0].split(";")) == {"missing_date", "unknown_outlet", "language_guessed"}


def test_result_columns_and_report_schema(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\nBody.", encoding="utf-8")
    corpus, report = read_corpus(tmp_path, keep_raw=True)
    assert list(corpus.columns) == [*CORPUS_COLUMNS, *EXTRA_COLUMNS, "raw_text", "raw_title"]
    assert list(report.columns) == list(REPORT_COLUMNS)
    assert str(corpus["date_start"].dtype).startswith("datetime64")
    corpus2, _ = read_corpus(tmp_path, keep_raw=False)
    assert "raw_text" not in corpus2.columns


def test_write_report_and_summary(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("article_id,outlet,date,language,text\nrow00001,TASS,2022-01-05,en,Riots.\n"
                    "row00002,TASS,03/04/2022,en,Protests.\nrow00003,TASS,2022-01-05,en,\n", encoding="utf-8")
    corpus, report = read_corpus(path)
    out = write_report(report, tmp_path / "report.csv")
    again = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert again.columns.tolist() == list(REPORT_COLUMNS)
    assert again["status"].tolist() == ["accepted", "flagged", "rejected"]
    summary = summarize_report(report).set_index(["status", "reason"])["n_records"].to_dict()
    assert summary == {("accepted", "ok"): 1, ("flagged", "ambiguous_date"): 1, ("rejected", "empty_text"): 1}


def test_conservation_violation_is_a_bug(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("text\nRiots.\nProtests.\n", encoding="utf-8")
    corpus, report = read_corpus(path)
    _check_conservation(corpus, report)
    with pytest.raises(AssertionError, match="ingest bug"):
        _check_conservation(corpus.iloc[:1], report)
    with pytest.raises(AssertionError, match="ingest bug"):
        _check_conservation(pd.concat([corpus, corpus.iloc[:1]]), report.assign(status="flagged"))


def test_read_corpus_does_not_touch_its_input(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes("text\r\nRiots in \u0410lmaty.\r\n".encode("cp1251"))
    before = path.read_bytes()
    read_corpus(path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


def test_confine_accepts_plain_names(tmp_path: Path) -> None:
    assert confine(tmp_path, "report.csv") == (tmp_path / "report.csv").resolve()
    assert confine(tmp_path, "with space.csv").name == "with space.csv"
    assert confine(tmp_path / "not-yet", "a.csv").parent == (tmp_path / "not-yet").resolve()


# --- the seed corpus and the gold offsets ----------------------------------------------------------------


def test_seed_files_offsets_match_gold_occurrences() -> None:
    """Gold term occurrences (raw-file offsets) are found at the mapped article positions."""
    gold_dir = SHARED / "gold"
    if not gold_dir.exists():
        pytest.skip(f"{gold_dir} not available (../shared is optional)")
    corpus, report = read_corpus(ROOT / "data" / "raw", format="txt", keep_raw=True)
    assert len(corpus) == 5 and set(report["status"]) <= {"flagged", "accepted", "normalised"}
    gold = pd.concat([pd.read_csv(f, keep_default_na=False) for f in sorted(gold_dir.glob("voice_*.csv"))])
    checked = 0
    for row in corpus.itertuples():
        omap = OffsetMap.from_list(row.text_offsets)
        raw_to_text = {omap.to_raw(i): i for i in range(len(row.text))}
        for g in gold.loc[gold["seed"] == row.source_file].itertuples():
            if g.start not in raw_to_text:
                continue  # on the title line
            i = raw_to_text[g.start]
            assert fold(row.text[i:i + len(g.text)]) == fold(g.text), (row.source_file, g.start, g.text)
            checked += 1
    assert checked >= 100


# --- properties ------------------------------------------------------------------------------------------

_WORDS = ["protesters", "riots", "coup", "terrorists", "in", "Almaty", "the", "police", "Токаев", "переворот",
          "anti-terrorist", "operation", "said", "unrest"]
_sentences = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map(" ".join)
_texts = st.lists(_sentences, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_texts, min_size=1, max_size=8), dates=st.data())
def test_csv_ingest_is_invariant_to_row_order(tmp_path_factory, texts: list[str], dates) -> None:
    n = len(texts)
    day = dates.draw(st.lists(st.integers(1, 28), min_size=n, max_size=n))
    rows = pd.DataFrame({
        "article_id": [f"id{k:04d}" for k in range(n)],
        "outlet": ["TASS"] * n,
        "date": [f"2022-01-{d:02d}" for d in day],
        "language": ["en"] * n,
        "text": texts,
    })
    order = dates.draw(st.permutations(range(n)))
    tmp = tmp_path_factory.mktemp("order")
    rows.to_csv(tmp / "a.csv", index=False)
    rows.iloc[list(order)].to_csv(tmp / "b.csv", index=False)
    results = []
    for name in ("a.csv", "b.csv"):
        corpus, report = read_corpus(tmp / name)
        corpus = corpus.drop(columns=["locator", "source_file"]).sort_values("article_id").reset_index(drop=True)
        report = report.drop(columns=["locator", "source"]).sort_values("article_id").reset_index(drop=True)
        results.append((corpus, report))
    pd.testing.assert_frame_equal(results[0][0], results[1][0])
    pd.testing.assert_frame_equal(results[0][1], results[1][1])


def _variant(text: str, data) -> str:
    """The same text with normalisation-only differences drawn by hypothesis."""
    out = []
    for ch in text:
        if ch == " ":
            out.append(data.draw(st.sampled_from([" ", "\u00a0", "\u2009", " \u200b"])))
        elif ch == "\n":
            out.append(data.draw(st.sampled_from(["\n", "\r\n", "\r"])))
        elif ch.isalpha():
            out.append(ch + data.draw(st.sampled_from(["", "", "", "\u00ad", "\u200b", "\u200d", "\u2060"])))
        else:
            out.append(ch)
    bom = data.draw(st.sampled_from(["", "\ufeff"]))
    return bom + "".join(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_texts, data=st.data(), fmt=st.sampled_from(["txt", "csv", "jsonl"]))
def test_normalisation_only_differences_give_the_same_matches(tmp_path_factory, text, data, fmt) -> None:
    variant = _variant(text, data)
    tmp = tmp_path_factory.mktemp("norm")
    matches = []
    for name, body in (("clean", text), ("variant", variant)):
        if fmt == "txt":
            (tmp / f"{name}.txt").write_text("Title\n" + body, encoding="utf-8", newline="")
        elif fmt == "csv":
            pd.DataFrame({"title": ["Title"], "text": [body]}).to_csv(tmp / f"{name}.csv", index=False,
                                                                     quoting=csv.QUOTE_ALL)
        else:
            (tmp / f"{name}.jsonl").write_text(json.dumps({"title": "Title", "text": body}) + "\n", encoding="utf-8")
        corpus, _ = read_corpus(tmp / f"{name}.{fmt}", keep_raw=True)
        row = corpus.iloc[0]
        omap = OffsetMap.from_list(row["text_offsets"])
        found = []
        for start, end, entry in lexicon().find(fold(row["text"])):
            a, b = omap.span_to_raw(start, end)
            raw = row["raw_text"][a:b]
            # The raw span, without invisible characters and with spaces unified, is the match.
            cleaned = "".join(c for c in raw if c not in "\u00ad\u200b\u200d\u2060\ufeff\r")
            assert " ".join(cleaned.split()) == " ".join(row["text"][start:end].split())
            found.append((start, end, entry))
        matches.append((row["text"], found))
    assert matches[0] == matches[1]


_RAW_CHARS = st.sampled_from(list("ab cXY.,\n\r\t") + ["\u00a0", "\u00ad", "\u200b", "\ufeff", "Ж", "\u0410", "\u2019"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(_RAW_CHARS, min_size=1, max_size=60), fmt=st.sampled_from(["txt", "csv", "jsonl", "parquet"]))
def test_offset_maps_point_into_the_raw_record(tmp_path_factory, raw: str, fmt: str) -> None:
    tmp = tmp_path_factory.mktemp("off")
    path = tmp / f"r.{fmt}"
    if fmt == "txt":
        path.write_text(raw, encoding="utf-8", newline="")
    elif fmt == "csv":
        # Quote every field: a lone CR in an unquoted field ends the row for any CSV reader.
        pd.DataFrame({"title": ["T\u00adi"], "text": [raw]}).to_csv(path, index=False, quoting=csv.QUOTE_ALL)
    elif fmt == "jsonl":
        path.write_text(json.dumps({"title": "T\u00adi", "text": raw}) + "\n", encoding="utf-8")
    else:
        pd.DataFrame({"title": ["T\u00adi"], "text": [raw]}).to_parquet(path)
    corpus, report = read_corpus(path, keep_raw=True)
    assert len(report) == 1
    if report["status"].iloc[0] == "rejected":
        assert len(corpus) == 0
        return
    row = corpus.iloc[0]
    for field, raw_col in (("text", "raw_text"), ("title", "raw_title")):
        omap = OffsetMap.from_list(row[f"{field}_offsets"])
        derived = row[field]
        for i, ch in enumerate(derived):
            if field == "text" and derived[i:i + 2] == "\n\n" or derived[max(i - 1, 0):i + 1] == "\n\n":
                continue  # paragraph separators are not in the raw text
            source = row[raw_col][omap.to_raw(i)]
            assert source == ch or (ch == " " and source in "\u00a0\t") or (ch == "\n" and source == "\r"), (field, i, ch, source)
