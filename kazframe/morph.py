"""Russian morphology for the lexicon: every case and number form of a term, at compile time.

Method
------
Russian nouns, adjectives and participles inflect for six cases and two numbers (adjectives
also for gender), so a lexicon entry written once ("массовые беспорядки") must match
"массовых беспорядков", "массовыми беспорядками" and so on. Instead of stemming the text
(which over-matches: the Snowball stem of "митинг" also matches "митинговать"), every
Russian term is *expanded once*, when the lexicon is compiled, into the list of its
inflected forms; matching then stays a single Aho-Corasick pass over the text
(:mod:`kazframe.lexicon`). Word forms come from the OpenCorpora dictionary through
``pymorphy3`` (Korobov 2015), which is installed with its Russian dictionary
(``pymorphy3-dicts-ru``) and works offline.

Term syntax (entries with ``language: ru``)
-------------------------------------------
A term is written folded (lowercase, ``ё`` as ``е``), normally in the nominative, and is
a noun phrase, a participle or a verb phrase:

* **Head.** The head is the first word that the dictionary reads as a noun, or as an
  infinitive. Its forms are all cases of both numbers (a noun that has one number only,
  like "беспорядки" in the sense of riots, keeps the forms the dictionary gives), or all
  finite forms, the infinitive and the gerunds of a verb.
* **Agreement.** Adjectives and participles *before* the head agree with it in case,
  number and (in the singular) gender: "цветная революция" gives "цветной революции",
  "цветных революций" ... Every adjective form of the accusative is allowed with the
  accusative of the noun (animate and inanimate accusatives differ for adjectives).
* **Fixed words.** Words *after* the head are complements and are kept as written:
  "попытка государственного переворота" inflects "попытка" only ("попытки государственного
  переворота", "попыткой государственного переворота"); so are words the dictionary does not
  know, indeclinable words (ОДКБ) and prepositions. Put words in square brackets to keep
  them as written anywhere: "[так] называемые". A phrase with no noun and no verb is an
  adjective or participle phrase ("протестующие", "мирные протестующие", "обученные за
  рубежом"): its leading run of adjectives and participles inflects together, in all cases,
  numbers and genders.
* **Flags.** A term may end with flags in parentheses: ``(pl)`` plural forms only
  ("волнения (pl)": the singular "волнение" means "worry"), ``(sg)`` singular only,
  ``(lit)`` no inflection at all (the term matches as written, like an English term).
* **Stems.** A term ending in ``*`` is a literal stem, exactly as in English terms, and is
  not inflected ("контртеррористическ*").

Only ``ru`` has a morphology here (:data:`MORPH_LANGUAGES`); terms of other languages are
literal. The term as written (brackets and flags removed) is always one of its forms.

References
----------
Korobov, M. (2015). Morphological analyzer and generator for Russian and Ukrainian
languages. *Analysis of Images, Social Networks and Texts (AIST)*, 320-332.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from .text import fold

__all__ = ["MORPH_LANGUAGES", "FLAGS", "split_term", "term_syntax_problem", "inflect_term"]

#: Languages whose terms are inflected (see the module docstring).
MORPH_LANGUAGES = frozenset({"ru"})
#: Flags a term may end with, in parentheses.
FLAGS = ("pl", "sg", "lit")

_FLAGS_RE = re.compile(r"((?:\s*\((?:pl|sg|lit)\))+)\s*\Z")
_FLAG_RE = re.compile(r"\((pl|sg|lit)\)")
_TOKEN_RE = re.compile(r"\[[^\[\]]*\]|[^\s\[\]]+")
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
# Second genitive/locative/accusative count as the case they vary.
_CASE_OF = {"gen1": "gent", "gen2": "gent", "loc1": "loct", "loc2": "loct", "acc2": "accs",
            **{c: c for c in _CASES}}
_ADJ_POS = frozenset({"ADJF", "PRTF"})
_VERB_POS = frozenset({"INFN", "VERB", "GRND"})
_GENDERS = ("masc", "femn", "neut")
# Proper-noun readings are never used ("мирный" is also the town Mirny).
_PROPER = frozenset({"Geox", "Name", "Surn", "Patr"})


@lru_cache(maxsize=1)
def _analyzer():
    """The pymorphy3 analyzer (loaded once, offline, on first use)."""
    try:
        import pymorphy3
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "Russian lexicon terms are inflected with pymorphy3 and its dictionary: "
            "pip install pymorphy3 pymorphy3-dicts-ru"
        ) from exc
    return pymorphy3.MorphAnalyzer(lang="ru")


def split_term(term: str) -> tuple[list[tuple[str, bool]], frozenset[str]]:
    """Words of a Russian term with a "fixed" mark, and its flags.

    Parameters
    ----------
    term : str
        A term in the syntax of the module docstring.

    Returns
    -------
    words : list of (str, bool)
        Every word and whether it is kept as written (it was in square brackets).
    flags : frozenset of str
        Subset of :data:`FLAGS`.

    Examples
    --------
    >>> split_term("[так] называемые (pl)")
    ([('так', True), ('называемые', False)], frozenset({'pl'}))
    """
    flags: frozenset[str] = frozenset()
    m = _FLAGS_RE.search(term)
    if m:
        flags = frozenset(_FLAG_RE.findall(m.group(1)))
        term = term[: m.start()]
    words: list[tuple[str, bool]] = []
    for tok in _TOKEN_RE.findall(term):
        if tok.startswith("["):
            words.extend((w, True) for w in tok[1:-1].split())
        else:
            words.append((tok, False))
    return words, flags


def plain_term(term: str) -> str:
    """The term as written, without brackets and flags ("[так] называемые (pl)" -> "так называемые")."""
    words, _ = split_term(term)
    return " ".join(w for w, _ in words)


def term_syntax_problem(term: str) -> str | None:
    """Why a Russian term's markup cannot be used, or ``None`` (the words are checked elsewhere)."""
    body = _FLAGS_RE.sub("", term)
    if "(" in body or ")" in body:
        return f"term {term!r}: flags go at the end, in parentheses: (pl), (sg) or (lit)"
    if body.count("[") != body.count("]") or re.search(r"\[[^\]]*\[|\][^\[]*\]", body):
        return f"term {term!r}: unbalanced or nested square brackets"
    if re.search(r"\[\s*\]", body):
        return f"term {term!r}: empty square brackets"
    words, flags = split_term(term)
    if body.rstrip().endswith("*") and ("[" in body or flags):
        return f"term {term!r}: a stem (ending in *) is literal; brackets and flags do not apply"
    if {"pl", "sg"} <= flags:
        return f"term {term!r}: (pl) and (sg) exclude each other"
    if not words:
        return f"term {term!r} is empty"
    return None


