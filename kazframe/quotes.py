"""Who is speaking: quotation spans, reported-speech scopes and their speakers.

This module implements the *voice* part of the codebook (``shared/codebook.md``, sections 2
and 3): for every word of an article it decides whether the outlet says it in its own
voice (``own``), quotes someone (``quoted``) or reports someone's speech without quotation
marks (``reported``), and who that someone is (``speaker``, ``speaker_group``).

Method
------
The model is a small set of transparent, data-driven rules over three layers, in the
spirit of rule-based quotation attribution for news (Pouliquen, Steinberger & Best 2007;
Pareti 2016 on attribution relations; Muzny et al. 2017 on quote-speaker linking):

1. **Quotation spans.** Every quotation-mark candidate (straight, curly, low, guillemets,
   single and double) gets a role from its context -- *opening* when preceded by a space
   or an opening bracket and followed by a non-space, *closing* in the mirror case, else
   the direction its glyph shows, else (straight ``"``) whichever pairs. A single mark
   between two letters (``Kazakhstan's``, ``d'etat``) or after a word with no single
   quotation open (``protesters'``) is an apostrophe. Marks are paired with a stack, so
   single quotes nest inside double ones. A paragraph whose quotation is not closed
   continues into the next paragraph when that paragraph opens with a quotation mark (the
   news convention) or closes one before opening any; otherwise it ends with its paragraph.
   A closing mark with nothing open after ``,.?!`` (a dropped opening mark) quotes from the
   start of its paragraph.
2. **Reporting cues and their scope.** Reporting verbs and phrases are read from
   ``data/reporting_verbs.yaml``. Each cue is placed in one of these constructions:

   - *front*: ``X said (that) C`` -- C, up to the end of the sentence, is reported;
   - *clause-final*: ``C, X said.`` / ``C, said X.`` / ``"...," he added.`` -- the words
     before the comma (or closing quotation mark) are reported, including headlines
     ("..., says president");
   - *labelling*: ``X described/portrayed/branded Y as Z``, ``X blamed Y on Z``,
     ``X accused Y of Z``, ``what X termed Z`` -- only Z is reported, up to the end of
     its clause; Y stays in the outlet's voice (so does the topic of "concern over Y",
     which is no cue at all);
   - *attribution phrases*: ``according to X``, ``in X's words``, ``X cited Y as saying``,
     ``reported by X`` (passive with an agent);
   - *noun phrases*: distancing modifiers (``so-called``, ``the alleged``) make the next
     noun phrase reported; ``its terrorism plot claims`` makes the modifiers reported.

   Passives without an agent ("are believed to", "was declared") are not speech. A
   quotation inside a reported scope is still ``quoted`` (quotation marks win).
3. **Speakers.** The subject of a front cue is searched right-to-left through the clause
   segments before it (skipping non-restrictive relative clauses); a clause-final cue
   takes the noun phrase next to it; a participle (", adding that ...") takes the main
   subject. Mentions are found with one Aho-Corasick pass over the folded text and ranked:
   registered persons > registered organisations and media > generic speakers ("security
   officials", "local media", with a nationality word choosing the group) > countries >
   unregistered capitalised names > pronouns. Pronouns and definite descriptions ("he",
   "they", "the president", "the ministry") resolve to the last compatible mention or
   speaker in the current or two previous paragraphs. A quotation's speaker is, in order:
   the attribution right after its closing mark; the nearest cue before it in its sentence;
   the reported scope around it; another attributed quotation of its paragraph; the last
   quotation's speaker of the previous paragraph when it opens its paragraph.

Russian. The same layers read Russian text: guillemets «...» with „...“ nested inside;
dialogue paragraphs, where a dash opens direct speech and ", — заявил он." attaches the
author's words (direct speech is a quotation, as if it were in quotation marks); the
author's words after a quotation and a dash ('«...», — сказал Токаев.') are a clause-final
cue; "заявил, что ..." (a comma may precede the complementizer ``что``); attribution phrases
"по словам X", "по данным X", "как сообщает X", "как заявили в X"; "так называемые X"; and
"назвал Y Z", where Z is the first word in the instrumental case (read with ``pymorphy3``).
Russian generic speakers, anaphors ("глава государства") and nationality words are listed
once in the nominative and matched in every case (:func:`kazframe.morph.inflect_term`);
names are listed with their case forms in ``speakers.csv``.

Registered speakers live in ``data/speakers.csv`` (``name,aliases,affiliation,
speaker_group,kind,roles,pronoun``); generic speakers, anaphors and nationality words in
``data/speaker_patterns.yaml``. Kazakh state media (Khabar 24, Kazinform) are coded
``media``: the codebook's ``kz_gov`` covers authorities and officials, not broadcasters.

All work per article is linear in its length (one regex or automaton pass per layer, with
bounded look-back windows); :func:`voice_at` scans the attribution list once per word.

References
----------
Pareti, S. (2016). PARC 3.0: A corpus of attribution relations. *LREC*.
Pouliquen, B., Steinberger, R. & Best, C. (2007). Automatic detection of quotations in
multilingual news. *RANLP*.
Muzny, G., Fang, M., Chang, A. & Jurafsky, D. (2017). A two-stage sieve approach for quote
attribution. *EACL*.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
import yaml

from .morph import has_case, inflect_term, is_nominal
from .paths import DATA_DIR
from .text import WORD_RE, fold, sentence_spans

__all__ = [
    "SPEAKER_GROUPS",
    "SHORT_QUOTE_MAX_WORDS",
    "Attribution",
    "Speaker",
    "SpeakerRegistry",
    "ReportingLexicon",
    "find_quotes",
    "find_attributions",
    "voice_at",
    "voices_at",
]

#: Values of ``speaker_group`` (codebook section 2).
SPEAKER_GROUPS = (
    "kz_gov", "ru_gov", "ru_media", "western_gov", "intl_org", "expert", "citizen", "media", "unknown",
)
#: A quotation of at most this many words is a short ("scare" or label) quote.
SHORT_QUOTE_MAX_WORDS = 4

_CATEGORIES = ("government", "media", "citizen", "expert", "unknown")
_KINDS = ("person", "org", "media", "country")

# --- small text helpers ------------------------------------------------------------

_DOUBLE = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'
_SINGLE = "'\u2018\u2019\u201a\u201b"
_QUOTE_CHARS = _DOUBLE + _SINGLE
_OPEN_GLYPH = "\u201c\u201e\u201f\u00ab\u2018\u201a\u201b"
_CLOSE_GLYPH = "\u201d\u00bb\u2019"
_OPEN_BEFORE = "([{<-\u2013\u2014/"
_CLOSE_AFTER = ".,;:!?)]}>-\u2013\u2014\u2026"
_MARK_RE = re.compile(f"[{_QUOTE_CHARS}]")

_AUX = frozenset(
    "is are was were be been being has have had will would can could should may might must "
    "did does do shall am".split()
)
_DETERMINERS = frozenset(
    "a an the this that these those its his her their our my your no any some every each".split()
)
_OBJECT_PRONOUNS = frozenset("them it him her this these those themselves".split())
_ADVERBS_BEFORE_VERB = frozenset(
    "also still widely often now already reportedly repeatedly never long later earlier again "
    "since then publicly previously once first further apparently allegedly officially only "
    "not just meanwhile".split()
)
# Russian relative pronoun "который" in every form (a clause boundary, like "which").
_RU_RELATIVES = frozenset(
    "который которая которое которые которого которой которых которому которым которыми "
    "котором которую".split()
)
# Russian subordinators and clause-opening conjunctions.
_RU_SUBORDINATORS = frozenset("что чтобы когда если хотя поскольку потому но однако а пока".split())
_SUBORDINATORS = frozenset(
    "although though but while whereas which who whom when after before since because if as "
    "saying adding according unless until whether so yet".split()
) | _RU_SUBORDINATORS | _RU_RELATIVES
_CONNECTIVES = frozenset(
    "however but and so also yet still meanwhile moreover further однако но и а также кроме того".split()
)
_AS_BLOCK_BEFORE = frozenset("such well so".split())
_AS_BLOCK_AFTER = frozenset("well of soon long far much many if though".split())
_NAME_STOP = frozenset(
    "the a an in on at by for of and or but january february march april may june july august "
    "september october november december monday tuesday wednesday thursday friday saturday "
    "sunday".split()
)
_PARTICIPLE_IRREGULAR = frozenset("said told thought seen written known held made shown given".split())
_RELATIVES = frozenset(("who", "whom", "which")) | _RU_RELATIVES
_NEGATIONS = frozenset(("not", "never", "neither", "nor", "cannot", "не", "ни"))
# First words of what may follow a clause-final reporting verb ("..., X said on Monday.").
_ADJUNCT_STARTERS = frozenset(
    "in on at during late earlier later last this today yesterday tonight via through after "
    "before when while citing according with from".split()
)
# Russian "в"/"у" are left out: "в МИД заявили" names the speaker after a preposition.
_PREPOSITIONS = frozenset(
    "in on at from to for with by against into over about between amid among across toward "
    "towards near within without through during under "
    "на из с со к ко по за от до о об обо при для без через над под между среди против".split()
)
# Words that cannot sit inside the speaker noun phrase of a clause-final cue.
_NP_BREAKERS = frozenset(
    "that which who whom but while although though because if when where whether than not no "
    "never".split()
) | _RU_SUBORDINATORS | _RU_RELATIVES | frozenset(("не",))

_BOUNDARY_RE = re.compile(
    r"[,;:()\[\]\"]|(?<!\w)'|'(?!\w)|\s-{1,2}\s"
    r"|(?<![\w'-])(?:that|who|whom|which|what|whose|when|where|whereas|although|though|because"
    r"|if|as|while|after|before|since|until|unless|but|whether|than"
    r"|что|чтобы|когда|если|хотя|поскольку|потому|но|однако"
    r"|котор(?:ый|ая|ое|ые|ого|ой|ых|ому|ым|ыми|ом|ую))(?![\w'-])"
)
_CLAUSE_PUNCT_RE = re.compile(r"[,;:]")
_THAT_STOP_RE = re.compile(r"[,;:\"()]")
_NAME_RE = re.compile(
    r"[A-Z\u0400-\u042f][\w.\u2019'&/-]*"
    r"(?:\s+(?:(?:of|for|the|and|de|al|on)\s+)*[A-Z\u0400-\u042f0-9][\w.\u2019'&/-]*)+"
)
# Characters at which the right-to-left scan of _Analysis._final_delim stops or finds a delimiter.
_FINAL_DELIM_SCAN_RE = re.compile(r"[;:()\"',]")
_COUNTRY_AFTER_RE = re.compile(r"\s+(?:in|of|from)\s+([\w'.-]+)")
_RU_COUNTRY_WORD_RE = re.compile(r"\s+(?:(?:из|в|во)\s+)?([\w'.-]+)")
_CITING_RE = re.compile(r"(?<![\w'-])citing\s+")
_CITED_RE = re.compile(r"(?<![\w'-])cit(?:e|es|ed|ing)\s+(?P<src>[^,;:\"]{1,80}?)\s+as\s+say(?:ing|s)(?![\w-])")
_IN_WORDS_RE = re.compile(r"(?<![\w'-])in\s+(?P<src>[^,;:\"]{1,40}?)'s\s+(?:own\s+)?words(?![\w-])")
_WHAT_RE = re.compile(r"(?<![\w'-])what\s+(?:[\w'.-]+\s+){1,4}$")
_COORD_RE = re.compile(r"^\s*(?:,\s*)?(?:and|or|nor|&)\s*$")
_WS_RE = re.compile(r"\s+")
_NP_STOP_CHARS = frozenset(',;:"().!?')
# Dashes that introduce direct speech or the author's words in Russian.
_DASHES = "\u2014\u2013"
# A word (after an optional "из"/"в") right after a Russian generic speaker noun.
_RU_COUNTRY_AFTER_RE = re.compile(r"\s+(?:(?:из|в|во)\s+)?[\u0400-\u04ff]")
# A sentence that is the author's words after direct speech: "— заявил Токаев."
_DASH_CONTINUATION_RE = re.compile(rf"[{_DASHES}-]\s+[^\W\d_A-Z\u0410-\u042f\u0401]")
# The end of a Punkt "sentence" that is really a Russian initial or abbreviation
# ("К.-Ж. Токаев", "В.В. Путин", "8 тыс. человек", "по ст. 272", "т.н. «мирные»").
_RU_ABBREV_END_RE = re.compile(
    r"(?:^|[\s(«\"])(?:[А-ЯЁ]\.(?:-?[А-ЯЁ]\.)*|тыс\.|ст\.|т\.н\.|млрд\.|руб\.|чел\.|напр\.|проф\.|"
    r"акад\.|ген\.|обл\.|р-н\.|пос\.|с\.|п\.)\Z"
)
# A paragraph of Russian dialogue: it opens with a dash and a space.
_DIALOGUE_RE = re.compile(rf"[ \t]*[{_DASHES}][ \t]+")
# In dialogue, the end of a stretch of direct speech: ", —", "! —", "? —", "... —".
_DIALOGUE_BREAK_RE = re.compile(rf"([,!?.\u2026])[ \t]+[{_DASHES}][ \t]+")
# Odd spaces (NBSP, thin spaces) read as plain spaces in the matching copy (same length).
_SPACE_TABLE = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                              "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"})
_ODD_SPACES = tuple(chr(k) for k in _SPACE_TABLE)


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


def _ru_forms(key: str) -> tuple[str, ...]:
    """Every case/number form of a Cyrillic pattern (kazframe.morph), else the key itself."""
    return inflect_term(key) if _is_cyrillic(key) else (key,)


def _match_copy(text: str) -> str:
    """:func:`kazframe.text.fold` with odd spaces as plain spaces (same length)."""
    folded = fold(text)
    if folded.isascii():
        return folded.replace("\t", " ")
    # Chained replace (each skipped when absent): same result as translate(_SPACE_TABLE), faster.
    for old in _ODD_SPACES:
        if old in folded:
            folded = folded.replace(old, " ")
    return folded


def _sentences(text: str) -> list[tuple[int, int]]:
    """Punkt sentences, re-joining a split before a lower-case continuation.

    Punkt ends a sentence at ``?"`` or ``!"``; in ``"... murderers?" added Tokayev.`` the
    attribution belongs to the quotation's sentence.
    """
    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text):
        prev = text[out[-1][0]:out[-1][1]] if out else ""
        same_line = bool(prev) and "\n" not in text[out[-1][1]:a]
        if (same_line and text[a:a + 1].islower()
                and prev[-1:] in _QUOTE_CHARS and prev[-2:-1] in "?!\u2026"):
            out[-1] = (out[-1][0], b)
        elif same_line and _DASH_CONTINUATION_RE.match(text, a):
            # Russian: '«Это теракт!» — заявил Токаев.' / '— Это теракт! — заявил он.'
            out[-1] = (out[-1][0], b)
        elif same_line and _RU_ABBREV_END_RE.search(prev):
            # Punkt splits after Russian initials and abbreviations: 'В.В. Путин', '8 тыс. человек'.
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


@lru_cache(maxsize=65536)
def _norm_key(s: str) -> str:
    """Folded, single-spaced key for a data-file entry (memoised: called per cue and mention)."""
    return _WS_RE.sub(" ", fold(s.strip()))


def _words_in(folded: str, a: int, b: int) -> list[re.Match]:
    return list(WORD_RE.finditer(folded, a, b))


def _count_words(text: str, a: int, b: int) -> int:
    return len(WORD_RE.findall(text, a, b))


# --- public data classes -----------------------------------------------------------


@dataclass(frozen=True)
class Attribution:
    """A quotation span or a reported-speech scope, with its speaker.

    Attributes
    ----------
    start, end : int
        Half-open span in the analysed string; for ``quoted``, the text inside the marks.
    kind : str
        ``"quoted"`` or ``"reported"``.
    speaker : str
        Who is quoted or reported, as named or resolved ("Tokayev", "security officials");
        ``""`` when nobody is identifiable.
    speaker_group : str
        One of :data:`SPEAKER_GROUPS`.
    verb : str
        The reporting verb or phrase ("said", "according to", "described ... as"), or ``""``.
    n_words : int
        Number of words inside the span; a quotation is short when ``n_words <= 4``.
    """

    start: int
    end: int
    kind: str
    speaker: str
    speaker_group: str
    verb: str
    n_words: int


@dataclass(frozen=True)
class Speaker:
    """One row of ``data/speakers.csv``."""

    name: str
    speaker_group: str
    kind: str
    roles: tuple[str, ...] = ()
    pronoun: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class _Who:
    """A resolved speaker: name, group, kind and what pronouns may point back to it."""

    speaker: str
    group: str
    kind: str  # person | org | generic | country | name
    plural: bool = False
    pronoun: str = ""
    roles: tuple[str, ...] = ()


_PRIORITY = {"person": 5, "org": 4, "generic": 3, "country": 2, "name": 1}
_UNKNOWN = _Who("", "unknown", "generic")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    key: str
    kind: str  # name | generic | anaphor | pronoun
    ref: object


# --- speaker registry --------------------------------------------------------------


def _read_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


class SpeakerRegistry:
    """Named speakers and the patterns that recognise generic ones.

    Build it with :meth:`load`. The registry recognises mentions of registered speakers
    (by their aliases), generic speakers ("security officials", "analysts"), anaphors
    ("the president", "the ministry") and pronouns in a folded text, in one pass.

    Parameters
    ----------
    speakers : sequence of Speaker
    aliases : dict
        Folded alias -> speaker name (every name is also its own alias).
    patterns : dict
        The content of ``speaker_patterns.yaml``.
    case_sensitive : dict, optional
        Folded alias -> exact spelling, for short all-capital aliases ("US", "UN").
    """

    def __init__(self, speakers: Sequence[Speaker], aliases: dict[str, str], patterns: dict,
                 case_sensitive: dict[str, str] | None = None):
        self.speakers = {s.name: s for s in speakers}
        self._aliases = dict(aliases)
        self._case_sensitive = dict(case_sensitive or {})
        self.default_country = str(patterns.get("default_country", "kz"))
        self._country_groups: dict[str, tuple[str, str]] = {}
        self._country_words: dict[str, str] = {}
        for code, spec in (patterns.get("countries") or {}).items():
            self._country_groups[code] = (spec["government_group"], spec["media_group"])
            for w in spec.get("words", []):
                for form in _ru_forms(_norm_key(str(w))):
                    self._country_words.setdefault(form, code)
        self._generic: dict[str, str] = {}
        for category, phrases in (patterns.get("generic_speakers") or {}).items():
            if category not in _CATEGORIES:
                raise ValueError(f"unknown generic speaker category {category!r}")
            for p in phrases:
                for form in _ru_forms(_norm_key(str(p))):
                    self._generic.setdefault(form, category)
        self._anaphors = {form: dict(v) for k, v in (patterns.get("anaphors") or {}).items()
                          for form in _ru_forms(_norm_key(k))}
        self._name_keywords: list[tuple[str, str]] = []
        for category, words in (patterns.get("name_keywords") or {}).items():
            for w in words:
                self._name_keywords.append((_norm_key(str(w)), category))
        self._pronouns = {_norm_key(k): str(v) for k, v in (patterns.get("pronouns") or {}).items()}
        self._determiners = frozenset(_norm_key(str(d)) for d in patterns.get("determiners", []))
        self._generic_words = frozenset(w for k in self._generic for w in k.split())
        self._automaton = self._build_automaton()

    # construction ---------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None, *, patterns: str | Path | None = None) -> SpeakerRegistry:
        """Read ``speakers.csv`` and ``speaker_patterns.yaml``.

        Parameters
        ----------
        path : str or Path, optional
            The speaker table; default ``DATA_DIR / "speakers.csv"``. Columns ``name``,
            ``aliases`` (``;``-separated), ``affiliation``, ``speaker_group`` and optionally
            ``kind`` (person/org/media/country), ``roles`` (``;``-separated role nouns such
            as ``president``) and ``pronoun`` (he/she/it/they).
        patterns : str or Path, optional
            Generic speakers, anaphors and nationality words; default
            ``DATA_DIR / "speaker_patterns.yaml"``.

        Returns
        -------
        SpeakerRegistry

        Raises
        ------
        ValueError
            On an unknown group or kind, or an alias claimed by two speakers.
        """
        path = Path(path) if path is not None else DATA_DIR / "speakers.csv"
        patterns = Path(patterns) if patterns is not None else DATA_DIR / "speaker_patterns.yaml"
        speakers: list[Speaker] = []
        aliases: dict[str, str] = {}
        exact: dict[str, str] = {}
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("name") or "").strip()
                if not name:
                    continue
                group = (row.get("speaker_group") or "").strip()
                kind = (row.get("kind") or "person").strip() or "person"
                if group not in SPEAKER_GROUPS:
                    raise ValueError(f"{path}: speaker {name!r} has unknown group {group!r}")
                if kind not in _KINDS:
                    raise ValueError(f"{path}: speaker {name!r} has unknown kind {kind!r}")
                roles = tuple(_norm_key(r) for r in (row.get("roles") or "").split(";") if r.strip())
                speakers.append(Speaker(name, group, kind, roles, (row.get("pronoun") or "").strip(),
                                        (row.get("affiliation") or "").strip()))
                for alias in [name, *(row.get("aliases") or "").split(";")]:
                    alias = alias.strip()
                    if not alias:
                        continue
                    key = _norm_key(alias)
                    if aliases.get(key, name) != name:
                        raise ValueError(f"{path}: alias {alias!r} claimed by {aliases[key]!r} and {name!r}")
                    aliases[key] = name
                    if alias.isupper() and len(alias) <= 3:
                        exact[key] = alias
        return cls(speakers, aliases, _read_yaml(patterns), exact)

    def _build_automaton(self) -> ahocorasick.Automaton:
        auto = ahocorasick.Automaton()
        entries: dict[str, tuple[str, object]] = {}
        for key, v in self._pronouns.items():
            entries[key] = ("pronoun", v)
        for key, cat in self._generic.items():
            entries[key] = ("generic", cat)
        for key, spec in self._anaphors.items():
            entries[key] = ("anaphor", spec)
        for key, name in self._aliases.items():
            entries[key] = ("name", self.speakers[name])
        for key, (kind, ref) in entries.items():
            auto.add_word(key, (key, kind, ref))
        auto.make_automaton()
        return auto

    # mentions ---------------------------------------------------------------------

    def find_mentions(self, text: str, folded: str | None = None) -> list[_Mention]:
        """Mentions of speakers, generic speakers, anaphors and pronouns (longest first)."""
        folded = _match_copy(text) if folded is None else folded
        n = len(folded)
        case_sensitive = self._case_sensitive
        found: list[tuple[int, int, str, str, object]] = []
        for end_idx, (key, kind, ref) in self._automaton.iter(folded):
            end = end_idx + 1
            start = end - len(key)
            # Whole words only: no letter, digit, "_" or "-" on either side (inlined: hot loop).
            if start > 0:
                c = folded[start - 1]
                if c.isalnum() or c == "_" or c == "-":
                    continue
            if end < n:
                c = folded[end]
                if c.isalnum() or c == "_" or c == "-":
                    continue
            if key in case_sensitive and text[start:end] != case_sensitive[key]:
                continue
            found.append((start, end, key, kind, ref))
        # Longest first, then no overlaps: "The Ministry of Health of Kazakhstan" is one
        # registered name, not the anaphor "the ministry" plus "health of kazakhstan".
        found.sort(key=lambda m: (m[0] - m[1], m[0]))
        taken = bytearray(n)
        out: list[_Mention] = []
        for start, end, key, kind, ref in found:
            if taken.find(1, start, end) < 0:
                taken[start:end] = b"\x01" * (end - start)
                out.append(_Mention(start, end, key, kind, ref))
        out.sort(key=lambda m: m.start)
        return out

    def _country_near(self, folded: str, start: int, end: int) -> tuple[str | None, int, int]:
        """Nationality word before (up to 3 words) or after ("in Moscow") a generic noun."""
        left = folded[max(0, start - 40):start]
        words = list(WORD_RE.finditer(left))[-3:]
        base = max(0, start - 40)
        code, new_start = None, start
        tail = left[words[-1].end():] if words else left
        if not any(ch in _NP_STOP_CHARS for ch in tail):
            for w in reversed(words):
                between = left[w.end():]
                if any(ch in _NP_STOP_CHARS for ch in between):
                    break
                c = self._country_words.get(w.group())
                if c is not None:
                    code, new_start = c, base + w.start()
                    break
        new_end = end
        m = _COUNTRY_AFTER_RE.match(folded[end:end + 40])
        if m is None and _is_cyrillic(folded[start:end]):
            # Russian: a genitive or "из/в X" after the noun ("власти Казахстана", "эксперты из России").
            m = _RU_COUNTRY_AFTER_RE.match(folded, end)
            m = _RU_COUNTRY_WORD_RE.match(folded[end:end + 40]) if m else None
        if code is None and m:
            c = self._country_words.get(m.group(1)) or (
                "ru" if m.group(1) in ("moscow", "russia") else None)
            if c is not None:
                code, new_end = c, end + m.end()
        return code, new_start, new_end

    def _generic_who(self, text: str, folded: str, m: _Mention, category: str | None = None) -> _Who:
        category = category or str(m.ref)
        if category == "unknown":
            return _UNKNOWN
        head = m.key.split()[-1]
        plural = head.endswith("s") or head in ("media", "police", "people") or (
            _is_cyrillic(head) and head[-1:] in "ыи" and head != "сми")
        code, a, b = self._country_near(folded, m.start, m.end)
        if category == "government":
            gov, _ = self._country_groups.get(code or self.default_country, ("unknown", "media"))
            group = gov
        elif category == "media":
            group = self._country_groups.get(code, ("", "media"))[1] if code else "media"
        else:
            group = category
        speaker = text[a:b]
        words = speaker.split()
        if words and _norm_key(words[0]) in self._determiners:
            speaker = " ".join(words[1:])
        if speaker[:1].isupper() and _norm_key(speaker.split()[0]) in self._generic_words:
            speaker = speaker[0].lower() + speaker[1:]
        return _Who(speaker, group, "generic", plural, "they" if plural else "it")

    def _name_who(self, name: str) -> _Who:
        """An unregistered capitalised name: group from its keywords, else unknown."""
        key = _norm_key(name)
        for kw, category in self._name_keywords:
            if re.search(rf"(?<![\w-]){re.escape(kw)}(?![\w-])", key):
                if category == "government":
                    return _Who(name, self._country_groups.get(self.default_country, ("unknown",))[0], "name")
                return _Who(name, category, "name")
        return _Who(name, "unknown", "name")

    def _speaker_who(self, sp: Speaker) -> _Who:
        kind = "org" if sp.kind in ("org", "media") else sp.kind
        return _Who(sp.name, sp.speaker_group, kind, sp.pronoun == "they", sp.pronoun, sp.roles)

    def resolve(self, mention: str) -> tuple[str, str]:
        """Resolve a speaker mention without context.

        Parameters
        ----------
        mention : str
            A name or description as written ("President Tokayev", "Russian lawmakers",
            "the president", "local media").

        Returns
        -------
        (speaker, speaker_group) : tuple of str
            The registered name and group; a generic speaker keeps its words
            ("Russian lawmakers", "ru_gov"); an anaphor uses its default speaker; anything
            unidentifiable gives ``("", "unknown")``.

        Examples
        --------
        >>> reg = SpeakerRegistry.load()
        >>> reg.resolve("Kassym-Jomart Tokayev")
        ('Tokayev', 'kz_gov')
        """
        text = mention.strip()
        folded = _match_copy(text)
        key = _norm_key(text)
        words = key.split()
        while words and words[0] in self._determiners:
            words = words[1:]
        if " ".join(words) in self._aliases:
            sp = self.speakers[self._aliases[" ".join(words)]]
            return sp.name, sp.speaker_group
        best: _Who | None = None
        for m in self.find_mentions(text, folded):
            who = self._static_who(text, folded, m)
            if who is not None and (best is None or _PRIORITY[who.kind] > _PRIORITY[best.kind]):
                best = who
        if best is None:
            for name in _NAME_RE.findall(text):
                words = name.split()
                while words and words[0].lower() in _NAME_STOP:
                    words = words[1:]
                if len(words) >= 2:
                    best = self._name_who(" ".join(words))
                    break
        return (best.speaker, best.group) if best is not None else ("", "unknown")

    def _static_who(self, text: str, folded: str, m: _Mention) -> _Who | None:
        """Context-free reading of a mention (anaphors use their default)."""
        if m.kind == "name":
            return self._speaker_who(m.ref)  # type: ignore[arg-type]
        if m.kind == "generic":
            return self._generic_who(text, folded, m)
        if m.kind == "anaphor":
            return self._anaphor_default(text, folded, m)
        return None

    def _anaphor_default(self, text: str, folded: str, m: _Mention) -> _Who | None:
        spec = m.ref  # type: ignore[assignment]
        default = spec.get("default")  # type: ignore[union-attr]
        if default and default in self.speakers:
            return self._speaker_who(self.speakers[default])
        generic = spec.get("generic")  # type: ignore[union-attr]
        if generic and _norm_key(generic) in self._generic:
            return self._generic_who(text, folded, m, self._generic[_norm_key(generic)])
        return None


@lru_cache(maxsize=1)
def _default_registry() -> SpeakerRegistry:
    return SpeakerRegistry.load()


# --- reporting lexicon -------------------------------------------------------------


def _trie_regex(keys: Iterable[str]) -> str:
    """One regex for many single-spaced phrases, shaped as a trie (a space matches ``\\s+``).

    It matches what the alternation of the phrases sorted longest first matches: at one
    position the phrases that match are prefixes of each other, and the trie tries the
    longer continuation before ending. Each position costs the depth of the trie, not the
    number of phrases (hundreds of reporting-verb forms).
    """
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + emit(child)
                    for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _presence(keys: Iterable[str]) -> ahocorasick.Automaton | None:
    """An automaton that tells whether any of ``keys`` occurs in a string (None: no keys)."""
    keys = {k for k in keys if k}
    if not keys:
        return None
    auto = ahocorasick.Automaton()
    for k in keys:
        auto.add_word(k, k)
    auto.make_automaton()
    return auto


def _any_in(auto: ahocorasick.Automaton | None, s: str) -> bool:
    """Whether a key of ``auto`` (:func:`_presence`) occurs in ``s``: one C scan, first hit."""
    if auto is None:
        return False
    return next(auto.iter(s), None) is not None


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern | None:
    keys = sorted({_norm_key(p) for p in phrases if str(p).strip()}, key=len, reverse=True)
    if not keys:
        return None
    return re.compile(rf"(?<![\w'-])(?:{_trie_regex(keys)})(?![\w-])")


@dataclass(frozen=True)
class _CueSpec:
    lemma: str
    klass: str  # speech | that | label | phrase | according | document
    markers: tuple[str, ...] = ()
    direct: bool = False
    case: str = ""  # labelling: Z starts at the first word in this grammatical case (Russian)


class ReportingLexicon:
    """Reporting verbs and attribution phrases (``data/reporting_verbs.yaml``)."""

    def __init__(self, spec: dict):
        forms: dict[str, _CueSpec] = {}

        def add(form: str, cue: _CueSpec) -> None:
            forms.setdefault(_norm_key(form), cue)

        for lemma, fs in (spec.get("speech") or {}).items():
            for f in fs:
                add(str(f), _CueSpec(str(lemma), "speech"))
        for lemma, fs in (spec.get("speech_with_that") or {}).items():
            for f in fs:
                add(str(f), _CueSpec(str(lemma), "that"))
        for lemma, item in (spec.get("labelling") or {}).items():
            markers = tuple(_norm_key(str(x)) for x in item.get("markers", []))
            case = str(item.get("case") or "")
            for f in item["forms"]:
                add(str(f), _CueSpec(str(lemma), "label", markers, bool(item.get("direct", False)), case))
        for p in spec.get("speech_phrases") or []:
            add(str(p), _CueSpec(_norm_key(str(p)), "phrase"))
        for p in spec.get("according_phrases") or []:
            add(str(p), _CueSpec(_norm_key(str(p)), "according"))
        for f in spec.get("document_verbs") or []:
            add(str(f), _CueSpec("read", "document"))
        self.forms = forms
        self.complementizers = frozenset(
            _norm_key(str(x)) for x in spec.get("complementizers") or ["that"])
        self.cue_re = _phrase_regex(forms)
        self.mask_re = _phrase_regex(spec.get("not_reporting") or [])
        # Pre-checks (necessary conditions, exact): a phrase regex can match only where its
        # single-spaced phrase occurs in the whitespace-collapsed text, and the claim
        # regexes only where a claim noun occurs; the C scan is ~10x cheaper than the regex.
        self.mask_keys = _presence(_norm_key(str(p)) for p in spec.get("not_reporting") or [] if str(p).strip())
        self.not_sources = frozenset(_norm_key(str(x)) for x in spec.get("not_sources") or [])
        self.document_nouns = frozenset(_norm_key(str(x)) for x in spec.get("document_nouns") or [])
        self.noun_forms = frozenset(_norm_key(str(x)) for x in spec.get("noun_forms") or [])
        claim = sorted({_norm_key(str(x)) for x in spec.get("claim_nouns") or []}, key=len, reverse=True)
        nouns = "|".join(re.escape(c) for c in claim) or "(?!)"
        self.claim_poss_re = re.compile(
            rf"(?<![\w'-])(?P<poss>its|their|his|her|[\w.-]+'s)\s+"
            rf"(?P<mod>[\w-]+(?:\s+[\w-]+){{0,2}}?)\s+(?:{nouns})(?![\w-])"
        )
        self.claim_of_re = re.compile(rf"(?<![\w'-])(?:{nouns})\s+(?:of|that)\s+")
        self.claim_keys = _presence(claim)
        dist = sorted({_norm_key(str(x)) for x in spec.get("distancing") or []}, key=len, reverse=True)
        dalts = "|".join(r"\s+".join(re.escape(w) for w in d.split()) for d in dist) or "(?!)"
        self.distancing_re = re.compile(rf"(?<![\w'-])(?:{dalts})(?![\w-])")
        self.distancing_keys = _presence(dist)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ReportingLexicon:
        """Read the reporting lexicon; default ``DATA_DIR / "reporting_verbs.yaml"``."""
        return cls(_read_yaml(Path(path) if path is not None else DATA_DIR / "reporting_verbs.yaml"))


@lru_cache(maxsize=1)
def _default_lexicon() -> ReportingLexicon:
    return ReportingLexicon.load()


# --- quotation spans ---------------------------------------------------------------

_OPEN, _CLOSE, _EITHER = 1, 2, 3


@dataclass
class _Quote:
    open: int  # index of the opening mark (or of the paragraph start for a dropped mark)
    inner_start: int
    inner_end: int
    close: int | None  # index of the closing mark, None when unclosed
    at_para_start: bool
    who: _Who | None = None
    verb: str = ""


def _mark_role(text: str, i: int, ls: int, le: int) -> int | None:
    c = text[i]
    left = text[i - 1] if i > ls else None
    right = text[i + 1] if i + 1 < le else None
    left_open = left is None or left.isspace() or left in _OPEN_BEFORE or left in _QUOTE_CHARS
    right_close = right is None or right.isspace() or right in _CLOSE_AFTER or right in _QUOTE_CHARS
    if c in _SINGLE:
        if left is not None and right is not None and left.isalnum() and right.isalnum():
            return None  # apostrophe inside a word
        if left_open and right is not None and right.isalnum():
            return _OPEN
        if left is not None and (left.isalnum() or left in ".,!?\u2026") and right_close:
            return _CLOSE
        return None
    if left_open and not right_close:
        return _OPEN
    if right_close and not left_open:
        return _CLOSE
    if c in _OPEN_GLYPH:
        return _OPEN
    if c in _CLOSE_GLYPH:
        return _CLOSE
    return _EITHER


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _find_quotes(text: str) -> list[_Quote]:
    quotes: list[_Quote] = []
    carry: tuple[int, str] | None = None  # (open index, glyph) of an unclosed double quote
    carry_para_start = False
    prev_end = 0
    for ls, le in _paragraphs(text):
        marks = [(m.start(), _mark_role(text, m.start(), ls, le)) for m in _MARK_RE.finditer(text, ls, le)]
        marks = [(i, r) for i, r in marks if r is not None]
        stack: list[tuple[int, str, bool, bool]] = []  # (index, glyph, is_double, at_para_start)
        first = len(text[ls:le]) - len(text[ls:le].lstrip())
        if carry is not None:
            doubles = [(i, r) for i, r in marks if text[i] in _DOUBLE]
            if doubles and doubles[0][0] == ls + first and doubles[0][1] in (_OPEN, _EITHER):
                stack.append((carry[0], carry[1], True, carry_para_start))
                marks = [(i, r) for i, r in marks if i != doubles[0][0]]
            elif doubles and doubles[0][1] == _CLOSE:
                stack.append((carry[0], carry[1], True, carry_para_start))
            else:
                quotes.append(_Quote(carry[0], carry[0] + 1, prev_end, None, carry_para_start))
            carry = None
        seen_span = False
        for i, role in marks:
            g = text[i]
            if g in _DOUBLE:
                open_d = [k for k, e in enumerate(stack) if e[2]]
                if role == _EITHER:
                    role = _CLOSE if open_d else _OPEN
                if role == _OPEN and open_d:
                    top = stack[open_d[-1]]
                    if g == '"' or top[1] == '"':
                        role = _CLOSE
                    elif g == top[1]:  # same curly glyph again: the first one was never closed
                        quotes.append(_Quote(top[0], top[0] + 1, i, None, top[3]))
                        del stack[open_d[-1]:]
                        stack.append((i, g, True, False))
                        continue
                if role == _OPEN:
                    stack.append((i, g, True, i == ls + first))
                    continue
                if open_d:
                    top = stack[open_d[-1]]
                    del stack[open_d[-1]:]
                    quotes.append(_Quote(top[0], top[0] + 1, i, i, top[3]))
                    seen_span = True
                elif not seen_span and i > ls and text[i - 1] in ",.?!\u2026":
                    # A closing mark with nothing open: the opening mark was dropped.
                    quotes.append(_Quote(ls, ls, i, i, True))
                    seen_span = True
            else:
                if role == _OPEN:
                    stack.append((i, g, False, i == ls + first))
                    continue
                last_d = max((k for k, e in enumerate(stack) if e[2]), default=-1)
                singles = [k for k, e in enumerate(stack) if not e[2] and k > last_d]
                if singles:
                    top = stack[singles[-1]]
                    del stack[singles[-1]:]
                    quotes.append(_Quote(top[0], top[0] + 1, i, i, top[3]))
                    seen_span = True
        doubles_open = [e for e in stack if e[2]]
        if doubles_open:
            carry = (doubles_open[0][0], doubles_open[0][1])
            carry_para_start = doubles_open[0][3]
        prev_end = le
    if carry is not None:
        quotes.append(_Quote(carry[0], carry[0] + 1, prev_end, None, carry_para_start))
    for ls, le in _paragraphs(text):
        quotes.extend(_dialogue_quotes(text, ls, le))
    quotes.sort(key=lambda q: (q.inner_start, -q.inner_end))
    return quotes


def _dialogue_quotes(text: str, ls: int, le: int) -> list[_Quote]:
    """Direct speech of a Russian dialogue paragraph: '— Речь, — сказал он. — Речь.'

    A paragraph that opens with a dash and a space is direct speech up to ", —" (or
    "! —", "? —", ". —"); the author's words follow up to the next such break, after which
    direct speech resumes. Direct speech is marked by the dash as other quotations are by
    quotation marks, so it is a quotation (codebook: ``quoted``). The closing "mark" of a
    stretch is the punctuation before its dash, where the author's words attach.
    """
    m = _DIALOGUE_RE.match(text, ls, le)
    if m is None or m.end() >= le:
        return []
    out: list[_Quote] = []
    pos, open_at, speech = m.end(), m.end() - 1, True
    while pos < le:
        brk = _DIALOGUE_BREAK_RE.search(text, pos, le)
        end = brk.start(1) if brk is not None else len(text[:le].rstrip())
        if speech and end > pos:
            out.append(_Quote(open_at, pos, end, brk.start(1) if brk is not None else None, not out))
        if brk is None:
            break
        open_at, pos, speech = brk.end() - 1, brk.end(), not speech
    return out


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Inner spans of the quotations in ``text`` (the text between the marks).

    Parameters
    ----------
    text : str
        An article body (paragraphs separated by newlines) or a title.

    Returns
    -------
    list of (start, end)
        Sorted by start; nested quotations are listed inside their parent. A quotation
        that runs over several paragraphs is one span.

    Examples
    --------
    >>> find_quotes("He said 'no' and \\u201cyes, it\\u2019s \\u2018fine\\u2019\\u201d.")
    [(9, 11), (18, 34), (29, 33)]
    """
    return [(q.inner_start, q.inner_end) for q in _find_quotes(text)]


