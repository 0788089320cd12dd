"""Outlet registry: canonical outlet names, their aliases and their bloc.

Every article is attributed to an *outlet* and every outlet to one *bloc*, the unit in
which framing is compared. The registry is a human-edited table, ``data/outlets.csv``,
with one row per outlet and the columns

``outlet``
    Canonical name, as it appears in tables and figures.
``aliases``
    ``|``-separated alternative spellings, transliterations, Cyrillic names and web
    domains (``TASS|ТАСС|tass.ru|tass.com|ITAR-TASS``). A domain may carry a path
    (``gov.kz/memleket/entities/mfa``) when one site hosts several outlets.
``country``
    ISO 3166-1 alpha-2 code of the country where the outlet is headquartered.
``language``
    ``|``-separated ISO 639-1 codes of its main publication languages.
``bloc``
    One of :data:`BLOCS` (below).
``ownership``
    Short ownership label: ``state``, ``state-aligned``, ``public broadcaster``,
    ``private``, ``independent``, ...
``basis``
    One line explaining the classification (owner, funding, editorial control), and
    saying so where it is contested or not verified.

Blocs
-----
The bloc records *who controls or hosts the outlet*, not what it wrote, so that framing
can be compared across blocs without circularity.

``kz_state``
    Kazakh state bodies (presidential and government sites), state-owned media and
    state-aligned media (state-funded or editorially directed by the state).
``russian``
    Outlets based in Russia, state-owned, state-aligned or private, plus Russian state
    media and Russian media groups operating in Kazakhstan (Sputnik Kazakhstan).
``western``
    Outlets based in the US, UK and EU, including their government-funded
    international broadcasters (BBC World Service, RFE/RL and its Kazakh service
    Azattyq, Voice of America, DW, France 24).
``other``
    Everything else: Kazakh private and independent media (Vlast.kz, Orda.kz, KazTAG,
    Tengrinews), Turkish, Chinese, Qatari, Iranian and Kyrgyz media, and aggregators.
``unknown``
    Not classifiable; also what :func:`resolve_outlet` returns for a name the registry
    does not know.

Matching
--------
Names are compared after :func:`normalize_name` (Unicode NFKC, case folding, ``ё`` to
``е``, a leading "the" dropped, and every space and punctuation mark removed), so
"The Guardian", "guardian" and "GUARDIAN" are one key, as are "RFE/RL" and "RFE RL".
Matching is exact on that key: there is no fuzzy matching, and a name that is not in
the registry is ``unknown``. A URL or bare domain that is not itself an alias is matched
by its host name (``www.`` dropped) with the longest registered path prefix; failing
that, its parent domains are tried, so a subdomain (``en.tengrinews.kz``) belongs to
the owner of the registered domain (``tengrinews.kz``). For this reason the registry
must not list a hosting platform's domain (``substack.com``, ``t.me``) as an alias.

:func:`load_outlets` rejects an alias claimed by two outlets, so every key resolves to
exactly one outlet.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from kazframe.paths import DATA_DIR

__all__ = [
    "BLOCS",
    "COLUMNS",
    "load_outlets",
    "resolve_outlet",
    "outlet_lookup",
    "normalize_name",
]

BLOCS: tuple[str, ...] = ("kz_state", "russian", "western", "other", "unknown")
"""The closed set of blocs, in the order used by tables and figures."""

COLUMNS: tuple[str, ...] = (
    "outlet",
    "aliases",
    "country",
    "language",
    "bloc",
    "ownership",
    "basis",
)
"""Columns the registry file must have (extra columns are kept)."""

DEFAULT_FILE = "outlets.csv"
ALIAS_SEP = "|"
UNKNOWN = "unknown"

_LEADING_THE_RE = re.compile(r"^the\s+")
_SEPARATORS_RE = re.compile(r"[\W_]+")
_URL_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# A bare domain ("reuters.com", "www.bbc.co.uk/news"): dotted labels, no spaces.
_BARE_DOMAIN_RE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?:[/?#:]\S*)?$")
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def normalize_name(name: str) -> str:
    """Fold an outlet name or alias to its matching key.

    Parameters
    ----------
    name : str
        An outlet name, alias or domain, in any script.

    Returns
    -------
    str
        NFKC-normalised, case-folded text with ``ё`` mapped to ``е``, a leading
        "the " removed and every run of spaces, punctuation and underscores deleted.
        Letters and digits of every script are kept.

    Examples
    --------
    >>> normalize_name("The Astana Times")
    'astanatimes'
    >>> normalize_name("RFE/RL")
    'rferl'
    >>> normalize_name("«Известия»")
    'известия'
    """
    key = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е").strip()
    key = _LEADING_THE_RE.sub("", key)
    return _SEPARATORS_RE.sub("", key)


def load_outlets(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the outlet registry.

    Parameters
    ----------
    path : str or Path, optional
        The registry CSV (UTF-8, header row, ``|``-separated aliases). Defaults to
        ``outlets.csv`` in :data:`kazframe.paths.DATA_DIR`.

    Returns
    -------
    pandas.DataFrame
        One row per outlet with the :data:`COLUMNS` (and any extra columns of the
        file), all strings with surrounding whitespace removed; empty cells are ``""``.

    Raises
    ------
    ValueError
        Listing every problem found, each with the file, the 1-based data row, the
        physical line of the file and the reason: missing columns, a row with the
        wrong number of fields, an empty outlet name, a bloc outside :data:`BLOCS`, an
        alias that is empty after normalisation, an outlet listed twice, or an alias
        claimed by two different outlets.
    """
    path = Path(path) if path is not None else DATA_DIR / DEFAULT_FILE
    header, records = _read_records(path)
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ValueError(
            f"invalid outlet registry {path}:\n  {path}, header (line 1): "
            f"missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
        )
    lines = {}
    problems = []
    rows = []
    for row_number, (line, fields) in enumerate(records, start=1):
        lines[len(rows)] = (row_number, line)
        if len(fields) != len(header):
            problems.append(
                (
                    row_number,
                    line,
                    f"expected {len(header)} fields, found {len(fields)}"
                    " (quote a value that contains a comma)",
                )
            )
            fields = (fields + [""] * len(header))[: len(header)]
        rows.append([field.strip() for field in fields])
    outlets = pd.DataFrame(rows, columns=header, dtype=object).fillna("")

    def where(position: int) -> str:
        row_number, line = lines[position]
        return f"data row {row_number}, line {line}"

    for position, reason in _row_problems(outlets, where):
        problems.append((*lines[position], reason))
    if problems:
        problems.sort(key=lambda problem: problem[1])
        details = "\n".join(
            f"  {path}, data row {row_number} (line {line}): {reason}"
            for row_number, line, reason in problems
        )
        raise ValueError(f"invalid outlet registry {path} ({len(problems)} problem(s)):\n{details}")
    return outlets.astype({column: str for column in outlets.columns})


