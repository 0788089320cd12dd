"""The framing lexicon: a data file of surface patterns and a fast leftmost-longest matcher.

The lexicon
-----------
``data/lexicon.yaml`` (read by :func:`load_lexicon`) groups *terms* into *entries*, entries
into *categories* and categories into *frames*::

    version: "2026.11.0"                  # quoted string; recorded with every result
    description: ...                      # optional
    expansion: {hyphen_variants: true}    # optional, default true
    frames:      {frame_id: description, ...}
    categories:  {category_id: {frame: frame_id, description: ...}, ...}
    entries:
      - {entry: id, category: category_id, concept: concept_id, language: en,
         terms: [pattern, ...], note: optional text}

``concept`` is a cross-language id: entries of different languages naming the same thing
share it. Ids match ``[a-z][a-z0-9_]*``; ``language`` is an ISO 639 code.

``include: [lexicon_ru.yaml]`` (optional) reads the ``entries`` of more files, given relative
to the main file, with the main file's frames, categories and version; an included file may
set a default ``language`` for its entries. The shipped ``lexicon.yaml`` includes the Russian
entries of ``lexicon_ru.yaml``.

Languages
---------
Terms of a language with a morphology (``ru``; :data:`kazframe.morph.MORPH_LANGUAGES`) are
*inflected* when the lexicon is compiled: ``массовые беспорядки`` also matches
``массовых беспорядков`` and every other case and number form, with the term syntax of
:mod:`kazframe.morph` (square brackets for words kept as written, flags ``(pl)``, ``(sg)``,
``(lit)``). All forms go into the same automaton, so matching stays one pass.
:meth:`Lexicon.find` uses every entry by default (texts that mix languages); its
``language`` argument restricts it to the entries of one language.

Terms are written in *folded* form (:func:`kazframe.text.fold`: lowercase, straight
apostrophe ``'``, hyphen ``-``, ``ё`` as ``е``) using letters, digits, ``'``, ``-`` and
single spaces, starting and ending with a letter or digit:

* ``word`` or ``a phrase`` matches whole words only: ``coup`` never matches "couple".
* ``stem*`` (``*`` only at the end) also matches any continuation of the last word by
  letters: ``protester*`` matches "protesters". The part of the stem after its last space
  or hyphen must have at least three characters.
* A space matches one or more horizontal spaces (space, no-break space, tab, the Unicode
  spaces), never a line break, so a phrase never runs across two paragraphs.

Expansion (explicit, nothing else is expanded): with ``hyphen_variants: true`` every
hyphen in a term also matches no character and a space, so ``anti-terror*`` matches
"anti-terrorist", "antiterrorist" and "anti terrorist" (a term with *k* hyphens yields
3**k patterns; at most four hyphens). Spelling variants (colour/color), irregular
inflections (rally/rallies), transliterations and accents are separate terms in the file.

Matching
--------
:meth:`Lexicon.find` runs one Aho-Corasick automaton (Aho & Corasick 1975; the
``pyahocorasick`` C implementation) over the folded text and keeps the hits that sit on word
boundaries. A *word character* is a Unicode letter or digit (``str.isalnum``). A hit is kept
when

1. it starts at the start of a word: the preceding character is not a word character, and
   not a hyphen or apostrophe that follows a word character (a match never starts inside a
   hyphenated compound: "anti-government" does not contain the word "government");
2. it ends at the end of a word: for a stem, after extending over the following letters;
   then the next character must not be a word character ("coup" does not match "couple");
3. the span is then extended over compound continuations, ``-`` or ``'`` followed by
   letters or digits, so it always ends where the word ends. The codebook counts a
   hyphenated compound as one word: "coup" matches all of "coup-plotters".

Overlapping hits are resolved **leftmost-longest**: among overlapping matches the one
that starts first wins, then the one that ends last ("attempted coup d'etat" beats
"attempted coup" beats "coup"; "coup attempt" is one match). For identical spans the most
specific term wins: the longest literal pattern, then a plain term over a stem, then the
entry listed first. The result is non-overlapping and sorted by position.

Implementation. The automaton does not scan the folded text itself but a *scan copy* of the
same length: letters, digits, ``-`` and ``'`` kept, every run of horizontal space turned
into one ``" "`` (the only step that changes the length; a small map of the removed runs
then leads back to the caller's offsets), every other character (line breaks, punctuation) turned into a
boundary mark. Every automaton key starts with a boundary character (space, boundary mark,
``-`` or ``'``) and every plain term also ends with one, so the automaton itself checks the
word boundaries (Python re-checks only starts after ``-``/``'``, and extends stems and
compounds). This keeps the automaton's root small, which makes the C scan about 2-3x faster
than with bare keys. Offsets returned are always offsets into the string passed to
:meth:`Lexicon.find`, which has the same length as the normalised text it was folded from.

Limitation: :func:`~kazframe.text.fold` maps en and em dashes to ``-``, so a dash written
without spaces between two words ("unrest—and") is read as a compound hyphen; the match
then covers both words (it still covers the term).

Validation
----------
:func:`load_lexicon` parses with ``yaml.safe_load`` and locates every node with
``yaml.compose``; :func:`validate_lexicon` raises :class:`LexiconError` naming the file, the
line and the reason: YAML syntax errors, duplicate mapping keys, unknown or missing keys,
undeclared categories or frames, duplicate entry ids, the same pattern in two entries, and
terms that would match (almost) everything or that are not written folded.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import product
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np
import pandas as pd
import yaml

from . import paths
from .morph import MORPH_LANGUAGES, inflect_term, plain_term, term_syntax_problem
from .text import fold

__all__ = [
    "ENTRY_COLUMNS",
    "Lexicon",
    "LexiconError",
    "load_lexicon",
    "validate_lexicon",
]

#: Columns of :attr:`Lexicon.entries`, in order.
ENTRY_COLUMNS = ("entry", "category", "frame", "concept", "language", "terms", "note")

_TOP_REQUIRED = ("version", "frames", "categories", "entries")
_TOP_OPTIONAL = ("description", "expansion", "include")
_INCLUDE_REQUIRED = ("entries",)
_INCLUDE_OPTIONAL = ("description", "language")
_EXPANSION_KEYS = ("hyphen_variants",)
_CATEGORY_REQUIRED = ("frame", "description")
_ENTRY_REQUIRED = ("entry", "category", "concept", "language", "terms")
_ENTRY_OPTIONAL = ("note",)
_MAX_HYPHENS = 4

_ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}\Z")
_TERM_PUNCT = "'- "
_SEGMENT_SPLIT_RE = re.compile(r"[ -]")
# Horizontal spaces (as in kazframe.text.normalize, without \v and \f).
_HSPACE_CODES = np.array(
    [0x20, 0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], dtype=np.uint32
)


class LexiconError(ValueError):
    """A lexicon file or override that cannot be used; the message names where and why."""


# --- locating YAML nodes ----------------------------------------------------------

Path_ = tuple[Any, ...]


def _node_lines(node: yaml.Node | None, source: str) -> dict[Path_, int]:
    """1-based line of every mapping key and sequence item, by key path.

    Also refuses duplicate mapping keys, which ``yaml.safe_load`` silently merges.
    """
    lines: dict[Path_, int] = {}
    if node is None:
        return lines
    lines[()] = node.start_mark.line + 1
    stack: list[tuple[yaml.Node, Path_]] = [(node, ())]
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in current.value:
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise LexiconError(f"{source}, line {line}: duplicate key {key!r}")
                seen.add(key)
                lines[path + (key,)] = line
                stack.append((value_node, path + (key,)))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                lines[path + (i,)] = item.start_mark.line + 1
                stack.append((item, path + (i,)))
    return lines


@dataclass(frozen=True)
class _Where:
    """Builds error messages that name the source, the line (or path) and the reason."""

    source: str
    lines: Mapping[Path_, int] | None

    def error(self, path: Path_, reason: str) -> LexiconError:
        if self.lines:
            for k in range(len(path), -1, -1):
                line = self.lines.get(tuple(path[:k]))
                if isinstance(line, tuple):  # an entry of an included file
                    return LexiconError(f"{line[0]}, line {line[1]}: {reason}")
                if line is not None:
                    return LexiconError(f"{self.source}, line {line}: {reason}")
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return LexiconError(f"{self.source}, {where or 'top level'}: {reason}")


# --- terms ------------------------------------------------------------------------


def _term_problem(term: Any, language: str = "en") -> str | None:
    """Why ``term`` cannot be used as a pattern, or ``None`` when it can.

    Terms of a language with a morphology (:data:`kazframe.morph.MORPH_LANGUAGES`) may
    carry square brackets and flags (see :mod:`kazframe.morph`); the words are checked as
    any other term.
    """
    if not isinstance(term, str):
        return f"term {term!r} is not a string (quote it)"
    if language in MORPH_LANGUAGES:
        problem = term_syntax_problem(term)
        if problem:
            return problem
        if plain_term(term) != term:
            inner = _term_problem(plain_term(term))
            return inner.replace(repr(plain_term(term)), repr(term), 1) if inner else None
    folded = fold(term)
    if folded != term:
        return (f"term {term!r} is not written folded: write {folded!r} "
                "(lowercase, straight apostrophe ', hyphen -)")
    stem = term.endswith("*")
    body = term[:-1] if stem else term
    if not body.strip():
        return f"term {term!r} is empty and would match everything"
    for c in body:
        if not (c.isalnum() or c in _TERM_PUNCT):
            if c == "*":
                return f"term {term!r}: '*' is allowed only at the end"
            return f"term {term!r}: character {c!r} cannot be matched (letters, digits, ' - and spaces only)"
    if not (body[0].isalnum() and body[-1].isalnum()):
        return f"term {term!r} must start and end with a letter or digit"
    if "  " in body:
        return f"term {term!r} has repeated spaces (one space matches any run of spaces)"
    if stem and len(_SEGMENT_SPLIT_RE.split(body)[-1]) < 3:
        return (f"term {term!r} would match almost every word: a stem needs at least 3 "
                "characters before '*' after its last space or hyphen")
    if sum(c.isalnum() for c in body) < 2:
        return f"term {term!r} is too short and would match almost everything"
    if body.count("-") > _MAX_HYPHENS:
        return f"term {term!r} has more than {_MAX_HYPHENS} hyphens"
    return None


def _expand(term: str, *, hyphen_variants: bool, language: str = "en") -> list[tuple[str, bool]]:
    """The literal automaton keys of a valid term, each with its stem flag.

    A term of a language with a morphology is first inflected
    (:func:`kazframe.morph.inflect_term`), then every form is expanded.

    >>> _expand("anti-terror*", hyphen_variants=True)
    [('anti-terror', True), ('antiterror', True), ('anti terror', True)]
    """
    if language in MORPH_LANGUAGES:
        keys: list[tuple[str, bool]] = []
        for form in inflect_term(term):
            keys.extend(_expand(form, hyphen_variants=hyphen_variants))
        return list(dict.fromkeys(keys))
    stem = term.endswith("*")
    body = term[:-1] if stem else term
    if not hyphen_variants or "-" not in body:
        return [(body, stem)]
    parts = body.split("-")
    keys = []
    for joiners in product(("-", "", " "), repeat=len(parts) - 1):
        key = parts[0] + "".join(j + p for j, p in zip(joiners, parts[1:], strict=True))
        keys.append((key, stem))
    return keys


# --- validation -------------------------------------------------------------------


def _check_keys(obj: Mapping, path: Path_, required: Iterable[str], optional: Iterable[str],
                what: str, where: _Where) -> None:
    required = tuple(required)
    allowed = required + tuple(optional)
    for key in obj:
        if key not in allowed:
            raise where.error(path + (key,), f"{what}: unknown key {key!r} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in obj:
            raise where.error(path, f"{what}: missing required key {key!r}")


def _check_id(value: Any, path: Path_, what: str, where: _Where) -> None:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise where.error(path, f"{what} {value!r} is not an id ([a-z][a-z0-9_]*)")


def _check_text(value: Any, path: Path_, what: str, where: _Where) -> None:
    if not isinstance(value, str):
        raise where.error(path, f"{what} must be text, not {type(value).__name__}")


def _check_header(data: Mapping, where: _Where) -> bool:
    """Top level, expansion, frames and categories; returns ``hyphen_variants``."""
    _check_keys(data, (), _TOP_REQUIRED, _TOP_OPTIONAL, "lexicon", where)
    if not isinstance(data["version"], str) or not data["version"].strip():
        raise where.error(("version",), f"version {data['version']!r} must be a quoted string, e.g. \"2026.11.0\"")
    if "description" in data:
        _check_text(data["description"], ("description",), "description", where)
    include = data.get("include") or []
    if not isinstance(include, list) or not all(isinstance(f, str) and f.strip() for f in include):
        raise where.error(("include",), "include must be a list of file names (relative to this file)")
    expansion = data.get("expansion") or {}
    if not isinstance(expansion, Mapping):
        raise where.error(("expansion",), "expansion must be a mapping")
    _check_keys(expansion, ("expansion",), (), _EXPANSION_KEYS, "expansion", where)
    hyphen_variants = expansion.get("hyphen_variants", True)
    if not isinstance(hyphen_variants, bool):
        raise where.error(("expansion", "hyphen_variants"), "hyphen_variants must be true or false")
    frames = data["frames"]
    if not isinstance(frames, Mapping) or not frames:
        raise where.error(("frames",), "frames must be a non-empty mapping of frame id -> description")
    for frame, description in frames.items():
        _check_id(frame, ("frames", frame), "frame id", where)
        _check_text(description, ("frames", frame), f"description of frame {frame!r}", where)
    categories = data["categories"]
    if not isinstance(categories, Mapping) or not categories:
        raise where.error(("categories",), "categories must be a non-empty mapping of category id -> {frame, description}")
    for category, spec in categories.items():
        path = ("categories", category)
        _check_id(category, path, "category id", where)
        if not isinstance(spec, Mapping):
            raise where.error(path, f"category {category!r} must be a mapping with keys frame, description")
        _check_keys(spec, path, _CATEGORY_REQUIRED, (), f"category {category!r}", where)
        if not isinstance(spec["frame"], str) or spec["frame"] not in frames:
            raise where.error(path + ("frame",), f"category {category!r}: frame {spec['frame']!r} is not declared under frames")
        _check_text(spec["description"], path + ("description",), f"description of category {category!r}", where)
    return hyphen_variants


def _check_entry(item: Any, i: int, categories: Mapping, where: _Where) -> None:
    path: Path_ = ("entries", i)
    if not isinstance(item, Mapping):
        raise where.error(path, f"entry #{i + 1} must be a mapping with keys {', '.join(_ENTRY_REQUIRED)}")
    name = item.get("entry")
    what = f"entry {name!r}" if isinstance(name, str) else f"entry #{i + 1}"
    _check_keys(item, path, _ENTRY_REQUIRED, _ENTRY_OPTIONAL, what, where)
    _check_id(name, path + ("entry",), "entry id", where)
    _check_id(item["concept"], path + ("concept",), f"{what}: concept", where)
    if not isinstance(item["category"], str) or item["category"] not in categories:
        raise where.error(path + ("category",), f"{what}: category {item['category']!r} is not declared under categories")
    language = item["language"]
    if not isinstance(language, str) or not _LANGUAGE_RE.match(language):
        raise where.error(path + ("language",), f"{what}: language {language!r} is not an ISO 639 code such as 'en'")
    if "note" in item and item["note"] is not None:
        _check_text(item["note"], path + ("note",), f"{what}: note", where)
    terms = item["terms"]
    if not isinstance(terms, list | tuple) or not terms:
        raise where.error(path + ("terms",), f"{what}: terms must be a non-empty list")
    for j, term in enumerate(terms):
        problem = _term_problem(term, language)
        if problem:
            raise where.error(path + ("terms", j), f"{what}: {problem}")


def _check(data: Any, where: _Where) -> None:
    if not isinstance(data, Mapping):
        raise where.error((), "the lexicon must be a mapping with keys version, frames, categories, entries")
    hyphen_variants = _check_header(data, where)
    entries = data["entries"]
    if not isinstance(entries, list):
        raise where.error(("entries",), "entries must be a list")
    ids: dict[str, int] = {}
    owner: dict[tuple[str, bool], tuple[str, str]] = {}
    for i, item in enumerate(entries):
        _check_entry(item, i, data["categories"], where)
        name = item["entry"]
        if name in ids:
            raise where.error(("entries", i, "entry"), f"duplicate entry id {name!r} (first at entry #{ids[name] + 1})")
        ids[name] = i
        for j, term in enumerate(item["terms"]):
            for key in _expand(term, hyphen_variants=hyphen_variants, language=item["language"]):
                other = owner.setdefault(key, (name, term))
                if other[0] != name:
                    raise where.error(
                        ("entries", i, "terms", j),
                        f"entry {name!r}: term {term!r} matches the same text as term "
                        f"{other[1]!r} of entry {other[0]!r} ({key[0]!r})",
                    )


def validate_lexicon(data: dict, *, source: str, lines: Mapping[Path_, int] | None = None) -> None:
    """Check a parsed lexicon against the schema (see the module docstring).

    Parameters
    ----------
    data : dict
        The lexicon as ``yaml.safe_load`` returns it.
    source : str
        Where it came from (a path or ``"<override>"``), for error messages.
    lines : mapping, optional
        Line number of each key path, as :func:`load_lexicon` builds it from the YAML nodes;
        without it, errors name the path (``entries[3].terms[0]``) instead of a line.

    Raises
    ------
    LexiconError
        ``"<source>, line <n>: <reason>"`` for the first problem found.
    """
    _check(data, _Where(source, lines))


# --- the matcher ------------------------------------------------------------------

# The scan copy: letters and digits, " ", "-" and "'" are kept, runs of horizontal space
# become one " ", every other character (line breaks, punctuation) becomes _BOUNDARY, and
# one _BOUNDARY is added at each end. Every automaton key starts with one of _SENTINELS,
# so the automaton's root has four children instead of one per initial letter (a 2-3x
# faster scan) and a hit starts at a word start, except after "-" or "'", which Python
# then checks. Keys of plain (non-stem) terms also end with a sentinel, so the automaton
# checks their word end too and Python sees few hits it must reject.
_BOUNDARY = "\x00"
_SENTINELS = (" ", _BOUNDARY, "-", "'")
_ASCII_TABLE = bytes(
    c if chr(c).isalnum() or chr(c) in " -'" else 0x20 if c == 9 else 0 for c in range(128)
) + bytes(128)
# Two or more spaces; written with a literal prefix, which re searches much faster.
_SPACE_RUN_RE = re.compile("  [ ]*")
_HSPACE_SET = frozenset(chr(c) for c in _HSPACE_CODES.tolist())
# Stem continuation (letters), not followed by a letter or digit, then compound tails.
_STEM_END_RE = re.compile(r"[^\W\d_]*(?![^\W_])(?:[-'][^\W_]+)*")
# Compound tails after a whole word: "-" or "'" followed by letters or digits.
_COMPOUND_TAIL_RE = re.compile(r"(?:[-'][^\W_]+)*")
_PLAIN, _COMPOUND, _STEM = 0, 1, 2


def _scan_code(code: int) -> int:
    """Scan-copy code point of any character."""
    if code < 128:
        return _ASCII_TABLE[code]
    c = chr(code)
    if c.isalnum():
        return code
    return 0x20 if c in _HSPACE_SET else 0


@lru_cache(maxsize=1)
def _bmp_table() -> np.ndarray:
    """Scan-copy code of every character of the Basic Multilingual Plane (built once)."""
    return np.array([_scan_code(c) for c in range(0x10000)], dtype=np.uint32)


def _scan_copy(folded: str) -> tuple[str, tuple[list[int], list[int]] | None]:
    """The scan copy of ``folded`` between two boundaries, and how to map offsets back.

    Returns ``(scan, shifts)``: ``scan[i + 1]`` stands for ``folded[i]`` when ``shifts``
    is ``None``; otherwise runs of spaces were collapsed and ``shifts`` is
    ``(positions, removed)``: after the single space at collapsed index ``positions[k]``,
    ``removed[k]`` characters in total have been dropped (see :func:`_to_folded`).
    """
    if folded.isascii():
        body = folded.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    else:
        codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        out = _bmp_table()[np.minimum(codes, 0xFFFF)]
        if codes.max() > 0xFFFF:
            astral = np.flatnonzero(codes > 0xFFFF)
            out[astral] = [_scan_code(c) for c in codes[astral].tolist()]
        body = out.tobytes().decode("utf-32-le", "surrogatepass")
    return _bounded(body)


def _bounded(body: str) -> tuple[str, tuple[list[int], list[int]] | None]:
    """``body`` with space runs collapsed and a boundary at each end (see :func:`_scan_copy`)."""
    if "  " not in body:
        return _BOUNDARY + body + _BOUNDARY, None
    positions, removed, total = [], [], 0
    for m in _SPACE_RUN_RE.finditer(body):
        positions.append(m.start() - total)
        total += m.end() - m.start() - 1
        removed.append(total)
    return _BOUNDARY + _SPACE_RUN_RE.sub(" ", body) + _BOUNDARY, (positions, removed)


# find_text: fold() is a per-character map except for Cyrillic look-alikes inside Latin words
# and the final-sigma rule of str.lower, so the scan copy of fold(text) is one table lookup
# of text; texts with Cyrillic letters, a capital sigma or astral characters take the
# two-pass path (fold, then _scan_copy).
_ASCII_FOLD_TABLE = bytes(_ASCII_TABLE[ord(fold(chr(c)))] for c in range(128)) + bytes(128)
_FOLD_IN_CONTEXT = 0x110000  # table value: fold depends on the neighbours (not a code point)


@lru_cache(maxsize=1)
def _fold_scan_table() -> np.ndarray:
    """``scan_code(fold(c))`` for every BMP character ``c`` (built once, ~0.1 s);
    :data:`_FOLD_IN_CONTEXT` for Cyrillic letters and the capital sigma."""
    table = _bmp_table().copy()
    for c in range(0x10000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        f = fold(chr(c))
        table[c] = _scan_code(ord(f)) if len(f) == 1 else table[c]
    table[0x400:0x500] = _FOLD_IN_CONTEXT
    table[0x3A3] = _FOLD_IN_CONTEXT
    return table


def _scan_copy_text(text: str) -> tuple[str, tuple[list[int], list[int]] | None]:
    """``_scan_copy(fold(text))`` in one table lookup when fold acts character by character."""
    if text.isascii():
        return _bounded(text.encode("ascii").translate(_ASCII_FOLD_TABLE).decode("ascii"))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() <= 0xFFFF:
        out = _fold_scan_table()[codes]
        if out.max() < _FOLD_IN_CONTEXT:
            return _bounded(out.tobytes().decode("utf-32-le", "surrogatepass"))
    return _scan_copy(fold(text))


def _to_folded(i: int, shifts: tuple[list[int], list[int]]) -> int:
    """Index in the folded text of the character at collapsed index ``i`` (not a space)."""
    k = bisect_left(shifts[0], i) - 1
    return i if k < 0 else i + shifts[1][k]


class _Matcher:
    """Aho-Corasick automaton over the expanded terms, with the boundary rules."""

    def __init__(self, entry_ids: list[str], terms: list[Iterable[str]], *, hyphen_variants: bool,
                 languages: list[str] | None = None):
        self.entry_ids = tuple(entry_ids)
        languages = languages if languages is not None else ["en"] * len(self.entry_ids)
        keys: dict[tuple[str, bool], int] = {}
        for idx, (entry_terms, language) in enumerate(zip(terms, languages, strict=True)):
            expanded = {k for term in entry_terms
                        for k in _expand(term, hyphen_variants=hyphen_variants, language=language)}
            for key, stem in sorted(expanded):
                # Within one entry a stem subsumes the plain term; across entries the
                # validator refuses duplicates, so setdefault keeps the first.
                if stem or (key, True) not in expanded:
                    keys.setdefault((key, stem), idx)
        self.automaton: ahocorasick.Automaton | None = None
        if not keys:
            return
        automaton = ahocorasick.Automaton()
        for (key, stem), idx in keys.items():
            n = len(key)
            for lead in _SENTINELS:
                check_start = lead in "-'"
                # Value: (back, forward, check_start, kind, -length, stem, entry index);
                # the key's first character is scan[last - back], its end scan[last + forward].
                if stem:
                    # scan[last] is the key's last character.
                    automaton.add_word(lead + key, (n - 1, 1, check_start, _STEM, -n, True, idx))
                    continue
                for trail in _SENTINELS:
                    # scan[last] is the trailing sentinel.
                    kind = _COMPOUND if trail in "-'" else _PLAIN
                    automaton.add_word(lead + key + trail, (n, 0, check_start, kind, -n, False, idx))
        automaton.make_automaton()
        self.automaton = automaton

    def find(self, folded: str, *, unfolded: bool = False) -> list[tuple[int, int, str]]:
        if self.automaton is None or not folded:
            return []
        scan, shifts = _scan_copy_text(folded) if unfolded else _scan_copy(folded)
        stem_end = _STEM_END_RE.match
        compound_end = _COMPOUND_TAIL_RE.match
        candidates = []
        append = candidates.append
        for last, (back, forward, check_start, kind, neg_length, stem, idx) in self.automaton.iter(scan):
            start = last - back
            # After "-" or "'": a word start only if that mark does not follow a word char.
            if check_start and scan[start - 2].isalnum():
                continue
            stop = last + forward
            if kind:
                m = (stem_end if kind == _STEM else compound_end)(scan, stop)
                if m is None:
                    continue
                stop = m.end()
            append((start, -stop, neg_length, stem, idx))
        candidates.sort()
        found = []
        reached = 0
        entry_ids = self.entry_ids
        for start, neg_stop, _, _, idx in candidates:
            if start >= reached:
                reached = -neg_stop
                # Scan offsets are text offsets + 1 (the leading boundary).
                found.append((start - 1, reached - 1, entry_ids[idx]))
        if shifts is None:
            return found
        return [(_to_folded(a, shifts), _to_folded(b - 1, shifts) + 1, e) for a, b, e in found]


# --- the lexicon ------------------------------------------------------------------


def _entries_frame(entries: list[Mapping], categories: Mapping[str, Mapping]) -> pd.DataFrame:
    rows = [
        {
            "entry": e["entry"],
            "category": e["category"],
            "frame": categories[e["category"]]["frame"],
            "concept": e["concept"],
            "language": e["language"],
            "terms": tuple(e["terms"]),
            "note": (e.get("note") or "").strip(),
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=list(ENTRY_COLUMNS))


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A validated lexicon and its compiled matcher.

    Attributes
    ----------
    version : str
        The file's ``version``; :meth:`with_entries` appends ``+local.<hash>``.
    entries : pandas.DataFrame
        One row per entry: :data:`ENTRY_COLUMNS` (``terms`` is a tuple of patterns as
        written; ``frame`` is the category's frame). Treat as read-only: the matcher is
        compiled from it once.
    source : str
        The file path, or ``"<override>"`` after :meth:`with_entries`.
    frames : pandas.DataFrame
        ``frame``, ``description``.
    categories : pandas.DataFrame
        ``category``, ``frame``, ``description``.
    hyphen_variants : bool
        Whether hyphens in terms also match no character and a space.
    """

    version: str
    entries: pd.DataFrame
    source: str
    frames: pd.DataFrame | None = None
    categories: pd.DataFrame | None = None
    hyphen_variants: bool = True

    def __post_init__(self) -> None:
        if self.categories is None:
            cats = self.entries[["category", "frame"]].drop_duplicates().assign(description="")
            object.__setattr__(self, "categories", cats.reset_index(drop=True))
        if self.frames is None:
            frames = self.categories[["frame"]].drop_duplicates().assign(description="")
            object.__setattr__(self, "frames", frames.reset_index(drop=True))

    def _compile(self, entries: pd.DataFrame) -> _Matcher:
        return _Matcher(
            entries["entry"].tolist(),
            entries["terms"].tolist(),
            hyphen_variants=self.hyphen_variants,
            languages=entries["language"].tolist(),
        )

    @cached_property
    def _matcher(self) -> _Matcher:
        return self._compile(self.entries)

    @cached_property
    def _by_language(self) -> dict[tuple[str, ...], _Matcher]:
        return {}

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """Languages of the entries, sorted ("en", "ru"); computed once (label asks per article)."""
        return tuple(sorted(set(self.entries["language"])))

    def find(self, folded: str, language: str | Iterable[str] | None = None) -> list[tuple[int, int, str]]:
        """Non-overlapping matches in a folded text, leftmost-longest.

        Parameters
        ----------
        folded : str
            Text folded with :func:`kazframe.text.fold` (same length as the text it came
            from, so offsets apply to both).
        language : str or iterable of str, optional
            Use only the entries of this language (or languages), e.g. ``"ru"``; ``None``
            (default) uses every entry, for texts that mix languages. A language without
            entries (``"kk"``, ``"und"``) finds nothing. Each selection is compiled once.

        Returns
        -------
        list of (int, int, str)
            ``(start, end, entry)`` half-open spans into ``folded``, sorted by ``start``.

        Examples
        --------
        >>> from kazframe.text import fold
        >>> lex = load_lexicon()
        >>> lex.find(fold("An attempted Coup d\\u2019Etat, not a couple."))
        [(3, 24, 'coup')]
        >>> lex.find(fold("Массовые беспорядки"), language="ru")
        [(0, 19, 'ru_mass_disorder')]
        """
        return self._matcher_for(language).find(folded)

    def find_text(self, text: str, language: str | Iterable[str] | None = None) -> list[tuple[int, int, str]]:
        """:meth:`find` on a text that is not folded yet: ``find(fold(text), language)``.

        The same matches, in one pass over the text (folding and the matcher's own copy of
        the text are one table lookup) when folding acts character by character; texts with
        Cyrillic letters (look-alike letters depend on the word), a capital sigma (its lower
        case depends on the word end) or characters beyond the BMP are folded first.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> lex.find_text("An attempted Coup d\\u2019Etat.") == lex.find(fold("An attempted Coup d\\u2019Etat."))
        True
        """
        return self._matcher_for(language).find(text, unfolded=True)

    def _matcher_for(self, language: str | Iterable[str] | None) -> _Matcher:
        if language is None:
            return self._matcher
        wanted = (language,) if isinstance(language, str) else tuple(sorted(set(language)))
        matcher = self._by_language.get(wanted)
        if matcher is None:
            matcher = self._compile(self.entries[self.entries["language"].isin(wanted)])
            self._by_language[wanted] = matcher
        return matcher

    def expanded_terms(self) -> pd.DataFrame:
        """The automaton patterns: one row per entry, term and expanded pattern.

        Columns ``entry``, ``term`` (as written), ``pattern`` (literal text matched, spaces
        standing for any run of spaces) and ``stem`` (bool: continues over letters).
        """
        rows = [
            {"entry": entry, "term": term, "pattern": key, "stem": stem}
            for entry, terms, language in zip(self.entries["entry"], self.entries["terms"],
                                              self.entries["language"], strict=True)
            for term in terms
            for key, stem in _expand(term, hyphen_variants=self.hyphen_variants, language=language)
        ]
        return pd.DataFrame(rows, columns=["entry", "term", "pattern", "stem"])

    def _as_data(self) -> dict:
        return {
            "version": self.version,
            "expansion": {"hyphen_variants": self.hyphen_variants},
            "frames": dict(zip(self.frames["frame"], self.frames["description"], strict=True)),
            "categories": {
                c: {"frame": f, "description": d}
                for c, f, d in zip(self.categories["category"], self.categories["frame"],
                                   self.categories["description"], strict=True)
            },
            "entries": [
                {"entry": e, "category": c, "concept": k, "language": lang, "terms": list(t), "note": n}
                for e, c, k, lang, t, n in zip(
                    self.entries["entry"], self.entries["category"], self.entries["concept"],
                    self.entries["language"], self.entries["terms"], self.entries["note"],
                    strict=True,
                )
            ],
        }

    def with_entries(self, extra: pd.DataFrame | Iterable[Mapping], *,
                     version_suffix: str = "+local") -> Lexicon:
        """A new lexicon with entries added or replaced (by entry id).

        Parameters
        ----------
        extra : pandas.DataFrame or list of dict
            Entries with the keys ``entry, category, concept, language, terms`` and
            optionally ``note`` (and ``frame``, which must then be the category's frame).
            An existing entry id is replaced in place; new ids are appended.
        version_suffix : str, optional
            Marks the override in :attr:`version`.

        Returns
        -------
        Lexicon
            Validated, with ``version`` ``"<version><suffix>.<8 hex of sha256(extra)>"``
            (``"2026.11.0+local.1a2b3c4d"``) and ``source`` ``"<override>"``. ``self`` is
            unchanged.

        Raises
        ------
        LexiconError
            Naming the override entry and the reason.
        """
        records = _override_records(extra)
        where = _Where("<override>", None)
        frame_of = dict(zip(self.categories["category"], self.categories["frame"], strict=True))
        cleaned = []
        seen: set[str] = set()
        for i, rec in enumerate(records):
            rec = dict(rec)
            frame = rec.pop("frame", None)
            if frame is not None and rec.get("category") in frame_of and frame != frame_of[rec["category"]]:
                raise where.error(("entries", i), f"entry {rec.get('entry')!r}: frame {frame!r} is not the "
                                  f"frame of category {rec['category']!r} ({frame_of[rec['category']]!r})")
            if rec.get("entry") in seen:
                raise where.error(("entries", i), f"entry {rec['entry']!r} is given twice in the override")
            seen.add(rec.get("entry"))
            cleaned.append(rec)
        data = self._as_data()
        position = {e["entry"]: k for k, e in enumerate(data["entries"])}
        merged = list(data["entries"])
        for rec in cleaned:
            if rec.get("entry") in position:
                merged[position[rec["entry"]]] = rec
            else:
                merged.append(rec)
        data["entries"] = merged
        validate_lexicon(data, source="<override>")
        digest = hashlib.sha256(
            json.dumps(cleaned, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        ).hexdigest()[:8]
        suffix = version_suffix
        if "+" in self.version and suffix.startswith("+"):
            suffix = "." + suffix[1:]
        return _build(data, source="<override>", version=f"{self.version}{suffix}.{digest}")


def _override_records(extra: pd.DataFrame | Iterable[Mapping]) -> list[dict]:
    """Plain dicts from a DataFrame or list of mappings (terms as lists, no NaN notes)."""
    if isinstance(extra, pd.DataFrame):
        records = extra.to_dict("records")
    elif isinstance(extra, Mapping):
        records = [dict(extra)]
    else:
        records = [dict(r) for r in extra]
    out = []
    for rec in records:
        rec = dict(rec)
        terms = rec.get("terms")
        if isinstance(terms, tuple | np.ndarray | pd.Series):
            rec["terms"] = list(terms)
        elif isinstance(terms, str):
            rec["terms"] = [terms]
        note = rec.get("note")
        if note is None or (isinstance(note, float) and np.isnan(note)):
            rec.pop("note", None)
        out.append(rec)
    return out


def _build(data: Mapping, *, source: str, version: str | None = None) -> Lexicon:
    """A :class:`Lexicon` from validated data."""
    categories = data["categories"]
    expansion = data.get("expansion") or {}
    return Lexicon(
        version=version if version is not None else str(data["version"]),
        entries=_entries_frame(data["entries"], categories),
        source=source,
        frames=pd.DataFrame(
            {"frame": list(data["frames"]), "description": [str(d).strip() for d in data["frames"].values()]}
        ),
        categories=pd.DataFrame(
            [{"category": c, "frame": s["frame"], "description": str(s["description"]).strip()}
             for c, s in categories.items()],
            columns=["category", "frame", "description"],
        ),
        hyphen_variants=expansion.get("hyphen_variants", True),
    )


def _read_yaml(path: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse a YAML file; its data and the line of every node (see :func:`_node_lines`)."""
    source = str(path)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}" if mark is not None else "line ?"
        raise LexiconError(
            f"{source}, {line}: YAML syntax error: {exc.problem or exc.context} "
            "(check indentation, quoting and brackets on this line or the one before)"
        ) from None
    except yaml.YAMLError as exc:
        raise LexiconError(f"{source}: YAML error: {exc}") from None
    if data is None:
        raise LexiconError(f"{source}, line 1: the file is empty")
    return data, _node_lines(node, source)


def _merge_includes(data: dict, lines: dict[Path_, Any], base: Path) -> tuple[dict, dict[Path_, Any]]:
    """Append the entries of the files listed under ``include`` (paths relative to ``base``).

    An included file holds ``entries`` (same schema) and optionally ``description`` and
    ``language`` (the default ``language`` of its entries). Errors in its entries name the
    included file and its line.
    """
    include = data.get("include") or []
    if not include:
        return data, lines
    merged = dict(data)
    entries = list(data.get("entries") or [])
    lines = dict(lines)
    for name in include:
        path = base / name
        if not path.exists():
            raise LexiconError(f"{path}: included file not found (listed under include)")
        extra, extra_lines = _read_yaml(path)
        where = _Where(str(path), extra_lines)
        if not isinstance(extra, Mapping):
            raise where.error((), "an included lexicon file must be a mapping with the key entries")
        _check_keys(extra, (), _INCLUDE_REQUIRED, _INCLUDE_OPTIONAL, "included lexicon", where)
        if not isinstance(extra["entries"], list):
            raise where.error(("entries",), "entries must be a list")
        default_language = extra.get("language")
        for i, item in enumerate(extra["entries"]):
            if isinstance(item, Mapping) and default_language is not None and "language" not in item:
                item = {**item, "language": default_language}
            k = len(entries)
            for key, line in extra_lines.items():
                if key[:2] == ("entries", i):
                    lines[("entries", k, *key[2:])] = (str(path), line)
            entries.append(item)
    merged["entries"] = entries
    merged.pop("include")
    return merged, lines


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a lexicon file, with the files it includes.

    Parameters
    ----------
    path : str or Path, optional
        Default: ``kazframe.paths.DATA_DIR / "lexicon.yaml"`` (the shipped lexicon, which
        includes the Russian entries of ``lexicon_ru.yaml``).

    Returns
    -------
    Lexicon

    Raises
    ------
    LexiconError
        ``"<path>, line <n>: <reason>"`` for a YAML syntax error or any schema problem
        (see :func:`validate_lexicon`); the path is the included file when the problem is
        in one of its entries.
    OSError
        When the file cannot be read.

    Notes
    -----
    The compiled lexicon is cached per file state, so repeated calls (every
    :func:`kazframe.label` without a lexicon does one) cost nothing until a YAML file of the
    lexicon's folder changes.
    """
    path = Path(path) if path is not None else paths.DATA_DIR / "lexicon.yaml"
    return _load_cached(str(path), _yaml_stamp(path.parent))


def _yaml_stamp(folder: Path) -> tuple:
    """Name, size and modification time of every YAML file of ``folder`` (the cache key:
    editing the lexicon or a file it includes makes the next load read it again)."""
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.glob("*.y*ml")))


@lru_cache(maxsize=8)
def _load_cached(source: str, stamp: tuple) -> Lexicon:
    """Read, validate and compile a lexicon once per file state (expanding Russian forms and
    building the automaton take about half a second). The Lexicon is immutable: change it
    with :meth:`Lexicon.with_entries`, which returns a new one."""
    path = Path(source)
    data, lines = _read_yaml(path)
    if isinstance(data, Mapping):
        # The header (include list included) is checked before the included files are read.
        _check_header(data, _Where(source, lines))
        data, lines = _merge_includes(dict(data), lines, path.parent)
    validate_lexicon(data, source=source, lines=lines)
    return _build(data, source=source)
