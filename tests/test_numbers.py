"""Tests for kazframe.numbers: number phrases and what is not a count.

Expected values are worked out by hand from the phrases (and the conventions documented in
kazframe.numbers / data/claims.yaml), not copied from the code's output.
"""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kazframe.numbers import find_numbers, load_number_grammar, parse_number
from kazframe.paths import DATA_DIR

NAN = math.nan


@pytest.mark.parametrize(
    "phrase, value, low, high, approx, kind",
    [
        ("7,939", 7939, 7939, 7939, False, "exact"),
        ("5,800", 5800, 5800, 5800, False, "exact"),
        ("1,300", 1300, 1300, 1300, False, "exact"),
        ("2,030", 2030, 2030, 2030, False, "exact"),
        ("2 thousand 30", 2030, 2030, 2030, False, "exact"),
        ("about 8,000", 8000, None, None, True, "approx"),
        ("About 8 Thousand", 8000, None, None, True, "approx"),
        ("almost 8,000", 8000, None, 8000, True, "approx"),
        ("nearly 100", 100, None, 100, True, "approx"),
        ("some 20,000", 20000, None, None, True, "approx"),
        ("at least 164", 164, 164, None, False, "lower_bound"),
        ("more than 400", 400, 400, None, False, "lower_bound"),
        ("over 3,000", 3000, 3000, None, False, "lower_bound"),
        ("more than a hundred", 100, 100, None, False, "lower_bound"),
        ("up to 500", 500, None, 500, False, "upper_bound"),
        ("no more than about 2,500", 2500, None, 2500, True, "upper_bound"),
        ("hundreds", NAN, 200, 999, True, "vague"),
        ("dozens", NAN, 24, 99, True, "vague"),
        ("Dozens", NAN, 24, 99, True, "vague"),
        ("thousands", NAN, 2000, 9999, True, "vague"),
        ("tens of thousands", NAN, 20000, 99999, True, "vague"),
        ("a few hundred", NAN, 200, 900, True, "vague"),
        ("several thousand", NAN, 2000, 9000, True, "vague"),
        ("10-15", NAN, 10, 15, True, "vague"),
        ("between 10 and 15", NAN, 10, 15, True, "vague"),
        ("three", 3, 3, 3, False, "exact"),
        ("twenty-five", 25, 25, 25, False, "exact"),
        ("one hundred and fifty", 150, 150, 150, False, "exact"),
        ("two dozen", 24, 24, 24, False, "exact"),
        ("a thousand", 1000, 1000, 1000, False, "exact"),
        ("half a million", 500_000, 500_000, 500_000, False, "exact"),
        ("16", 16, 16, 16, False, "exact"),
        ("18", 18, 18, 18, False, "exact"),
        ("25 billion", 25e9, 25e9, 25e9, False, "exact"),
        ("2.5 thousand", 2500, 2500, 2500, False, "exact"),
        ("$57.5 million", 57.5e6, 57.5e6, 57.5e6, False, "exact"),
        ("120 tenge", 120, 120, 120, False, "exact"),
    ],
)
def test_parse_number(phrase, value, low, high, approx, kind):
    got = parse_number(phrase)
    if math.isnan(value):
        assert math.isnan(got.value)
    else:
        assert got.value == pytest.approx(value)
    assert got.low == (None if low is None else pytest.approx(low))
    assert got.high == (None if high is None else pytest.approx(high))
    assert (got.approx, got.kind) == (approx, kind)


@pytest.mark.parametrize(
    "phrase, currency",
    [("$57.5 million", "USD"), ("120 tenge", "tenge"), ("25 billion tenge", "tenge"), ("7,939", "")],
)
def test_parse_number_currency(phrase, currency):
    assert parse_number(phrase).currency == currency


@pytest.mark.parametrize("phrase", ["nearly", "people", "", "about", "a", "thousand people", "7,939 people"])
def test_parse_number_refuses_non_numbers(phrase):
    with pytest.raises(ValueError):
        parse_number(phrase)


@pytest.mark.parametrize(
    "text",
    [
        "in its 30 years of independence",
        "January 10",
        "Jan. 9 and Jan 10",
        "on 05 January 2022 and 9 JANUARY 2022",
        "from January 3-5",
        "Article 107 of the Criminal Code",
        "a curfew from 11 p.m. to 7 a.m.",
        "a curfew from 7.00 to 23.00",
        "the protests of 2020 and 2022",
        "a 180-day ceiling and a 30-year history",
        "a two-week state of emergency",
        "Covid-19",
        "the 5th day",
        "prices rose 10 percent",
        "about 200 kilometers (124 miles) away",
        "on 2022-01-10",
    ],
)
def test_find_numbers_skips_dates_times_durations_and_references(text):
    assert find_numbers(text) == []


def test_find_numbers_spans_and_values():
    text = "As of Jan. 9, 1,300 officers were injured and at least 5,800 people were detained."
    found = [(text[a:b], v.value, v.kind) for a, b, v in find_numbers(text)]
    assert found == [("1,300", 1300, "exact"), ("at least 5,800", 5800, "lower_bound")]


def test_find_numbers_money_keeps_currency_in_span():
    text = "may reach 25 billion tenge ($57.5 million)."
    found = [(text[a:b], v.value, v.currency) for a, b, v in find_numbers(text)]
    assert found == [("25 billion tenge", 25e9, "tenge"), ("$57.5 million", 57.5e6, "USD")]


def test_find_numbers_year_like_count_with_noun():
    # A bare 2030 is a year unless a count noun follows it.
    assert [v.value for _, _, v in find_numbers("2030 troops arrived")] == [2030]
    assert find_numbers("by 2030 the plan ends") == []


def test_find_numbers_offsets_survive_curly_quotes():
    text = "\u201cAlmost 8,000\u201d people"
    (a, b, v), = find_numbers(text)
    assert text[a:b] == "Almost 8,000" and v.value == 8000


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators_round_trip(n):
    assert parse_number(f"{n:,}").value == n


def test_number_words_come_from_the_data_file(tmp_path):
    spec = yaml.safe_load((DATA_DIR / "claims.yaml").read_text(encoding="utf-8"))
    spec["qualifiers"]["a good"] = "approx"
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    grammar = load_number_grammar(path)
    assert parse_number("a good 500", grammar=grammar).kind == "approx"
    with pytest.raises(ValueError):
        parse_number("a good 500")