def _pick(word: str, wanted: frozenset[str]):
    """The best dictionary reading of ``word`` with a part of speech in ``wanted``.

    A nominative (or infinitive) reading is preferred, since terms are written that way;
    proper-noun readings (places, names) are ignored.
    """
    parses = [p for p in _analyzer().parse(word)
              if p.tag.POS in wanted and p.is_known and not (_PROPER & p.tag.grammemes)]
    if not parses:
        return None
    nominative = [p for p in parses if p.tag.case == "nomn" or p.tag.POS == "INFN"]
    return (nominative or parses)[0]


def _same_paradigm(form, parse) -> bool:
    """A form of the same part of speech (and, for participles, tense and voice)."""
    tag, ref = form.tag, parse.tag
    if tag.POS != ref.POS or "Supr" in tag or "Cmp2" in tag:
        return False
    return ref.POS != "PRTF" or (tag.tense == ref.tense and tag.voice == ref.voice)


def _case_forms(parse) -> dict[tuple, set[str]]:
    """``(case, number, gender, animacy) -> forms`` of a noun, adjective or participle reading.

    ``gender`` is set for singular adjective forms only, ``animacy`` for adjective forms
    of the accusative that differ by it (masculine singular and plural).
    """
    out: dict[tuple, set[str]] = {}
    for f in parse.lexeme:
        if not _same_paradigm(f, parse):
            continue
        case = _CASE_OF.get(f.tag.case or "")
        if case is None or f.tag.number is None:
            continue
        adjective = parse.tag.POS in _ADJ_POS
        gender = f.tag.gender if adjective and f.tag.number == "sing" else None
        animacy = f.tag.animacy if adjective and case == "accs" else None
        out.setdefault((case, f.tag.number, gender, animacy), set()).add(fold(f.word))
    return out


def _verb_forms(parse) -> set[str]:
    return {fold(f.word) for f in parse.lexeme if f.tag.POS in _VERB_POS and f.tag.aspect == parse.tag.aspect}


def _slots(numbers: tuple[str, ...], head_gender: str | None, head_is_noun: bool):
    """``(case, number, gender)`` combinations to generate."""
    for number in numbers:
        genders = (None,) if number == "plur" else ((head_gender,) if head_is_noun else _GENDERS)
        for case in _CASES:
            for gender in genders:
                yield case, number, gender


def _agreeing(forms: dict, case: str, number: str, gender: str | None,
              animacy: str | None = None) -> set[str]:
    """Adjective forms that agree with a noun in case, number, gender and animacy.

    ``animacy`` ``None`` (no noun: a substantivised adjective) allows both accusatives.
    """
    g = gender if number == "sing" else None
    found: set[str] = set()
    for anim in (None, "anim", "inan"):
        if anim is None or animacy is None or anim == animacy:
            found |= forms.get((case, number, g, anim), set())
    return found