# --- the analysis of one string ----------------------------------------------------


@dataclass
class _Cue:
    start: int
    end: int
    spec: _CueSpec
    form: str
    who: _Who | None = None
    scopes: list[tuple[int, int]] = field(default_factory=list)
    verb: str = ""
    delim: int | None = None  # comma / closing mark a clause-final cue is attached to
    sentence: int = -1


class _Analysis:
    """Quotations, cues, scopes and speakers of one string (a title or a body)."""

    def __init__(self, text: str, registry: SpeakerRegistry, lexicon: ReportingLexicon,
                 context: list[tuple[_Who, bool]] | None = None):
        self.text = text
        self.folded = _match_copy(text)
        # Whitespace runs as one space: for the pre-checks of phrase regexes (not offsets).
        self.collapsed = " ".join(self.folded.split())
        self.reg = registry
        self.lex = lexicon
        self.context = context or []
        self.paras = _paragraphs(text)
        self.para_starts = [a for a, _ in self.paras]
        self.sentences = _sentences(text)
        self.sent_starts = [a for a, _ in self.sentences]
        self.quotes = _find_quotes(text)
        self.in_quote = bytearray(len(text))
        self.close_marks: set[int] = set()
        for q in self.quotes:
            self.in_quote[q.inner_start:q.inner_end] = b"\x01" * (q.inner_end - q.inner_start)
            if q.close is not None:
                self.close_marks.add(q.close)
        self.mentions = [m for m in registry.find_mentions(text, self.folded) if not self.in_quote[m.start]]
        self.mention_starts = [m.start for m in self.mentions]
        self._static: list[tuple[int, _Who]] = []
        self._static_pos: list[int] = []
        self._mention_who: dict[int, _Who | None] = {}
        self._resolve_static()
        self.events: list[tuple[int, _Who]] = []  # resolved speakers, in text order
        self.event_pos: list[int] = []
        self.cues: list[_Cue] = []
        self.by_sentence: dict[int, list[_Cue]] = {}
        self.extra: list[tuple[int, int, str, _Who | None]] = []  # noun-phrase scopes

    # mentions and their resolution -------------------------------------------------

    def _para_index(self, pos: int) -> int:
        return max(bisect_right(self.para_starts, pos) - 1, 0)

    def _resolve_static(self) -> None:
        last_role: dict[str, tuple[int, _Who]] = {}
        for m in self.mentions:
            who: _Who | None = None
            if m.kind == "name":
                who = self.reg._speaker_who(m.ref)  # type: ignore[arg-type]
                for r in who.roles:
                    last_role[r] = (m.start, who)
            elif m.kind == "generic":
                who = self.reg._generic_who(self.text, self.folded, m)
            elif m.kind == "anaphor":
                role = _norm_key(str(m.ref.get("role", "")))  # type: ignore[union-attr]
                if role in last_role:
                    who = last_role[role][1]
                else:
                    who = self._context_role(role) or self.reg._anaphor_default(self.text, self.folded, m)
            if who is not None and who.speaker:
                self._mention_who[m.start] = who
                self._static.append((m.start, who))
                self._static_pos.append(m.start)
            elif who is not None:
                self._mention_who[m.start] = who

    def _context_role(self, role: str) -> _Who | None:
        for who, _ in reversed(self.context):
            if role in who.roles:
                return who
        return None

    @staticmethod
    def _fits(who: _Who, want: str, is_event: bool) -> bool:
        if want in ("he", "she"):
            if who.kind == "person":
                return who.pronoun in (want, "")
            return is_event and (who.kind in ("org", "name") or (who.kind == "generic" and not who.plural))
        if want == "it":
            return (who.kind in ("org", "country") or (who.kind == "generic" and not who.plural)
                    or (is_event and who.kind == "name"))
        if want == "they":
            return (who.kind == "generic" and who.plural) or who.plural or (
                is_event and who.kind in ("org", "country"))
        return False

    def antecedent(self, pos: int, want: str) -> _Who | None:
        """Last compatible mention or speaker before ``pos`` (current + 2 previous paragraphs)."""
        lo_para = self._para_index(pos) - 2
        limit = self.para_starts[lo_para] if lo_para >= 0 else 0
        best: tuple[int, _Who] | None = None
        k = bisect_left(self._static_pos, pos) - 1
        while k >= 0 and self._static[k][0] >= limit:
            if self._fits(self._static[k][1], want, False):
                best = self._static[k]
                break
            k -= 1
        k = bisect_left(self.event_pos, pos) - 1
        while k >= 0:
            p, who = self.events[k]
            if p < limit or (best is not None and p <= best[0]):
                break
            if self._fits(who, want, True):
                best = (p, who)
                break
            k -= 1
        if best is not None:
            return best[1]
        for who, is_event in reversed(self.context):
            if self._fits(who, want, is_event):
                return who
        return None

    def _who_of(self, m: _Mention) -> _Who | None:
        if m.kind == "pronoun":
            return self.antecedent(m.start, str(m.ref))
        return self._mention_who.get(m.start)

    def mentions_in(self, a: int, b: int) -> list[_Mention]:
        i = bisect_left(self.mention_starts, a)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < b:
            if self.mentions[i].end <= b:
                out.append(self.mentions[i])
            i += 1
        return out

    def _possessor_only(self, m: _Mention, b: int) -> bool:
        """Not a possible subject: a possessor ("Russia's intervention", unless of a document)
        or the object of a preposition ("intervention in Kazakhstan"; after "of" only a
        country: "a spokesperson of the Russian Foreign Ministry" keeps the ministry)."""
        if self.folded.startswith("'s", m.end):
            return not self._has_document_noun(m.end + 2, b)
        prev = _words_in(self.folded, max(0, m.start - 12), m.start)
        word = prev[-1].group() if prev else ""
        if word in ("the", "a", "an") and len(prev) > 1:
            word = prev[-2].group()
        if word == "of":
            return self._who_of(m) is not None and self._mention_who.get(m.start, _UNKNOWN).kind == "country"
        return word in _PREPOSITIONS

    def best_in(self, a: int, b: int, *, names: bool = True, subject: bool = False) -> _Who | None:
        """The most specific speaker mentioned in ``[a, b)`` (ties: the first)."""
        cands = []
        for m in self.mentions_in(a, b):
            if subject and self._possessor_only(m, b):
                continue
            who = self._who_of(m)
            if who is None:
                continue
            prio = -1 if m.kind == "pronoun" else _PRIORITY[who.kind]
            cands.append((prio, m, who))
        if cands:
            top = max(c[0] for c in cands)
            idx = next(k for k, c in enumerate(cands) if c[0] == top)
            _, m, who = cands[idx]
            if idx + 1 < len(cands) and cands[idx + 1][0] == top:
                m2, who2 = cands[idx + 1][1], cands[idx + 1][2]
                if _COORD_RE.match(self.folded[m.end:m2.start]) and who2.speaker != who.speaker:
                    return _Who(f"{who.speaker} and {who2.speaker}", who.group, who.kind, True, "they")
            if top >= _PRIORITY["country"] or not names:
                return who
            name = self._name_in(a, b)
            return name or who
        return self._name_in(a, b) if names else None

    def _name_in(self, a: int, b: int) -> _Who | None:
        for m in _NAME_RE.finditer(self.text, a, b):
            if self.in_quote[m.start()]:
                continue
            words = m.group().split()
            while words and words[0].lower() in _NAME_STOP:
                words = words[1:]
            if len(words) >= 2 and not all(w.lower() in _NAME_STOP for w in words):
                return self.reg._name_who(" ".join(words))
        return None

    # sentences and windows ----------------------------------------------------------

    def sentence_of(self, pos: int) -> tuple[int, int]:
        k = max(bisect_right(self.sent_starts, pos) - 1, 0)
        return self.sentences[k] if self.sentences else (0, len(self.text))

    def _prev_nonspace(self, i: int, lo: int) -> int | None:
        j = i - 1
        while j >= lo and self.text[j].isspace():
            j -= 1
        return j if j >= lo else None

    def _is_delim(self, j: int) -> bool:
        return self.folded[j] == "," or j in self.close_marks

    def _over_dash(self, j: int | None, lo: int) -> int | None:
        """Step back over a spaced dash to the comma or closing mark before it.

        Russian puts a dash between direct speech and the author's words:
        '«Это теракт», — заявил Токаев.', '— Это теракт! — заявил он.'
        """
        if j is None or self.text[j] not in _DASHES + "-" or (j > lo and not self.text[j - 1].isspace()):
            return j
        k = self._prev_nonspace(j, lo)
        return k if k is not None and self._is_delim(k) else j

    def subject_before(self, s: int, cue_start: int) -> _Who | None:
        """Right-to-left search of the clause segments before a front cue."""
        bounds = list(_BOUNDARY_RE.finditer(self.folded, s, cue_start))
        segs: list[tuple[int, int, str, str | None]] = []
        prev, lead = s, ""
        for m in bounds:
            segs.append((prev, m.start(), lead, m.group()))
            prev, lead = m.end(), m.group().strip()
        segs.append((prev, cue_start, lead, None))
        for names in (False, True):
            for k in range(len(segs) - 1, -1, -1):
                a, b, lead, closer = segs[k]
                if lead in _RELATIVES:
                    if closer is not None and "," in closer:
                        continue  # a non-restrictive relative clause between subject and verb
                    who = self.best_in(a, b, names=False)
                    if who is not None:
                        return who
                    for kk in range(k - 1, -1, -1):
                        ante = self.best_in(segs[kk][0], segs[kk][1], names=names)
                        if ante is not None:
                            return ante
                    break
                who = self.best_in(a, b, names=names, subject=True)
                if who is not None:
                    return who
        return None

    # cues ------------------------------------------------------------------------------

    def find_cues(self) -> None:
        lex, folded = self.lex, self.folded
        masked: list[tuple[int, int]] = []
        collapsed = self.collapsed
        if lex.mask_re is not None and _any_in(lex.mask_keys, collapsed):
            masked = [m.span() for m in lex.mask_re.finditer(folded)]
        # "the alleged militants": a distancing adjective, not a verb of saying.
        distancing = lex.distancing_re.finditer(folded) if _any_in(lex.distancing_keys, collapsed) else ()
        for m in distancing:
            if self.in_quote[m.start()]:
                continue
            if m.group().startswith("alleged") and not self._alleged_is_adjective(m.start(), m.end()):
                continue
            masked.append(m.span())
            self._distancing(m.start(), m.end())
        cited = self._cited_as_saying(masked) + self._colon_attributions()
        in_words = _IN_WORDS_RE.finditer(folded) if "words" in folded and "'s" in folded else ()
        for m in in_words:  # "in Tokayev's words, ..."
            if not self.in_quote[m.start()]:
                cited.append(_Cue(m.start(), m.start("src"), _CueSpec("in words", "according"), "in ... words"))
        blocked = bytearray(len(folded))
        for a, b in masked:
            blocked[a:b] = b"\x01" * (b - a)
        cues: list[_Cue] = list(cited)
        if lex.cue_re is not None:
            for m in lex.cue_re.finditer(folded):
                a, b = m.span()
                if self.in_quote[a] or blocked[a]:
                    continue
                form = m.group()
                if not form.isalnum():  # a one-word form has no whitespace to collapse
                    form = _WS_RE.sub(" ", form)
                cues.append(_Cue(a, b, lex.forms[form], self.text[a:b]))
        cues.sort(key=lambda c: c.start)
        self.cues = cues

    def _colon_attributions(self) -> list[_Cue]:
        """'Захарова: события в Казахстане — ...' / 'Tokayev: ...': a sentence that opens with
        nothing but a registered person's or organisation's name and a colon reports that
        speaker up to its end (a country before a colon is a topic: "Kazakhstan: ...")."""
        out = []
        for s, e in self.sentences:
            colon = self.folded.find(":", s, min(e, s + 80))
            if colon < 0 or self.in_quote[colon] or colon + 1 >= e:
                continue
            words = _words_in(self.folded, s, colon)
            names = [m for m in self.mentions_in(s, colon) if m.kind != "pronoun"]
            if not words or not names or self.folded[s:colon].strip(" \"'") != self.folded[s:colon]:
                continue
            covered = all(any(m.start <= w.start() and w.end() <= m.end for m in names) for w in words)
            who = self.best_in(s, colon) if covered else None
            if who is None or who.kind not in ("person", "org"):
                continue  # "Kazakhstan: dozens killed ..." is a topic, not a speaker
            cue = _Cue(colon, colon + 1, _CueSpec("colon", "cited"), ":", who=who, verb=":")
            cue.scopes.append((colon + 1, e))
            out.append(cue)
        return out

    def _alleged_is_adjective(self, a: int, b: int) -> bool:
        prev = list(WORD_RE.finditer(self.folded, max(0, a - 30), a))
        nxt = WORD_RE.match(self.folded, b + 1) if b + 1 < len(self.folded) else None
        s, _ = self.sentence_of(a)
        before_ok = not prev or prev[-1].end() <= s or prev[-1].group() in _DETERMINERS or (
            prev[-1].group() in ("of", "for", "by", "with", "against", "on") or prev[-1].group().isdigit())
        return before_ok and nxt is not None and nxt.group() not in ("that", "to", "by", "in", "on")

    def _cited_as_saying(self, masked: list[tuple[int, int]]) -> list[_Cue]:
        out: list[_Cue] = []
        if "cit" not in self.folded or "as say" not in self.collapsed:
            return out  # the pattern's literal parts are absent
        for m in _CITED_RE.finditer(self.folded):
            if self.in_quote[m.start()]:
                continue
            masked.append((m.start(), m.end()))
            cue = _Cue(m.start(), m.end(), _CueSpec("cite", "cited"), "cited ... as saying")
            cue.who = self.best_in(m.start("src"), m.end("src")) or _UNKNOWN
            s, e = self.sentence_of(m.start())
            cue.scopes.append((self._after_that(m.end(), e), e))
            cue.verb = "cited ... as saying"
            out.append(cue)
        return out

    def _after_that(self, pos: int, e: int) -> int:
        """Skip a complementizer ("that", "что") within the next 10 words.

        No punctuation may stand in between, except a comma right before the
        complementizer (Russian: "заявил, что ...", "сообщил о том, что ...").
        """
        comps = self.lex.complementizers
        for k, w in enumerate(WORD_RE.finditer(self.folded, pos, e)):
            if k >= 10:
                break
            stop = _THAT_STOP_RE.search(self.folded, pos, w.start())
            if stop is not None:
                between = self.folded[pos:w.start()].rstrip()
                if not (w.group() in comps and w.group() != "that" and between.endswith(",")
                        and _THAT_STOP_RE.search(self.folded, pos, pos + len(between) - 1) is None):
                    break
            if w.group() in comps:
                return w.end()
        return pos

    def _has_that(self, pos: int, e: int) -> bool:
        return self._after_that(pos, e) != pos

    def resolve_cues(self) -> None:
        k = 0
        for si, (s, e) in enumerate(self.sentences):
            sent_cues = []
            while k < len(self.cues) and self.cues[k].start < e:
                if self.cues[k].start >= s:
                    sent_cues.append(self.cues[k])
                k += 1
            for i, cue in enumerate(sent_cues):
                cue.sentence = si
                nxt = sent_cues[i + 1].start if i + 1 < len(sent_cues) else e
                if cue.spec.klass != "cited" and not (cue.spec.klass == "according" and cue.scopes):
                    self._resolve_cue(cue, s, e, nxt, sent_cues[:i])
                if cue.who is not None and cue.scopes:
                    self.events.append((cue.start, cue.who))
                    self.event_pos.append(cue.start)
                self.by_sentence.setdefault(si, []).append(cue)

    def _passive(self, cue: _Cue, s: int) -> bool:
        form = _norm_key(cue.form).split()[0]
        if not (form.endswith("ed") or form in _PARTICIPLE_IRREGULAR):
            return False
        words = list(WORD_RE.finditer(self.folded, max(s, cue.start - 60), cue.start))
        for w in reversed(words):
            g = w.group()
            if g in ("is", "are", "was", "were", "be", "been", "being"):
                return True
            if g in _ADVERBS_BEFORE_VERB or g.endswith("ly"):
                continue
            return False
        return False

    def _right_is_speaker_np(self, a: int, e: int) -> bool:
        words = _words_in(self.folded, a, e)
        if not words or len(words) > 25:
            return False
        gs = [w.group() for w in words]
        if any(g in _AUX or g in self.lex.complementizers for g in gs):
            return False
        for k, g in enumerate(gs[1:], 1):
            if g.endswith("ed") and len(g) > 4 and gs[k - 1] not in _DETERMINERS | {"and", "of"}:
                return False
        first = words[0]
        if _MARK_RE.match(self.text, first.start() - 1) or self.in_quote[first.start()]:
            return False  # 'stating "Protests continue ..."': a quotation, not a speaker
        ms = self.mentions_in(first.start(), e)
        if first.group() in ("в", "во") and len(words) > 1 and ms and ms[0].start == words[1].start():
            return True  # Russian: '..., сообщили в МВД.' (the speaker is "in" the ministry)
        return (self.text[first.start()][:1].isupper() or first.group() in _DETERMINERS
                or first.group() in self.reg._pronouns or bool(ms and ms[0].start == first.start()))

    def _adjunct_only(self, cue: _Cue, e: int) -> bool:
        """After a clause-final cue: nothing, or adjuncts ("on Monday", "in a statement ..."),
        or, after "told", its object ("told RIA Novosti")."""
        gs = [w.group() for w in _words_in(self.folded, cue.end, e)]
        if "citing" in gs:
            gs = gs[:gs.index("citing")]
        if not gs:
            return True
        if any(g in _AUX or g in self.lex.complementizers for g in gs) or len(gs) > 14:
            return False
        if _MARK_RE.search(self.text, cue.end, e):
            return False
        return gs[0] in _ADJUNCT_STARTERS or (cue.spec.lemma == "tell" and len(gs) <= 6)

    def _citing(self, a: int, e: int) -> _Who | None:
        window = self.folded[a:e]
        m = _CITING_RE.search(window) if "citing" in window else None
        if m is None:
            return None
        return self.best_in(a + m.end(), e)

    def _resolve_cue(self, cue: _Cue, s: int, e: int, next_start: int, before: list[_Cue]) -> None:
        spec = cue.spec
        if spec.klass == "according":
            self._according(cue, s, e)
            return
        if self._passive(cue, s):
            self._passive_agent(cue, s, e)
            return
        words_before = _words_in(self.folded, max(s, cue.start - 40), cue.start)
        prev_word = words_before[-1].group() if words_before else ""
        j = self._over_dash(self._prev_nonspace(cue.start, s), s)
        # (a) inverted clause-final: '..., said X.' / '...," added Kazakh President.'
        if (j is not None and self._is_delim(j) and spec.klass in ("speech", "that", "document")
                and self._right_is_speaker_np(cue.end, e) and len(_words_in(self.folded, s, j)) >= 2):
            cue.delim = j
            cue.who = self._citing(cue.end, e) or self.best_in(cue.end, e) or _UNKNOWN
            cue.scopes.append((s, j))
            cue.verb = cue.form
            return
        if prev_word in _DETERMINERS and spec.klass in ("speech", "that"):
            # A noun ("the report", "this claim"): only "its claim that C" is reported.
            nxt = WORD_RE.match(self.folded, cue.end + 1) if cue.end + 1 < e else None
            if nxt is not None and nxt.group() in self.lex.complementizers and prev_word in ("its", "his", "her", "their"):
                cue.who = self.antecedent(cue.start, self.reg._pronouns.get(prev_word, "it")) or _UNKNOWN
                cue.scopes.append((nxt.end(), e))
                cue.verb = cue.form
            return
        # (b) clause-final: '..., X said (on Monday).' / '..." Mr Putin told leaders.'
        if spec.klass in ("speech", "that", "document", "phrase"):
            d = self._final_delim(s, cue.start)
            np_who = self.best_in(d + 1, cue.start) if d is not None else None
            if d is not None and self._adjunct_only(cue, e) and (
                    np_who is not None or self._has_document_noun(d + 1, cue.start)):
                if spec.klass != "document" or self._has_document_noun(d + 1, cue.start):
                    cue.delim = d
                    cue.who = self._citing(cue.end, e) or np_who or self._document_speaker(d + 1, cue.start) or _UNKNOWN
                    if len(_words_in(self.folded, s, d)) >= 1:
                        cue.scopes.append((s, d))
                    cue.verb = cue.form
                    return
        if spec.klass == "document":
            return
        if spec.klass == "that" and not self._has_that(cue.end, e):
            return
        if _norm_key(cue.form) in self.lex.noun_forms and not self._verb_context(cue, s, e, words_before):
            nxt = WORD_RE.match(self.folded, cue.end + 1) if cue.end + 1 < e else None
            if nxt is not None and nxt.group() in self.lex.complementizers:  # "there had been reports that C"
                cue.who, cue.verb = _UNKNOWN, cue.form
                cue.scopes.append((nxt.end(), e))
            return
        cue.who = self._coordinated(cue, s, before) or self._front_subject(cue, s, e, next_start)
        if cue.who is None:
            return  # no subject at all ("Analysis | Reporting | ..."): not speech
        if spec.klass == "that" and not cue.who.speaker:
            cue.who = None
            return  # "the intervention revealed that ...": no speaker, no speech
        cue.verb = cue.form
        if any(w.group() in _NEGATIONS or w.group().endswith("n't") for w in words_before[-3:]):
            return  # "did not say who ...": nothing is attributed to the speaker
        if spec.klass == "label":
            z = self._label_scope(cue, s, e, next_start)
            if z is not None:
                cue.scopes.append((z[0], z[1]))
                cue.verb = f"{cue.form} ... {z[2]}" if z[2] else cue.form
            return
        cue.scopes.append((self._after_that(cue.end, e), e))

    def _verb_context(self, cue: _Cue, s: int, e: int, words_before: list[re.Match]) -> bool:
        """A noun-like form ("reports") used as a verb: after "to" or right after a speaker,
        and followed by a complement (not "government claims or ...")."""
        nxt = WORD_RE.search(self.folded, cue.end, e)
        if nxt is None or nxt.group() in ("or", "and", "but", "of", "from", "to", "by") or re.search(
                r"[^\s]", self.folded[cue.end:nxt.start()]):
            return False
        k = len(words_before) - 1
        while k >= 0 and (words_before[k].group() in _ADVERBS_BEFORE_VERB or words_before[k].group().endswith("ly")):
            k -= 1
        if k < 0 or words_before[k].end() < s:
            return False
        if words_before[k].group() == "to":
            return True
        ms = self.mentions_in(max(s, words_before[k].start() - 60), words_before[k].end() + 1)
        return bool(ms) and ms[-1].end == words_before[k].end()

    def _coordinated(self, cue: _Cue, s: int, before: list[_Cue]) -> _Who | None:
        """'X stressed that ..., and promised ...': a verb after "and" shares the subject."""
        prev = [c for c in before if c.who is not None and c.who.speaker]
        if not prev:
            return None
        words = _words_in(self.folded, max(s, cue.start - 40), cue.start)
        k = len(words) - 1
        while k >= 0 and (words[k].group() in _ADVERBS_BEFORE_VERB or words[k].group().endswith("ly")):
            k -= 1
        if k < 0 or words[k].group() != "and" or words[k].start() < prev[-1].end:
            return None
        return prev[-1].who

    def _has_document_noun(self, a: int, b: int) -> bool:
        return any(w.group() in self.lex.document_nouns for w in WORD_RE.finditer(self.folded, a, b))

    def _document_speaker(self, a: int, b: int) -> _Who | None:
        """'The statement said ...' with no speaker named: the last speaker, if recent."""
        if not self._has_document_noun(a, b):
            return None
        k = bisect_left(self.event_pos, a) - 1
        if k >= 0 and self._para_index(self.events[k][0]) >= self._para_index(a) - 1:
            return self.events[k][1]
        return None

    def _final_delim(self, s: int, cue_start: int) -> int | None:
        """Comma or closing mark before a short speaker noun phrase ending at the cue.

        The noun phrase may hold an apposition ('," Vladimir Zharikhin, deputy director of
        the Institute of CIS Countries, said.'): the nearest delimiter whose noun phrase names
        a speaker wins, else the nearest one with a valid noun phrase.
        """
        words = _words_in(self.folded, max(s, cue_start - 200), cue_start)
        if not words:
            return None
        lo = words[max(0, len(words) - 16)].start()
        valid: list[int] = []
        lo_j = max(s, lo - 2)
        # Right to left over [lo_j, cue_start): only these characters and the closing marks
        # can stop the scan or be a delimiter; every other position is skipped.
        stops = {m.start() for m in _FINAL_DELIM_SCAN_RE.finditer(self.folded, lo_j, cue_start)}
        stops.update(c for c in self.close_marks if lo_j <= c < cue_start)
        for j in sorted(stops, reverse=True):
            ch = self.folded[j]
            if ch in ";:()" or (ch in "\"'" and j not in self.close_marks):
                break
            if not self._is_delim(j):
                continue
            np_words = _words_in(self.folded, j + 1, cue_start)
            if not np_words:
                continue
            if any(w.group() in _AUX or w.group() in _NP_BREAKERS for w in np_words):
                break
            if len(_words_in(self.folded, s, j)) < 2 and j not in self.close_marks:
                break
            if self.best_in(j + 1, cue_start, names=False) is not None:
                return j
            valid.append(j)
            if len(valid) >= 3:
                break
        return valid[0] if valid else None

    def _front_subject(self, cue: _Cue, s: int, e: int, next_start: int) -> _Who | None:
        form = _norm_key(cue.form).split()[0]
        j = self._prev_nonspace(cue.start, s)
        if form.endswith("ing"):
            # Skip adverbs: ", apparently referring to them as ..."
            k = cue.start
            words = _words_in(self.folded, max(s, cue.start - 40), cue.start)
            for w in reversed(words):
                if w.group() in _ADVERBS_BEFORE_VERB or w.group().endswith("ly"):
                    k = w.start()
                    continue
                break
            j2 = self._prev_nonspace(k, s)
            if j2 is not None and self.folded[j2] == ",":
                who = self.best_in(s, j2)
                if who is not None:
                    return who
            if j is None or not self.folded[s:cue.start].strip(" \"'"):
                m = re.search(",", self.folded[cue.end:next_start])
                if m:
                    who = self.best_in(cue.end + m.end(), next_start)
                    if who is not None:
                        return who
        who = self.subject_before(s, cue.start)
        if who is None:
            who = self._document_speaker(s, cue.start)
        return who

    def _label_scope(self, cue: _Cue, s: int, e: int, next_start: int) -> tuple[int, int, str] | None:
        """Span of the characterisation Z, and the marker word that introduced it ("as")."""
        left = self.folded[max(s, cue.start - 60):cue.start]
        what = _WHAT_RE.search(left) is not None
        limit = min(e, next_start)
        z_start, marker = None, ""
        words = _words_in(self.folded, cue.end, limit)[:16]
        for k, w in enumerate(words):
            if _CLAUSE_PUNCT_RE.search(self.folded, cue.end, w.start()) and self.folded[
                    cue.end:w.start()].count(";") + self.folded[cue.end:w.start()].count(":"):
                break
            g = w.group()
            if cue.spec.case and has_case(g, cue.spec.case):
                z_start, marker = w.start(), ""
                break
            if g in cue.spec.markers:
                if g == "as":
                    before = words[k - 1].group() if k else ""
                    after = words[k + 1].group() if k + 1 < len(words) else ""
                    if before in _AS_BLOCK_BEFORE or after in _AS_BLOCK_AFTER:
                        continue
                z_start, marker = w.end(), self.text[w.start():w.end()]
                break
        if z_start is None and cue.spec.direct:
            if what:
                z_start = cue.end
            elif words and words[0].group() in _OBJECT_PRONOUNS:
                z_start = words[0].end()
        if z_start is None:
            return None
        return z_start, self._clause_end(z_start, limit), marker

    def _clause_end(self, start: int, limit: int) -> int:
        seen_list = False
        for m in _CLAUSE_PUNCT_RE.finditer(self.folded, start, limit):
            if m.group() in ";:":
                return m.start()
            nxt = _words_in(self.folded, m.end(), limit)[:4]
            first = nxt[0].group() if nxt else ""
            if first in _SUBORDINATORS - {"and"}:
                return m.start()
            if first in ("and", "or"):
                if seen_list:
                    continue
                return m.start()
            if nxt:
                span = self.folded[m.end():nxt[-1].end()]
                if "," in span or re.search(r"(?<![\w-])(?:and|or)(?![\w-])", span):
                    seen_list = True
                    continue
            return m.start()
        return limit

    def _according(self, cue: _Cue, s: int, e: int) -> None:
        comma = self.folded.find(",", cue.end, e)
        np_end = comma if comma != -1 else e
        np_words = [w.group() for w in _words_in(self.folded, cue.end, np_end)]
        if not np_words or " ".join(np_words[:2]) in self.lex.not_sources or np_words[0] in self.lex.not_sources:
            return
        cue.who = self.best_in(cue.end, np_end) or _UNKNOWN
        cue.verb = cue.form
        before = [w.group() for w in _words_in(self.folded, s, cue.start)]
        j = self._prev_nonspace(cue.start, s)
        if all(w in _CONNECTIVES for w in before):
            if comma != -1:
                cue.scopes.append((comma + 1, e))
        elif j is not None and self.folded[j] == ",":
            cue.scopes.append((s, j))
            if comma != -1:
                cue.scopes.append((comma + 1, e))
        else:
            cue.scopes.append((s, cue.start))

    def _passive_agent(self, cue: _Cue, s: int, e: int) -> None:
        """'reported by X' (an agent) is attribution; a bare passive is not."""
        m = re.match(r"\s+by\s+", self.folded[cue.end:cue.end + 10])
        if m is None or cue.spec.klass not in ("speech", "label"):
            return
        a = cue.end + m.end()
        end = a
        for w in _words_in(self.folded, a, e)[:8]:
            if _CLAUSE_PUNCT_RE.search(self.folded, end, w.start()):
                break
            end = w.end()
        cue.who = self.best_in(a, end) or _UNKNOWN
        cue.verb = f"{cue.form} by"
        if cue.spec.klass == "label":
            z = self._label_scope(cue, s, e, e)
            if z is not None:
                cue.scopes.append((z[0], z[1]))
        else:
            cue.scopes.append((s, cue.start))
            if end < e:
                cue.scopes.append((end, e))

    # noun-phrase scopes ----------------------------------------------------------------

    def _np_after(self, pos: int, *, max_words: int = 4) -> int:
        stop = frozenset("that which who whom in on at of from to for with by and or but as is are was "
                         "were have has had".split())
        end = pos
        for k, w in enumerate(WORD_RE.finditer(self.folded, pos, min(len(self.folded), pos + 80))):
            between = self.folded[end:w.start()]
            if k >= max_words or w.group() in stop or (k and re.search(r"[^\s]", between)):
                break
            if _is_cyrillic(w.group()) and not is_nominal(w.group()):
                break  # Russian: the noun phrase ends at a verb, preposition, conjunction ...
            end = w.end()
        return end

    def _distancing(self, a: int, b: int) -> None:
        rest = self.folded[b:b + 3].lstrip()
        if rest[:1] in "\"'":
            return  # a quotation follows: the quotation decides
        end = self._np_after(b)
        if end > b:
            self.extra.append((b, end, self.text[a:b], None))

    def claims(self) -> None:
        if not _any_in(self.lex.claim_keys, self.folded):
            return  # both patterns need a claim noun
        for m in self.lex.claim_poss_re.finditer(self.folded):
            if self.in_quote[m.start()]:
                continue
            poss = m.group("poss")
            if poss in self.reg._pronouns:
                who = self.antecedent(m.start(), self.reg._pronouns[poss])
            else:
                who = self.best_in(m.start("poss"), m.end("poss"))
            self.extra.append((m.start("mod"), m.end("mod"), "claims", who or _UNKNOWN))
        for m in self.lex.claim_of_re.finditer(self.folded):
            if self.in_quote[m.start()]:
                continue
            s, e = self.sentence_of(m.start())
            self.extra.append((m.end(), self._clause_end(m.end(), e), "claims", None))

    # quotation speakers ----------------------------------------------------------------

    def quote_speakers(self) -> None:
        by_para: dict[int, list[_Quote]] = {}
        for q in self.quotes:
            by_para.setdefault(self._para_index(q.open), []).append(q)
        cue_starts = [c.start for c in self.cues]
        for q in self.quotes:
            q.who, q.verb = self._quote_cue(q, cue_starts)
        for q in self.quotes:
            if q.who is not None:
                continue
            p = self._para_index(q.open)
            mates = [o for o in by_para.get(p, []) if o is not q and o.who is not None]
            if mates:
                o = min(mates, key=lambda o: abs(o.open - q.open))
                q.who, q.verb = o.who, o.verb
            elif q.at_para_start and p > 0 and self._is_prose(p):
                prev = [o for o in by_para.get(p - 1, []) if o.who is not None]
                if prev:
                    q.who, q.verb = prev[-1].who, prev[-1].verb

    def _is_prose(self, p: int) -> bool:
        """A paragraph that ends like a sentence (not a sub-heading)."""
        a, b = self.paras[p]
        return self.text[a:b].rstrip().rstrip(_QUOTE_CHARS)[-1:] in ".?!\u2026"

    def _quote_cue(self, q: _Quote, cue_starts: list[int]) -> tuple[_Who | None, str]:
        if q.close is not None:
            k = bisect_right(cue_starts, q.close)
            while k < len(self.cues) and self.cues[k].start - q.close < 200:
                c = self.cues[k]
                if c.delim is not None and q.close <= c.delim <= q.close + 1 and c.who is not None:
                    return c.who, c.verb
                k += 1
        s, _ = self.sentence_of(q.open)
        k = bisect_left(cue_starts, q.open) - 1
        while k >= 0 and self.cues[k].start >= s:
            c = self.cues[k]
            if c.who is not None and not self.in_quote[c.start]:
                return c.who, c.verb
            k -= 1
        inner = self._innermost_scope(q.inner_start, q.inner_end)
        if inner is not None:
            return inner
        return None, ""

    def _innermost_scope(self, a: int, b: int) -> tuple[_Who, str] | None:
        """The smallest cue scope holding ``[a, b)`` (scopes never leave their sentence)."""
        best = None
        k = max(bisect_right(self.sent_starts, a) - 1, 0)
        for c in self.by_sentence.get(k, []):
            for sa, sb in c.scopes:
                if sa <= a and b <= sb and c.who is not None and (best is None or sb - sa < best[0]):
                    best = (sb - sa, c.who, c.verb)
        return (best[1], best[2]) if best else None

    # output ----------------------------------------------------------------------------

    def attributions(self) -> list[Attribution]:
        out: list[Attribution] = []
        seen: set[tuple[int, int, str]] = set()

        def add(a: int, b: int, kind: str, who: _Who | None, verb: str) -> None:
            a, b = self._trim(a, b, kind)
            if b <= a or (kind, a, b) in seen or not WORD_RE.search(self.text, a, b):
                return
            seen.add((kind, a, b))
            who = who or _UNKNOWN
            out.append(Attribution(a, b, kind, who.speaker, who.group or "unknown", verb,
                                   _count_words(self.text, a, b)))

        for q in self.quotes:
            add(q.inner_start, q.inner_end, "quoted", q.who, q.verb)
        for c in self.cues:
            for a, b in c.scopes:
                add(a, b, "reported", c.who, c.verb)
        for a, b, verb, who in self.extra:
            if who is None:
                inner = self._innermost_scope(a, b)
                who = inner[0] if inner else _UNKNOWN
            add(a, b, "reported", who, verb)
        out.sort(key=lambda x: (x.start, -x.end))
        return out

    def _trim(self, a: int, b: int, kind: str) -> tuple[int, int]:
        if kind == "quoted":
            return a, b
        while a < b and (self.text[a].isspace() or self.text[a] in ",;:-\u2013\u2014"):
            a += 1
        while b > a and (self.text[b - 1].isspace() or self.text[b - 1] in ",;:.-\u2013\u2014"):
            b -= 1
        return a, b

    def context_out(self) -> list[tuple[_Who, bool]]:
        return [(w, False) for _, w in self._static] + [(w, True) for _, w in self.events]


