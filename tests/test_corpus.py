"""The seed corpus loads as the gold article table, with offsets back to the raw pages."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
import yaml
from conftest import ROOT, gold_article_table, shared_path

from kazframe.corpus import (
    CORPUS_COLUMNS,
    CorpusError,
    count_by_outlet,
    load_corpus,
    load_manifest,
    parse_date,
    raw_offsets,
    read_raw,
)
from kazframe.registry import resolve_outlet

SEEDS = sorted(p.name for p in (ROOT / "data" / "raw").glob("*.txt"))


def _outlet_core(name: str) -> str:
    return name.split(" (")[0].split(",")[0].strip()


def test_raw_files_are_byte_identical_to_the_shared_seeds():
    for name in SEEDS:
        assert (ROOT / "data" / "raw" / name).read_bytes() == shared_path("seeds", name).read_bytes()
    assert len(SEEDS) == 5


def test_manifest_checksums_match_the_raw_bytes():
    man = load_manifest()
    for src, digest in man.groupby("source_file")["sha256"].first().items():
        assert hashlib.sha256((ROOT / "data" / "raw" / src).read_bytes()).hexdigest() == digest


def test_corpus_has_the_public_columns_and_seven_articles(corpus):
    assert list(corpus.columns[: len(CORPUS_COLUMNS)]) == list(CORPUS_COLUMNS)
    assert list(corpus["article_id"]) == ["A1", "A2", "A3", "B1", "C1", "D1", "E1"]
    assert corpus["article_id"].is_unique
    assert set(corpus["bloc"]) <= {"kz_state", "russian", "western", "other", "unknown"}


def test_corpus_matches_the_gold_article_table(corpus):
    gold = gold_article_table().set_index("article_id")
    got = corpus.set_index("article_id")
    assert sorted(gold.index) == sorted(got.index)
    for aid, g in gold.iterrows():
        assert got.at[aid, "source_file"] == g["source_file"], aid
        assert got.at[aid, "bloc"] == g["bloc"], aid
        assert got.at[aid, "date"] == g["date"], aid
        assert _outlet_core(got.at[aid, "outlet"]) == _outlet_core(g["outlet"]), aid


def test_titles_are_the_gold_headline_lines(corpus):
    gold = gold_article_table().set_index("article_id")
    for row in corpus.itertuples():
        raw_lines = read_raw(row.source_file).split("\n")
        assert row.title == raw_lines[gold.at[row.article_id, "title_line"] - 1].strip()


def test_every_character_maps_back_to_the_raw_file(corpus):
    for article in corpus.to_dict("records"):
        raw = read_raw(article["source_file"])
        for field in ("title", "text"):
            s = article[field]
            for i in range(0, len(s)):
                if s[i] == "\n":  # paragraph separators are not in the raw text
                    continue
                a, b = raw_offsets(article, i, i + 1, field=field)
                ch = raw[a:b]
                assert ch == s[i] or (s[i] == " " and ch.isspace()), (article["article_id"], field, i)


def test_whole_paragraphs_map_back_verbatim(corpus):
    for article in corpus.to_dict("records"):
        raw = read_raw(article["source_file"])
        pos = 0
        for para in article["text"].split("\n\n"):
            a, b = raw_offsets(article, pos, pos + len(para))
            assert raw[a:b].replace("\u00a0", " ") == para
            pos += len(para) + 2


def test_captions_and_furniture_never_reach_the_text(corpus):
    text = " ".join(corpus["title"]) + " ".join(corpus["text"])
    for furniture in ["Photo credit", "REUTERS/Evgenia", "Share the link", "Fair Use Notice",
                      "keep reading", "Translation by", "The meeting of the operational headquarters"]:
        assert furniture not in text


@pytest.mark.parametrize(
    "date, precision, first, last",
    [
        ("2022-01-09", "day", "2022-01-09", "2022-01-09"),
        ("2022-01", "month", "2022-01-01", "2022-01-31"),
        ("2022-01-10/11", "interval", "2022-01-10", "2022-01-11"),
        ("2022-01-31/02-01", "interval", "2022-01-31", "2022-02-01"),
    ],
)
def test_parse_date(date, precision, first, last):
    assert parse_date(date) == (precision, pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("bad", ["9 January 2022", "2022-13", "2022-01-11/10", ""])
def test_parse_date_rejects(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_manifest_blocs_agree_with_the_outlet_registry():
    for row in load_manifest().itertuples():
        outlet, bloc = resolve_outlet(row.outlet)
        assert bloc in (row.bloc, "unknown"), (row.outlet, bloc, row.bloc)


def test_counts_per_outlet_add_up(corpus):
    counts = count_by_outlet(corpus)
    assert counts["n_articles"].sum() == len(corpus)
    assert counts["n_words"].sum() == corpus["n_words"].sum()
    assert list(counts.columns) == ["bloc", "outlet", "n_articles", "n_words"]


def _copy_project(tmp_path):
    raw_dir = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw_dir)
    manifest = yaml.safe_load((ROOT / "data" / "manifest.yaml").read_text())
    return raw_dir, manifest


def test_a_changed_raw_file_is_an_error_naming_it(tmp_path):
    raw_dir, manifest = _copy_project(tmp_path)
    victim = raw_dir / SEEDS[2]
    victim.write_bytes(victim.read_bytes() + b" ")
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump(manifest))
    with pytest.raises(CorpusError, match=f"{SEEDS[2]}.*sha256"):
        load_corpus(manifest=path, raw_dir=raw_dir)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda m: m["sources"][0]["articles"][0].update(bloc="pro-kremlin"), "bloc 'pro-kremlin'"),
        (lambda m: m["sources"][0]["articles"][1].update(article_id="A1"), "duplicate article_id 'A1'"),
        (lambda m: m["sources"][0]["articles"][0].update(date="9 Jan 2022"), "9 Jan 2022"),
        (lambda m: m["sources"][0]["articles"][0].update(colour="red"), "unknown key"),
        (lambda m: m["sources"][1].pop("sha256"), "missing 'sha256'"),
        (lambda m: m["sources"][0]["articles"][0].update(body_lines="88-50"), "body_lines"),
    ],
)
def test_manifest_errors_name_file_entry_and_reason(tmp_path, mutate, message):
    _, manifest = _copy_project(tmp_path)
    mutate(manifest)
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump(manifest))
    with pytest.raises(CorpusError) as err:
        load_manifest(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_manifest_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "manifest.yaml"
    path.write_text("version: 1\nsources:\n  - source_file: [unclosed\n")
    with pytest.raises(CorpusError, match="line"):
        load_manifest(path)