@lru_cache(maxsize=4096)
def inflect_term(term: str) -> tuple[str, ...]:
    """All inflected forms of a Russian term (folded, sorted, the written form included).

    Parameters
    ----------
    term : str
        A term in the syntax of the module docstring (assumed valid).

    Returns
    -------
    tuple of str
        Literal patterns in the lexicon's term syntax (words separated by single spaces).
        A stem (``*``) or a ``(lit)`` term is returned as written.

    Examples
    --------
    >>> forms = inflect_term("массовые беспорядки")
    >>> "массовых беспорядков" in forms and "массовыми беспорядками" in forms
    True
    >>> "попыткой государственного переворота" in inflect_term("попытка государственного переворота")
    True
    """
    if term.endswith("*"):
        return (term,)
    words, flags = split_term(term)
    written = " ".join(w for w, _ in words)
    if "lit" in flags:
        return (written,)
    head, head_parse = None, None
    for i, (w, fixed) in enumerate(words):
        if fixed:
            continue
        p = _pick(w, frozenset({"NOUN", "INFN"}))
        if p is not None and "Fixd" not in p.tag:
            head, head_parse = i, p
            break
        if p is not None or _pick(w, _ADJ_POS) is None:
            break  # an indeclinable noun or an unknown word: nothing before it agrees
    mods: list[int] = []
    if head is None:
        # No noun, no verb: the leading run of adjectives/participles inflects together.
        run: list[int] = []
        for i, (w, fixed) in enumerate(words):
            if fixed and not run:
                continue
            if fixed or _pick(w, _ADJ_POS) is None:
                break
            run.append(i)
        if not run:
            return (written,)
        head, mods = run[-1], run[:-1]
        head_parse = _pick(words[head][0], _ADJ_POS)
    else:
        for i in range(head):
            w, fixed = words[i]
            if not fixed and _pick(w, _ADJ_POS) is not None:
                mods.append(i)
    forms = {written}
    if head_parse.tag.POS == "INFN":
        for f in _verb_forms(head_parse):
            forms.add(" ".join(f if i == head else w for i, (w, _) in enumerate(words)))
        return tuple(sorted(forms))
    head_forms = _case_forms(head_parse)
    mod_forms = {i: _case_forms(_pick(words[i][0], _ADJ_POS)) for i in mods}
    numbers = tuple(n for n in ("sing", "plur") if not (n == "plur" and "sg" in flags)
                    and not (n == "sing" and "pl" in flags))
    is_noun = head_parse.tag.POS == "NOUN"
    gender = head_parse.tag.gender if is_noun else None
    gender = "masc" if gender not in _GENDERS else gender
    animacy = head_parse.tag.animacy if is_noun else None
    for case, number, g in _slots(numbers, gender, is_noun):
        if is_noun:
            heads = head_forms.get((case, number, None, None), set())
        else:
            heads = _agreeing(head_forms, case, number, g)
        if not heads:
            continue
        slots = []
        for i, (w, _) in enumerate(words):
            if i == head:
                slots.append(sorted(heads))
            elif i in mod_forms:
                slots.append(sorted(_agreeing(mod_forms[i], case, number, g, animacy)) or [w])
            else:
                slots.append([w])
        forms.update(" ".join(combo) for combo in product(*slots))
    return tuple(sorted(forms))


@lru_cache(maxsize=65536)
def has_case(word: str, case: str) -> bool:
    """Whether a Russian word has a noun, pronoun, adjective or participle reading in ``case``.

    Used for "назвал Y Z" (Z in the instrumental, ``case="ablt"``).

    Examples
    --------
    >>> has_case("террористами", "ablt"), has_case("протестующих", "ablt")
    (True, False)
    """
    if not any("\u0400" <= c <= "\u04ff" for c in word):
        return False
    return any(p.tag.case == case and p.tag.POS in {"NOUN", "NPRO", "ADJF", "PRTF"}
               for p in _analyzer().parse(word))


@lru_cache(maxsize=65536)
def is_nominal(word: str) -> bool:
    """Whether the most likely reading of a Russian word belongs in a noun phrase.

    Nouns, adjectives, participles, pronouns, numerals and unknown words do; verbs,
    prepositions, conjunctions, particles and adverbs end a noun phrase.

    Examples
    --------
    >>> is_nominal("протестующие"), is_nominal("разгромили"), is_nominal("из")
    (True, False, False)
    """
    parses = _analyzer().parse(word)
    if not parses or not parses[0].is_known:
        return True
    return parses[0].tag.POS in {"NOUN", "ADJF", "PRTF", "NPRO", "NUMR", None}
