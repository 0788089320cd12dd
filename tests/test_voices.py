"""Quotes and who speaks: the quotes table, checked against the quoted rows of the hand coding."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, gold_voice

from kazframe.corpus import read_raw
from kazframe.label import label
from kazframe.voices import (
    QUOTE_COLUMNS,
    count_voice_shares,
    load_key_labels,
    quotes,
    speaker_framing,
    speaker_shares,
)


@pytest.fixture(scope="module")
def quote_table(corpus):
    return quotes(corpus)


@pytest.fixture(scope="module")
def matches(corpus):
    return label(corpus)


def test_quotes_table_has_the_stable_columns_and_points_into_raw(quote_table):
    assert list(quote_table.columns[: len(QUOTE_COLUMNS)]) == list(QUOTE_COLUMNS)
    assert set(quote_table["kind"]) == {"quoted", "reported"}
    for src, group in quote_table.groupby("source_file"):
        raw = read_raw(src)
        for q in group.itertuples():
            assert raw[q.start : q.end] == q.text


def _holding(table, seed, start, end):
    return table[(table["source_file"] == seed) & (table["start"] <= start) & (table["end"] >= end)]


def _codings():
    frames = [gold_voice()]
    frames += [pd.read_csv(p, keep_default_na=False) for p in sorted((ROOT / "data" / "validation").glob("heldout_*.csv"))]
    return pd.concat(frames, ignore_index=True)


def test_every_hand_coded_quoted_word_is_inside_a_quote_with_its_speaker_group(quote_table):
    coded = _codings()
    quoted = coded[(coded["voice"] == "quoted") & coded["region"].isin(["body", "title"])]
    quoted_spans = quote_table[quote_table["kind"] == "quoted"]
    missing, wrong_group = [], []
    for row in quoted.itertuples():
        inside = _holding(quoted_spans, row.seed, row.start, row.end)
        if inside.empty:
            missing.append((row.seed, row.line, row.text))
        elif row.speaker_group not in set(inside["speaker_group"]) | ({"unknown"} if row.speaker_group == "" else set()):
            wrong_group.append((row.seed, row.line, row.text, row.speaker_group, list(inside["speaker_group"])))
    print(f"\nquoted rows: {len(quoted)}, outside any quote: {len(missing)}, other group: {len(wrong_group)}")
    for w in wrong_group:
        print("  group differs:", w)
    assert not missing
    # The independent held-out coding attributes one unattributed sub-heading to Tokayev (see its note).
    assert len(wrong_group) <= 1


def test_reported_words_are_inside_a_reported_statement(quote_table):
    coded = _codings()
    reported = coded[(coded["voice"] == "reported") & coded["region"].isin(["body", "title"])]
    spans = quote_table[quote_table["kind"] == "reported"]
    inside = sum(not _holding(spans, r.seed, r.start, r.end).empty for r in reported.itertuples())
    print(f"\nreported rows inside a reported statement: {inside}/{len(reported)}")
    assert inside / len(reported) >= 0.95


def test_russian_voices_are_visible_without_a_russian_outlet(quote_table):
    # The seed corpus has no Russian outlet, yet Putin, Zakharova and the Russian Foreign Ministry speak.
    ru = quote_table[quote_table["speaker_group"] == "ru_gov"]
    assert {"Putin", "Zakharova"} <= set(ru["speaker"])


def test_voice_shares_add_up_per_family_and_bloc(matches, corpus):
    shares = count_voice_shares(matches, corpus)
    assert list(shares.columns[:6]) == ["family", "bloc", "voice", "n", "n_total", "share"]
    assert ((shares["share_low"] <= shares["share"] + 1e-12) & (shares["share"] <= shares["share_high"] + 1e-12)).all()
    other = shares[shares["bloc"] == "other"]  # one article: the bootstrap cannot vary anything
    assert (other["share_low"] == other["share"]).all() and (other["share_high"] == other["share"]).all()
    sums = shares.groupby(["family", "bloc"])["share"].sum()
    assert ((sums - 1).abs() < 1e-12).all()
    families = load_key_labels()
    for family, entries in families.items():
        expected = matches["concept"].isin(entries).sum()
        assert shares.loc[shares["family"] == family, "n"].sum() == expected


def test_voice_shares_hand_counted_example(corpus):
    matches = pd.DataFrame(
        {"article_id": ["A1", "A1", "A2", "A2", "A3"], "concept": ["terrorist"] * 4 + ["coup"],
         "voice": ["own", "quoted", "quoted", "reported", "quoted"]}
    )
    shares = count_voice_shares(matches, corpus, families={"terror": ["terrorist"], "coup": ["coup"]})
    t = shares.set_index(["family", "bloc", "voice"])
    # A1 (kz_state): own 1, quoted 1 -> 1/2 each, reported 0
    assert t.loc[("terror", "kz_state", "own"), "share"] == 0.5
    assert t.loc[("terror", "kz_state", "quoted"), "share"] == 0.5
    assert t.loc[("terror", "kz_state", "reported"), "n"] == 0
    # A2 (western): quoted 1, reported 1; A3 (western) has coup only
    assert t.loc[("terror", "western", "reported"), "share"] == 0.5
    assert t.loc[("coup", "western", "quoted"), ["n", "n_total", "share"]].tolist() == [1, 1, 1.0]
    assert ("coup", "kz_state", "own") not in t.index  # blocs that never use a family get no bar


def test_speaker_shares_sum_to_one_per_bloc_and_kind(quote_table, corpus):
    shares = speaker_shares(quote_table, corpus)
    sums = shares.groupby(["bloc", "kind"])["share_words"].sum()
    assert ((sums - 1).abs() < 1e-12).all()


def test_speaker_framing_counts_matches_inside_statements(quote_table, matches):
    table = speaker_framing(quote_table, matches, kind="quoted")
    assert (table["n_mentions"] > 0).all()
    quoted_matches = matches[matches["voice"] == "quoted"]
    assert table["n_mentions"].sum() <= len(quoted_matches)
    kz = table[table["speaker_group"] == "kz_gov"].set_index("category")
    assert kz.loc["terror_label", "n_mentions"] >= 5


def test_speaker_shares_have_bootstrap_intervals_over_articles(quote_table, corpus):
    shares = speaker_shares(quote_table, corpus, n_boot=300)
    assert ((shares["share_low"] <= shares["share_words"] + 1e-12)
            & (shares["share_words"] <= shares["share_high"] + 1e-12)).all()
    other = shares[shares["bloc"] == "other"]  # one article: no variation to resample
    assert (other["share_low"] == other["share_words"]).all() and (other["share_high"] == other["share_words"]).all()
    assert (shares.groupby("bloc")["n_articles"].first() == corpus.groupby("bloc").size()).all()
