"""Tests for kazframe.timeline: date expressions, sentence event dates, label timelines.

Expected dates are worked out by hand with a calendar (2022-01-10 was a Monday).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kazframe.corpus import read_raw
from kazframe.timeline import (
    EVENT_DATE_COLUMNS,
    event_dates,
    first_use,
    label_timeline,
    resolve_dates,
    sentence_date,
)

DAY = {"date_start": "2022-01-10", "date_end": "2022-01-10"}  # a Monday
MONTH = {"date_start": "2022-01-01", "date_end": "2022-01-31"}
INTERVAL = {"date_start": "2022-01-10", "date_end": "2022-01-11"}


def date_of(sentence: str, previous: str | None = None, **article) -> tuple[str, str, str]:
    return sentence_date(resolve_dates(sentence, previous=previous, **(article or DAY)))


@pytest.mark.parametrize(
    "sentence, date, rule",
    [
        ("On January 5 crowds gathered.", "2022-01-05", "month_day"),
        ("As of Jan. 9, 1,300 were injured.", "2022-01-09", "month_day"),
        ("NUR-SULTAN, Jan 10 (Reuters) - Putin spoke.", "2022-01-10", "month_day"),
        ("Clashes resumed on 05 January 2022.", "2022-01-05", "day_month"),
        ("CLASHES ON 9 JANUARY 2022.", "2022-01-09", "day_month"),
        ("They were killed on 7 January.", "2022-01-07", "day_month"),
        ("Protests raged January 3-5.", "2022-01-03", "month_day_range"),
        ("It was published on 2022-01-06.", "2022-01-06", "iso"),
        ("Putin claimed victory on Monday.", "2022-01-10", "weekday"),
        ("It was fulfilled on Tuesday evening.", "2022-01-04", "weekday"),
        ("Shops closed last Wednesday.", "2022-01-05", "last_weekday"),
        ("They met last Monday.", "2022-01-03", "last_weekday"),
        ("It resumes today.", "2022-01-10", "today"),
        ("It happened yesterday.", "2022-01-09", "yesterday"),
        ("Monday, January 10, was declared a day of mourning.", "2022-01-10", "month_day"),
    ],
)
def test_resolves(sentence, date, rule):
    got_date, _, got_rule = date_of(sentence)
    assert (got_date, got_rule) == (date, rule)


def test_expression_is_the_text_that_resolved_it():
    assert date_of("Earlier on 05 January 2022, Tokayev spoke.")[1] == "05 January 2022"
    assert date_of("Tokayev gave orders on 7 January.")[1] == "7 January"


@pytest.mark.parametrize(
    "sentence",
    ["in its 30 years of independence", "It crushed demonstrations in 2020.", "Article 107 applies.",
     "No date here at all."],
)
def test_no_expression_no_date(sentence):
    assert date_of(sentence) == ("", "", "")


@pytest.mark.parametrize(
    "sentence, article, rule",
    [
        ("Putin spoke on Monday.", MONTH, "weekday_imprecise_date"),
        ("Putin spoke on Monday.", INTERVAL, "weekday_imprecise_date"),
        ("The ministry noted today that ...", MONTH, "relative_imprecise_date"),
        ("Violence erupted last week.", DAY, "vague"),
        ("Dead since unrest broke out on January 5.", DAY, "boundary"),
        ("The emergency lasts until January 19.", DAY, "boundary"),
    ],
)
def test_stays_unresolved_but_keeps_expression(sentence, article, rule):
    date, expression, got_rule = date_of(sentence, **article)
    assert date == "" and expression != "" and got_rule == rule


def test_next_day_needs_a_previous_date():
    assert date_of("The next day, troops arrived.", previous="2022-01-05")[::2] == ("2022-01-06", "next_day")
    assert date_of("The following day, troops arrived.", previous="2022-01-05")[0] == "2022-01-06"
    assert date_of("The next day, troops arrived.") == ("", "The next day", "next_day_no_antecedent")


def test_written_date_beats_next_day():
    assert date_of("The next day, on January 6, a group met.", previous="2022-01-02")[:2] == (
        "2022-01-06", "January 6")


def test_year_defaults_to_the_article_year_or_the_year_before():
    assert date_of("It began on December 30.", date_start="2022-01-03", date_end="2022-01-03")[0] == "2021-12-30"
    assert date_of("It began on January 2.", date_start="2022-03-21", date_end="2022-03-21")[0] == "2022-01-02"


def test_friday_prayers_is_no_date():
    assert date_of("Mosques will not hold Friday prayers.") == ("", "", "")


# --- the seed corpus -------------------------------------------------------------------


@pytest.fixture(scope="module")
def dates(corpus):
    return event_dates(corpus)


def _row(dates, article_id, raw_snippet):
    rows = dates[dates["article_id"] == article_id]
    src = rows["source_file"].iloc[0]
    raw = read_raw(src)
    hits = [r for r in rows.itertuples() if raw_snippet in raw[r.start:r.end]]
    assert len(hits) == 1, raw_snippet
    return hits[0]


@pytest.mark.parametrize(
    "article_id, snippet, date",
    [
        ("A3", "NUR-SULTAN, Jan 10 (Reuters)", "2022-01-10"),
        ("A3", "Almaty returned to near-normal on Monday", "2022-01-10"),
        ("C1", "On January 2, peaceful protests erupted", "2022-01-02"),
        ("C1", "The next day, on January 6", "2022-01-06"),
        ("A1", "The protests broke out on Jan. 3", "2022-01-03"),
        ("D1", "declared Monday, January 10, a day of mourning", "2022-01-10"),
        ("A2", "The protests started on 2 January", "2022-01-02"),
        ("B1", "Interior Ministry said 09 January 2022", "2022-01-09"),
        # C1 is dated to a month only: its "today" cannot be resolved.
        ("C1", "today I turned to the heads of the CSTO", ""),
        # D1 is dated 2022-01-10/11: "since Wednesday" bounds, and a weekday cannot resolve.
        ("D1", "for the first time since Wednesday", ""),
    ],
)
def test_seed_sentences(dates, article_id, snippet, date):
    assert _row(dates, article_id, snippet).event_date == date


def test_event_dates_table(corpus, dates):
    assert list(dates.columns[:6]) == list(EVENT_DATE_COLUMNS)
    assert {"field", "expression", "rule"} <= set(dates.columns)
    # One row per sentence, numbered from 0 per article with the title first.
    for _, rows in dates.groupby("article_id"):
        assert list(rows["sentence_id"]) == list(range(len(rows)))
        assert rows["field"].iloc[0] == "title"
    # Offsets point at the sentence in the raw file.
    raws = {f: read_raw(f) for f in corpus["source_file"].unique()}
    first = dates[dates["article_id"] == "C1"].iloc[0]
    assert raws[first["source_file"]][first["start"]:first["end"]].startswith("From protests to terrorist")
    # Unresolved sentences stay in the table.
    assert (dates["event_date"] == "").sum() > 0


def test_event_dates_does_not_mutate_corpus(corpus):
    before = corpus.copy()
    event_dates(corpus.head(2))
    pd.testing.assert_frame_equal(corpus, before)


# --- label timelines ---------------------------------------------------------------------


@pytest.fixture()
def toy():
    corpus = pd.DataFrame({
        "article_id": ["X", "Y", "Z"],
        "bloc": ["western", "kz_state", "western"],
        "date": ["2022-01-06", "2022-01-05", "2022-01"],
        "date_start": pd.to_datetime(["2022-01-06", "2022-01-05", "2022-01-01"]),
        "date_end": pd.to_datetime(["2022-01-06", "2022-01-05", "2022-01-31"]),
    })
    dates = pd.DataFrame({
        "article_id": ["X", "X", "X", "Y", "Z"],
        "sentence_id": [0, 1, 2, 0, 0],
        "event_date": ["2022-01-05", "", "2022-01-20", "2022-01-05", "2022-01-05"],
    })
    matches = pd.DataFrame({
        "article_id": ["X", "X", "X", "X", "Y", "Z"],
        "sentence_id": [0, 0, 1, 2, 0, 0],
        "category": ["protest", "riot", "terror", "terror", "terror", "protest"],
    })
    return dates, matches, corpus


def test_label_timeline(toy):
    table = label_timeline(*toy)
    expected = pd.DataFrame({
        "event_date": ["2022-01-05"] * 3,
        "bloc": ["kz_state", "western", "western"],
        "category": ["terror", "protest", "riot"],
        "n": [1, 2, 1],
    })
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_first_use(toy):
    table = first_use(*toy)
    got = {(r.category, r.event_date, r.bloc): (r.first_article_id, r.first_date) for r in table.itertuples()}
    # Z (dated "2022-01", start Jan 1) sorts before X for the western bloc.
    assert got[("protest", "2022-01-05", "western")] == ("Z", "2022-01")
    assert got[("terror", "2022-01-05", "kz_state")] == ("Y", "2022-01-05")
    assert got[("terror", "2022-01-20", "western")] == ("X", "2022-01-06")
    assert list(table.columns) == ["category", "event_date", "bloc", "first_article_id", "first_date",
                                   "rank_in_day", "order_certain"]
    flags = {(r.category, r.event_date, r.bloc): (r.rank_in_day, r.order_certain) for r in table.itertuples()}
    # terror on Jan 5: only kz_state (Y) uses it -> first and certain
    assert flags[("terror", "2022-01-05", "kz_state")] == (1, True)
    # hand-made overlap: Z's month-only date (Jan 1-31) overlaps Y's Jan 5 if both used "terror" that day
    both = first_use(toy[0], toy[1].assign(category="terror"), toy[2])
    day5 = both[both["event_date"] == "2022-01-05"].set_index("bloc")
    assert day5.loc["western", "first_article_id"] == "Z" and not day5.loc["western", "order_certain"]
    assert not day5.loc["kz_state", "order_certain"]