def _analyse(text: str, registry: SpeakerRegistry, lexicon: ReportingLexicon,
             context: list[tuple[_Who, bool]] | None = None) -> tuple[list[Attribution], list[tuple[_Who, bool]]]:
    if not text.strip():
        return [], context or []
    an = _Analysis(text, registry, lexicon, context)
    an.find_cues()
    an.resolve_cues()
    an.claims()
    an.quote_speakers()
    return an.attributions(), an.context_out()


def find_attributions(body: str, *, title: str = "", speakers: SpeakerRegistry | None = None,
                      lexicon: ReportingLexicon | None = None,
                      ) -> tuple[list[Attribution], list[Attribution]]:
    """Quotation spans and reported-speech scopes of an article, with their speakers.

    Parameters
    ----------
    body : str
        The article body: its paragraphs joined by ``"\\n\\n"``.
    title : str, optional
        The headline. It is analysed first, and its speakers are the context for
        pronouns and "the president" in the body.
    speakers : SpeakerRegistry, optional
        Default: ``data/speakers.csv`` and ``data/speaker_patterns.yaml``.
    lexicon : ReportingLexicon, optional
        Default: ``data/reporting_verbs.yaml``.

    Returns
    -------
    (title_attributions, body_attributions) : tuple of lists of Attribution
        Offsets index ``title`` and ``body``. Spans may nest (a quotation inside a
        reported scope, a labelling scope inside indirect speech); use :func:`voice_at`
        to read the voice of a word.

    Examples
    --------
    >>> _, attrs = find_attributions('Tokayev said the "terrorists" were trained abroad.')
    >>> [(a.kind, a.speaker, a.n_words) for a in attrs]
    [('reported', 'Tokayev', 5), ('quoted', 'Tokayev', 1)]
    """
    registry = speakers if speakers is not None else _default_registry()
    lexicon = lexicon if lexicon is not None else _default_lexicon()
    title_attrs, context = _analyse(title, registry, lexicon)
    body_attrs, _ = _analyse(body, registry, lexicon, context)
    return title_attrs, body_attrs