def outlet_lookup(outlets: pd.DataFrame | None = None) -> dict[str, tuple[str, str]]:
    """Map every normalised name and alias to its outlet and bloc.

    Use it to label many rows at once, for example
    ``articles["source"].map(normalize_name).map(outlet_lookup())``; names missing
    from the result are unknown. URLs need :func:`resolve_outlet`, which also walks
    host names and parent domains.

    Parameters
    ----------
    outlets : pandas.DataFrame, optional
        A registry as returned by :func:`load_outlets`; by default the shipped one.

    Returns
    -------
    dict of str to (str, str)
        ``normalize_name(alias) -> (outlet, bloc)``, including each outlet's own name.
        A new dict on each call, safe to modify.

    Raises
    ------
    ValueError
        If ``outlets`` is given and two outlets claim one alias, or a row is invalid.
    """
    if outlets is None:
        names, _ = _default_tables()
        return dict(names)
    names, _ = _build_tables(outlets)
    return names


def resolve_outlet(name: str | None, outlets: pd.DataFrame | None = None) -> tuple[str, str]:
    """Find the canonical outlet and bloc for a name, alias, domain or URL.

    Parameters
    ----------
    name : str or None
        How a source names the outlet: "Reuters", "РИА Новости", "tass.ru",
        "https://www.reuters.com/world/...".
    outlets : pandas.DataFrame, optional
        A registry as returned by :func:`load_outlets`; by default the shipped one.

    Returns
    -------
    tuple of (str, str)
        ``(outlet, bloc)``. A name the registry does not know, an empty name or
        ``None`` gives ``(name or "", "unknown")``: nothing is guessed.

    Examples
    --------
    >>> resolve_outlet("ТАСС")
    ('TASS', 'russian')
    >>> resolve_outlet("https://www.reuters.com/world/asia-pacific/")
    ('Reuters', 'western')
    >>> resolve_outlet("Daily Planet")
    ('Daily Planet', 'unknown')
    """
    if not isinstance(name, str) or not name.strip():
        return (name if isinstance(name, str) else "", UNKNOWN)
    if outlets is None:
        names, domains = _default_tables()
    else:
        names, domains = _build_tables(outlets)
    found = names.get(normalize_name(name))
    if found is None:
        found = next(
            (domains[key] for key in _url_candidates(name) if key in domains),
            None,
        )
    return found if found is not None else (name, UNKNOWN)


