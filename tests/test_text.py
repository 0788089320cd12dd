"""Normalisation keeps offsets; folding keeps length; sentences split like a reader would."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kazframe.text import OffsetMap, fold, normalize, sentence_spans, word_spans

INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff", "\r"]


@pytest.mark.parametrize(
    "raw, text",
    [
        ("plain ascii", "plain ascii"),
        ("a\u00a0b", "a b"),  # NBSP -> space
        ("a\u2009b\u202fc", "a b c"),  # thin / narrow NBSP
        ("ter\u00adror\u00adist", "terrorist"),  # soft hyphens
        ("coup\u200b attempt", "coup attempt"),  # zero-width space
        ("\ufeffHeadline", "Headline"),  # BOM
        ("line one\r\nline two\r\n", "line one\nline two\n"),  # CRLF
        ("old\rmac", "old\nmac"),  # lone CR is a line break
        ("“quoted” and ‘single’ «guillemets»", "“quoted” and ‘single’ «guillemets»"),  # quotes kept
        ("tab\there", "tab here"),
    ],
)
def test_normalize(raw, text):
    assert normalize(raw)[0] == text


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab c\n\u00a0") + INVISIBLE), max_size=60))
def test_every_kept_character_maps_back_to_itself_or_its_space(raw):
    text, m = normalize(raw)
    for i, ch in enumerate(text):
        r = raw[m.to_raw(i)]
        assert r == ch or (ch == " " and r == "\u00a0") or (ch == "\n" and r == "\r")


@settings(deadline=None)
@given(st.text(max_size=80))
def test_normalize_is_idempotent_and_maps_into_raw(raw):
    text, m = normalize(raw)
    assert normalize(text)[0] == text
    assert all(0 <= m.to_raw(i) < len(raw) for i in range(len(text)))


def test_offset_map_with_start_offset_and_spans():
    raw = "xx" + "anti\u00adterror\u00adist"
    text, m = normalize(raw[2:], raw_start=2)
    assert text == "antiterrorist"
    a, b = m.span_to_raw(0, len(text))
    assert (a, b) == (2, len(raw))
    assert raw[m.to_raw(4)] == "t"


def test_offset_map_round_trips_through_lists():
    m = OffsetMap((0, 5, 9), (10, 16, 21))
    assert OffsetMap.from_list(m.to_list()) == m
    assert OffsetMap.concat([(0, m), (20, OffsetMap.identity(100))]).to_raw(22) == 102


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Coup D’Etat", "coup d'etat"),
        ("“Terrorists”", '"terrorists"'),
        ("«Террористы»", '"террористы"'),
        ("Моscow Аlmaty", "moscow almaty"),  # Cyrillic look-alikes inside Latin words
        ("мародёры", "мародеры"),  # ё -> е
        ("Алматы", "алматы"),  # Cyrillic words are left Cyrillic
        ("anti‐terrorist — x", "anti-terrorist - x"),
        ("İstanbul", "istanbul"),  # a letter whose lower case is longer keeps the length
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He signed it on Jan. 8, reported his office. Then he left.",
         ["He signed it on Jan. 8, reported his office.", "Then he left."]),
        ("Mr Putin spoke. Mr. Blinken replied.", ["Mr Putin spoke.", "Mr. Blinken replied."]),
        ("The U.S. State Department issued an advisory. It said so.",
         ["The U.S. State Department issued an advisory.", "It said so."]),
        ("“We will not allow it.” He said so.", ["“We will not allow it.”", "He said so."]),
        ("First line without stop\nSecond line.", ["First line without stop", "Second line."]),
        ("  padded.  ", ["padded."]),
        ("", []),
    ],
)
def test_sentence_spans(text, expected):
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


def test_word_spans_keep_hyphenated_and_apostrophe_words_whole():
    text = "anti-terrorist coup d'etat Kazakhstan’s 2,030"
    assert [text[a:b] for a, b in word_spans(text)] == [
        "anti-terrorist", "coup", "d'etat", "Kazakhstan’s", "2", "030"]