def voice_at(attributions: list[Attribution], start: int, end: int) -> tuple[str, bool, str, str]:
    """Voice of the word at ``[start, end)``.

    Parameters
    ----------
    attributions : list of Attribution
        From :func:`find_attributions` for the same string.
    start, end : int
        The word's offsets.

    Returns
    -------
    (voice, short_quote, speaker, speaker_group) : tuple
        The innermost quotation holding the word wins (``"quoted"``, short when it has at
        most :data:`SHORT_QUOTE_MAX_WORDS` words); else the innermost reported scope
        (``"reported"``); else ``("own", False, "", "")``.
    """
    best_q: Attribution | None = None
    best_r: Attribution | None = None
    for a in attributions:
        if a.start <= start and end <= a.end:
            if a.kind == "quoted":
                if best_q is None or a.end - a.start < best_q.end - best_q.start:
                    best_q = a
            elif best_r is None or a.end - a.start < best_r.end - best_r.start:
                best_r = a
    if best_q is not None:
        return "quoted", best_q.n_words <= SHORT_QUOTE_MAX_WORDS, best_q.speaker, best_q.speaker_group
    if best_r is not None:
        return "reported", False, best_r.speaker, best_r.speaker_group
    return "own", False, "", ""


def voices_at(attributions: list[Attribution], spans: Sequence[tuple[int, int]]
              ) -> list[tuple[str, bool, str, str]]:
    """:func:`voice_at` for many words at once, in one sweep (``O((A + W) log)``).

    Parameters
    ----------
    attributions : list of Attribution
    spans : sequence of (start, end)

    Returns
    -------
    list of tuples
        One ``(voice, short_quote, speaker, speaker_group)`` per span, in input order.
    """
    attrs = sorted(attributions, key=lambda a: a.start)
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    out: list[tuple[str, bool, str, str]] = [("own", False, "", "")] * len(spans)
    active: list[Attribution] = []
    k = 0
    for i in order:
        s, e = spans[i]
        while k < len(attrs) and attrs[k].start <= s:
            active.append(attrs[k])
            k += 1
        active = [a for a in active if a.end > s]
        out[i] = voice_at(active, s, e)
    return out