# --- internals ---------------------------------------------------------------------------


def _read_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and non-blank records of a CSV, each with its first physical line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [column.strip() for column in next(reader, [])]
        records = []
        last_line = reader.line_num
        for fields in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if any(field.strip() for field in fields):
                records.append((first_line, fields))
    return header, records


def _split_aliases(aliases: str) -> list[str]:
    return [alias.strip() for alias in aliases.split(ALIAS_SEP) if alias.strip()]


def _records(outlets: pd.DataFrame) -> list[dict[str, str]]:
    """The registry columns of each row as a dict of stripped strings (missing -> "")."""
    table = outlets[list(COLUMNS)].fillna("").astype(str)
    return [
        {column: value.strip() for column, value in record.items()}
        for record in table.to_dict("records")
    ]


def _row_keys(record: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """``(alias, key)`` for the outlet name and each alias of one registry row."""
    for alias in [record["outlet"], *_split_aliases(record["aliases"])]:
        yield alias, normalize_name(alias)


def _row_problems(outlets: pd.DataFrame, where: Callable[[int], str]) -> list[tuple[int, str]]:
    """``(row position, reason)`` for every invalid row; ``where`` names another row."""
    problems: list[tuple[int, str]] = []
    owners: dict[str, tuple[int, str]] = {}
    for position, record in enumerate(_records(outlets)):
        outlet = record["outlet"]
        if not normalize_name(outlet):
            problems.append((position, "empty outlet name"))
            continue
        if record["bloc"] not in BLOCS:
            problems.append(
                (
                    position,
                    f"unknown bloc {record['bloc']!r}; expected one of {', '.join(BLOCS)}",
                )
            )
        for alias, key in _row_keys(record):
            if not key:
                problems.append((position, f"alias {alias!r} is empty after normalisation"))
                continue
            owner = owners.setdefault(key, (position, outlet))
            if owner[0] == position:
                continue
            if normalize_name(owner[1]) == normalize_name(outlet):
                problems.append(
                    (position, f"duplicate outlet {outlet!r} (also at {where(owner[0])})")
                )
                break
            problems.append(
                (
                    position,
                    f"ambiguous alias {alias!r} (normalised {key!r}) of {outlet!r} is "
                    f"also claimed by {owner[1]!r} ({where(owner[0])})",
                )
            )
    return problems


def _domain_key(text: str) -> str | None:
    """Lower-case ``host/path`` key of a URL or bare domain, or None if it is neither."""
    text = text.strip()
    if not _URL_SCHEME_RE.match(text):
        if not _BARE_DOMAIN_RE.match(text):
            return None
        text = "//" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    segments = [segment for segment in parts.path.lower().split("/") if segment]
    return "/".join([host, *segments])


def _url_candidates(text: str) -> list[str]:
    """Domain keys to try for a URL, most specific first (path prefixes, parent domains)."""
    key = _domain_key(text)
    if key is None:
        return []
    host, *segments = key.split("/")
    labels = host.split(".")
    candidates = []
    for start in range(len(labels) - 1):
        domain = ".".join(labels[start:])
        candidates.extend(
            "/".join([domain, *segments[:stop]]) for stop in range(len(segments), -1, -1)
        )
    return candidates


def _build_tables(
    outlets: pd.DataFrame,
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Name and domain lookups of a registry frame; raises ValueError if it is invalid."""
    missing = [column for column in COLUMNS if column not in outlets.columns]
    if missing:
        raise ValueError(f"outlet table lacks column(s) {', '.join(missing)}")
    labels = list(outlets.index)
    problems = _row_problems(outlets, lambda position: f"row {labels[position]!r}")
    if problems:
        details = "\n".join(
            f"  row {labels[position]!r}: {reason}" for position, reason in problems
        )
        raise ValueError(f"invalid outlet table ({len(problems)} problem(s)):\n{details}")
    names: dict[str, tuple[str, str]] = {}
    domains: dict[str, tuple[str, str]] = {}
    for record in _records(outlets):
        target = (record["outlet"], record["bloc"])
        for alias, key in _row_keys(record):
            names[key] = target
            domain = _domain_key(alias)
            if domain is not None:
                domains[domain] = target
    return names, domains


def _default_tables() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Lookups of the shipped registry, re-read when the file changes."""
    path = DATA_DIR / DEFAULT_FILE
    return _cached_tables(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _cached_tables(
    path: str, mtime_ns: int
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    del mtime_ns  # part of the cache key only
    return _build_tables(load_outlets(path))
