"""English governing law and dispute resolution: `governed by the laws of the State of New York`,
`exclusive jurisdiction of the courts of England`, `arbitration in Singapore under the SIAC Rules`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.contracts.locate import Contract, Span

_CAP = r"[A-Z][\w.'’-]*"
# A place as written: `the State of New York`, `England and Wales`, `Hong Kong SAR`, `the People's Republic
# of China`, `Santa Clara County, California`.
_PLACE = (
    r"(?:the\s+)?(?:(?i:state|commonwealth|province|territory|district|canton|republic|kingdom|emirate)\s+of\s+)?"
    rf"(?:the\s+)?(?:{_CAP}(?:\s+(?:of|and|du|de|del)\s+(?:the\s+)?{_CAP}|\s+{_CAP}){{0,5}})"
    rf"(?:,\s*(?:the\s+)?{_CAP}(?:\s+(?:of\s+)?{_CAP}){{0,3}})?"
)
_LAWS_OF = (
    r"\b(?i:the\s+)?(?:(?i:internal|substantive|domestic|applicable)\s+)?(?i:laws?)(?:\s*\([^)]{0,80}\)|,[^,;.]{0,60},)?"
    r"\s+(?i:of|in\s+force\s+in|prevailing\s+in)\s+(?P<place>" + _PLACE + r")"
)
_GOVERNED_RE = re.compile(
    r"(?i:govern(?:ed|s|ing)?|constru(?:ed|ction)|interpret(?:ed|ation)|enforced|validity|choice\s+of\s+law"
    r"|subject\s+to|in\s+accordance\s+with|under)\b[^.;]{0,120}?" + _LAWS_OF
)
# `The laws of the State of New York ... govern all matters`, `the law of Germany shall apply`
_LAWS_GOVERN_RE = re.compile(_LAWS_OF + r"[^.;]{0,100}?\b(?i:govern|shall\s+apply|applies|will\s+apply)")
_LAW_SENTENCE_RE = re.compile(
    r"(?i:govern|constru|interpret|choice\s+of\s+law|shall\s+apply|applicable\s+law)"
)
_PLACE_LAW_RE = re.compile(
    rf"(?i:governed\s+by|subject\s+to|construed\s+(?:in\s+accordance\s+with|under))\s+(?:the\s+)?(?P<place>{_CAP}"
    rf"(?:\s+{_CAP}){{0,3}})\s+(?i:law)\b"
)
_PLACE_STOP_RE = re.compile(
    r"(?i:,?\s+(?:without|excluding|except|regardless|notwithstanding|other\s+than|as\s+(?:applied|such|in\s+effect)"
    r"|applicable|that|which|including|and\s+(?:the\s+)?(?:rules|parties|each|any|all|shall|will|its|federal\s+law"
    r"\s+of\s+the\s+United)|in\s+(?:effect|force))\b|,\s*(?:and\s+)?(?:the\s+)?(?:parties|each|any|all)\b)"
)
_COURT_RE = re.compile(
    r"(?P<v>(?:(?i:the)\s+)?(?i:(?:(?:state|federal|provincial|local|competent|appropriate|english|national)\s+"
    r"(?:(?:and|or)\s+(?:state|federal)\s+)?)?courts?\s+(?:of\s+competent\s+(?:subject\s+matter\s+)?jurisdiction\s+)?"
    r"(?:(?:located|sitting|situated|seated|having\s+(?:competent\s+)?jurisdiction)\s+)?(?:in|of|for|at|within)\s+"
    r"(?:and\s+for\s+)?)" + _PLACE + r"|(?:(?i:the)\s+)?(?:United\s+States\s+District\s+Court"
    r"|(?:Superior|Supreme|District|High|Circuit|Chancery)\s+Court|Court\s+of\s+Chancery)(?:\s+(?i:of|for|in)\s+"
    + _PLACE
    + r")?|(?:(?i:the)\s+)?"
    + _CAP
    + r"(?:\s+"
    + _CAP
    + r"){0,2}\s+(?i:courts))"
)
_FORUM_CONTEXT_RE = re.compile(
    r"(?i:jurisdiction|venue|forum|submit|brought|commenced|instituted|litigat|proceeding|lawsuit|suit|action"
    r"|dispute|claim|sue)"
)
_NOT_FORUM_RE = re.compile(
    r"(?i:competent\s+jurisdiction\s+(?:to\s+be|finds|holds|determines|declares|rules|enters)|held\s+(?:by\s+a\s+court\s+)?"
    r"(?:to\s+be\s+)?(?:invalid|illegal|unenforceable)|injunct|specific\s+performance|equitable\s+relief|bankruptcy"
    r"|insolven|winding\s+up|receiver|order\s+of\s+(?:a|any)\s+court|subpoena|court\s+order|judgment\s+(?:on|upon)"
    r"\s+the\s+award|entered\s+(?:in|by)\s+any\s+court|enforce\w*\s+(?:the\s+)?award)"
)
_ARBITRATION_RE = re.compile(
    r"(?i:(?:settled|resolved|determined|decided|submitted|referred|subject|finally|exclusively)\s+(?:\w+\s+){0,5}?"
    r"(?:by|to|through|in|under)\s+(?:final\s+(?:and\s+)?)?(?:binding\s+)?(?:confidential\s+)?arbitration|binding\s+arbitration"
    r"|arbitration\s+(?:administered|conducted|under|in\s+accordance|pursuant|before|in\s+[A-Z])|shall\s+be\s+arbitrated"
    r"|arbitral\s+tribunal|rules\s+of\s+arbitration|arbitration\s+rules|submit\s+(?:\w+\s+){0,3}to\s+arbitration)"
)
_NOT_ARBITRATION_RE = re.compile(
    r"(?i:shall\s+not\s+be\s+(?:subject\s+to|submitted\s+to)\s+arbitration|in\s+lieu\s+of\s+arbitration)"
)
_INSTITUTION_NAME = (
    r"(?:the\s+)?(?:American\s+Arbitration\s+Association|International\s+Chamber\s+of\s+Commerce"
    r"|International\s+Cent(?:re|er)\s+for\s+Dispute\s+Resolution|Judicial\s+Arbitration\s+and\s+Mediation\s+Services"
    r"|London\s+Court\s+of\s+International\s+Arbitration|Stockholm\s+Chamber\s+of\s+Commerce"
    r"|(?:[A-Z][\w'’&-]*\s+){1,7}?(?:Arbitration|Arbitral)\s+(?:Commission|Cent(?:re|er)|Association|Court|Institute"
    r"|Board|Chamber|Tribunal)|(?:[A-Z][\w'’&-]*\s+){1,4}?Chamber\s+of\s+(?:Commerce|Arbitration))"
)
_INSTITUTION_ACRONYMS = (
    r"AAA|ICC|ICDR|JAMS|LCIA|SIAC|HKIAC|CIETAC|SHIAC|SCIA|BAC|SCC|KCAB|JCAA|DIS|VIAC|CAM|WIPO|NAI"
    r"|CRCICA|DIAC|ACICA"
)
_INSTITUTION_RE = re.compile(
    rf"(?P<name>{_INSTITUTION_NAME})(?:\s*\(\s*(?:the\s+)?[\"“]?(?P<acr>[A-Z]{{2,8}})[\"”]?\s*\))?"
    rf"|\b(?P<bare>{_INSTITUTION_ACRONYMS})\b"
)
_SEAT_RE = re.compile(
    r"(?i:(?:seat|place|venue|location|situs|site)\s+of\s+(?:the\s+)?(?:arbitration|arbitral\s+proceedings?)"
    r"\s+(?:shall|will|is|must)\s+(?:be\s+)?(?:in\s+|at\s+)?|arbitration\s+(?:\w+\s+){0,6}?(?:shall|will|must)\s+"
    r"(?:be\s+)?(?:held|conducted|take\s+place|located|seated|heard)\s+(?:exclusively\s+)?(?:in|at)\s+(?:the\s+city\s+of\s+)?"
    r"|arbitration\s+in\s+(?:the\s+city\s+of\s+)?|(?:held|conducted|take\s+place)\s+in\s+(?:the\s+city\s+of\s+)?"
    r"|(?:Association|Commission|Cent(?:re|er)|Court|Institute|Commerce|AAA|ICC|ICDR|JAMS|LCIA|SIAC|HKIAC|CIETAC)\s+in\s+"
    r"(?:the\s+city\s+of\s+)?)"
    r"(?P<place>" + _PLACE + r")"
)
_NOT_A_PLACE_RE = re.compile(
    r"^(?:the\s+)?(?:English|accordance|writing|Writing|good|connection|respect|the\s+English|such|any|each|which"
    r"|this|that|person|lieu|addition|order|the\s+event|event|the\s+manner|Rules?|the\s+Rules?)\b"
)


@dataclass(frozen=True)
class DisputeReading:
    """What an English contract says about the law and the forum, and the clauses it says it in."""

    method: str | None  # "arbitration", "litigation" (a court is named), None (no forum stated)
    venue: str | None
    governing_law: str | None
    clauses: tuple[int, ...]


def _clean_place(raw: str) -> str:
    place = _PLACE_STOP_RE.split(raw, maxsplit=1)[0]
    # `Hong Kong. This Agreement`, `New York, NY. The award`: the sentence ended
    place = re.split(
        r"(?<=[a-z]{3})\.\s+(?=[A-Z])|\.\s+(?=(?:The|This|Each|Any|All|In|If|Such|Judgment|Either)\b)", place
    )[0]
    return place.strip(" ,.;:")


_AND_LAWS_OF_RE = re.compile(r"\s+and\s+(?:the\s+)?(?:federal\s+)?laws?\s+of\s+(?P<place>" + _PLACE + r")")


def governing_law(text: str) -> tuple[str, int] | None:
    """`the State of New York` from `governed by the laws of the State of New York`, and where it is;
    `the Province of Ontario and the federal laws of Canada` keeps both."""
    if not _LAW_SENTENCE_RE.search(text):
        return None
    for m in (*_GOVERNED_RE.finditer(text), *_LAWS_GOVERN_RE.finditer(text)):
        place = _clean_place(m.group("place"))
        if (
            place
            and not _NOT_A_PLACE_RE.match(place)
            and not re.fullmatch(r"(?i:the\s+)?(?:parties|party)", place)
        ):
            more = _AND_LAWS_OF_RE.match(text, m.start("place") + len(place))
            if more is not None:
                place = text[m.start("place") : m.start("place") + len(place)] + more.group(0)
                place = _clean_place(re.sub(r"\s+", " ", place))
            return place, m.start("place")
    m2 = _PLACE_LAW_RE.search(text)
    if m2 and not _NOT_A_PLACE_RE.match(m2.group("place")):
        return m2.group("place"), m2.start("place")
    return None


_JURISDICTION_PLACE_RE = re.compile(
    r"(?i:(?:exclusive\s+)?(?:place|venue|forum|seat)\s+of\s+jurisdiction\s+(?:is|shall\s+be|will\s+be)\s+)(?P<place>"
    + _PLACE
    + r")"
)


def court(text: str) -> str | None:
    """The court a sentence submits disputes to (`the state and federal courts located in New York County`,
    `Exclusive place of jurisdiction is Hamburg, Germany`)."""
    if not _FORUM_CONTEXT_RE.search(text) or _NOT_FORUM_RE.search(text):
        return None
    place = _JURISDICTION_PLACE_RE.search(text)
    if place is not None:
        return f"courts of {_clean_place(place.group('place'))}"
    for m in _COURT_RE.finditer(text):
        venue = _clean_place(re.sub(r"\s+", " ", m.group("v")))
        if re.search(r"(?i)competent\s+jurisdiction$|courts?$|jurisdiction$", venue):
            continue
        if _NOT_A_PLACE_RE.match(re.sub(r"(?i)^.*?\b(?:in|of|for|at|within)\s+", "", venue)):
            continue
        return venue
    return None


def is_arbitration(text: str) -> bool:
    """Whether the sentence sends disputes to arbitration (not merely mentions it)."""
    return bool(_ARBITRATION_RE.search(text)) and not _NOT_ARBITRATION_RE.search(text)


def institution(text: str) -> str | None:
    """`Singapore International Arbitration Centre (SIAC)`, `the American Arbitration Association`, `JAMS`."""
    m = _INSTITUTION_RE.search(text)
    if m is None:
        return None
    if m.group("bare"):
        return m.group("bare")
    name = re.sub(r"^(?i:the)\s+", "", re.sub(r"\s+", " ", m.group("name"))).strip()
    return f"{name} ({m.group('acr')})" if m.group("acr") else name


def seat(text: str) -> str | None:
    """Where the arbitration sits: `The seat of arbitration shall be Singapore`, `arbitration in New York`."""
    for s in _SEAT_RE.finditer(text):
        place = _clean_place(s.group("place"))
        if place and not _NOT_A_PLACE_RE.match(place) and not _INSTITUTION_RE.fullmatch(place):
            return place
    return None


_NATIONAL_RE = re.compile(r"(?i:(?:the\s+)?(?:United\s+States(?:\s+of\s+America)?|U\.?S\.?A?\.?))")
_SELF_RE = re.compile(r"(?i:this\s+(?:agreement|contract)|hereunder|hereof|herein|the\s+parties)")
_DISPUTE_CUE_RE = re.compile(r"(?i:arbitrat|court|jurisdiction|venue|govern|laws?\s+of|forum)")


def _sentences(c: Contract) -> list[tuple[int, Span]]:
    """Sentences that may name the law or the forum, clauses titled for disputes or governing law first."""
    titled = [i for i in c.titled("dispute_resolution") if i in set(c.leaf_ids)]
    return [(i, s) for i, s in c.reading_order(titled) if _DISPUTE_CUE_RE.search(s.text)]


def english_dispute(c: Contract) -> DisputeReading | None:
    """The governing law and the forum (arbitration institution and seat, or court) an English contract
    names; None when it names neither."""
    law: str | None = None
    law_clause: int | None = None
    arb_clause: int | None = None
    forum: str | None = None
    forum_clause: int | None = None
    for i, s in _sentences(c):
        text = re.sub(r"-{3,}|_{3,}", " ", s.text)
        found = governing_law(text)
        # the law chosen for this agreement, not `the securities laws of the United States` in passing
        if found is not None and (
            law is None
            or (
                _NATIONAL_RE.fullmatch(law) and not _NATIONAL_RE.fullmatch(found[0]) and _SELF_RE.search(text)
            )
        ):
            law, law_clause = found[0], i
        if arb_clause is None and is_arbitration(text):
            arb_clause = i
        elif forum is None and (venue := court(text)) is not None:
            forum, forum_clause = venue, i
    clauses = tuple(dict.fromkeys(k for k in (arb_clause, forum_clause, law_clause) if k is not None))
    if arb_clause is not None:
        # the institution and the seat may sit in the clause's other sentences, or in its parent clause
        scopes = [c.clauses[arb_clause].text]
        parent = c.clauses[arb_clause].parent
        if parent is not None and c.clauses[parent].level > 0:
            scopes.append(c.clauses[parent].text)
        inst = next((x for x in map(institution, scopes) if x), None)
        where = next((x for x in map(seat, scopes) if x), None)
        venue = ", ".join(p for p in (inst, where) if p) or None
        return DisputeReading("arbitration", venue, law, clauses)
    if forum is not None:
        return DisputeReading("litigation", forum, law, clauses)
    if law is not None:
        return DisputeReading(None, None, law, clauses)
    return None
