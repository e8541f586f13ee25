"""Query parsing in genbo.search.text, without the database."""

import unicodedata

import pytest

from genbo.search.text import MAX_QUERY_LENGTH, parse_query


@pytest.mark.parametrize(
    ("raw", "last_word"),
    [
        # The limit falls inside "förskola", after "fö".
        ("förskola " * 23, "förskola"),
        # The limit falls right after a word, so that word is whole and stays.
        ("a" * 191 + " förskola förskola", "förskola"),
        # The limit falls right before a word, so the space before it is dropped.
        ("a" * 190 + " förskola förskola", "förskola"),
        # Punctuation separates words as a space does.
        ("förskola," * 23, "förskola"),
    ],
)
def test_query_cut_keeps_whole_words(raw, last_word):
    query = parse_query(raw)
    assert query.truncated
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert query.terms[-1].word == last_word


def test_query_of_one_long_word_is_empty():
    query = parse_query("x" * 5000)
    assert query.truncated
    assert query.is_empty


def test_query_at_limit_is_whole():
    raw = "a" * 191 + " förskola"
    query = parse_query(raw)
    assert not query.truncated
    assert query.text == raw


def test_query_length_counts_composed_letters():
    # With a combining diaeresis each "ö" is two characters, 201 in all, but 181 in NFC.
    raw = unicodedata.normalize("NFD", "förskola ") * 20 + "ö"
    assert len(raw) > MAX_QUERY_LENGTH
    query = parse_query(raw)
    assert not query.truncated
    assert [term.word for term in query.terms] == ["förskola", "ö"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sara.lindqvist@helsingborg.example", ["sara", "lindqvist"]),
        ("sara.lindqvist@hel", ["sara", "lindqvist"]),
        ("möte med sara.lindqvist@helsingborg.example", ["möte", "sara", "lindqvist"]),
        ("@helsingborg", []),
    ],
)
def test_query_leaves_out_address_domain(raw, expected):
    assert [term.word for term in parse_query(raw).terms] == expected
