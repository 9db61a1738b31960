"""English party names: `by and between X and Y`, `X, a Delaware corporation ("Company")`, `Buyer: X`,
signature blocks. Names come back as written, without role labels or defined-term parentheses and with
their legal form (`, Inc.`, `Co., Ltd.`, `(Taicang) Co., Ltd.`, `GmbH & Co. KG`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Legal forms that end a company name; a chain of them (`Co., Ltd.`, `Pte. Ltd.`, `GmbH & Co. KG`,
# `S.A. de C.V.`) stays together. Long forms match in any case; short ones only as usually written.
_SUFFIX_ANY_CASE = (
    r"Inc|Incorporated|Corp|Corporation|Co|Company|Companies|Ltd|Ltda|Limited|LLC|L\.L\.C|LLP|L\.L\.P|PLC"
    r"|P\.L\.C|GmbH|mbH|Pty|Pte|Bhd|Berhad|Sdn|Tbk|SpA|S\.p\.A|Srl|S\.r\.l|SARL|S\.a\.r\.l|Oyj|ULC|Lda"
)
_SUFFIX_EXACT = (
    r"LP|L\.P|LC|L\.C|SA|S\.A|S/A|SAS|S\.A\.S|SE|AG|KG|KGaA|BV|B\.V|NV|N\.V|AB|ASA|A/S|AS|Oy|KK|K\.K|NA|N\.A"
    r"|PC|P\.C|PA|P\.A|SL|S\.L|CV|C\.V|G\.I\.E"
)
_SUFFIX_RE = re.compile(rf"(?:(?i:{_SUFFIX_ANY_CASE})|{_SUFFIX_EXACT})\.?")
_MULTIWORD_FORM_RE = re.compile(
    r"(?:Public\s+)?Limited\s+(?:Liability\s+)?(?:Company|Partnership)\b|(?:PUBLIC\s+)?LIMITED\s+(?:LIABILITY\s+)?"
    r"(?:COMPANY|PARTNERSHIP)\b"
)
_LONG_FORM_RE = re.compile(r"(?i:corporation|company|companies|incorporated)")
# Legal forms never abbreviated: a full stop after them ends the sentence, not the name.
_UNDOTTED_RE = re.compile(
    r"(?:(?i:llc|llp|plc|limited|company|corporation|incorporated|gmbh|ulc)|KG|AG|SE|AB)\."
)
_ORG_WORD_RE = re.compile(
    r"(?i:company|group|partners|associates|sons|brothers|enterprises|holdings|trust|bank|university"
    r"|foundation|association|fund|institute|hospital|center|centre|agency|authority|council|society)"
)
# Words that continue a name only between two name words (`Bank of America`, `Procter & Gamble`).
_CONNECTORS = frozenset({
    "of", "and", "de", "del", "der", "den", "du", "la", "le", "von", "van", "für", "for", "the", "y", "et",
    "und", "e",
})  # fmt: skip
# Words a name never starts with: headings, recital words, document words.
_NOT_A_START = frozenset({
    "between", "and", "among", "amongst", "by", "whereas", "this", "that", "these", "those", "such", "each",
    "all", "both", "any", "either", "neither", "party", "parties", "article", "section", "clause", "page",
    "exhibit", "schedule", "annex", "appendix", "recitals", "recital", "agreement", "contract", "witnesseth",
    "now", "in", "if", "for", "from", "to", "on", "at", "as", "where", "when", "certain", "dated", "made",
    "entered", "dear", "re", "attention", "attn", "name", "title", "address", "date", "signature", "by:",
    "effective", "ladies", "gentlemen", "it", "its", "our", "we", "you", "your", "he", "she", "they", "with",
    "without", "upon", "under", "notwithstanding", "subject", "note", "confidential", "redacted", "table",
})  # fmt: skip
# Words that make a run of capitalised words an address or a heading rather than a name.
_NOT_IN_A_NAME_RE = re.compile(r"\b(?i:agreement|contract|p\.?o\.?\s+box|hereto|hereof|hereunder|herein)\b")
# An address, not a name: a number before a street word, or two street words (`Creek Parkway Suite H`).
_STREET = (
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Suite|Floor|Drive|Dr\.?|Boulevard|Blvd\.?|Parkway|Pkwy\.?"
    r"|Highway|Hwy\.?|Lane|Way|Building|Plaza)"
)
_ADDRESS_RE = re.compile(
    rf"\d+\s+(?:\w+\s+){{0,4}}{_STREET}\b|\b{_STREET}\s+(?:\w+\s+){{0,2}}{_STREET}\b|\bSuite\s+\w+"
)
_DBA_RE = re.compile(r"(?i:d/b/a/?|dba|doing\s+business\s+as|t/a|trading\s+as)(?=\s)")
# Role labels in front of a name (`Buyer:`, `Party A (Seller):`, `The Licensee:`) and the side they give.
_SIDE_A = (
    r"Party\s*A|First\s+Party|Buyer|Purchaser|Customer|Client|Licensee|Lessee|Tenant|Franchisee|Owner"
    r"|Employer|Principal|Distributor|Reseller|Recipient|Subscriber"
)
_SIDE_B = (
    r"Party\s*B|Second\s+Party|Seller|Vendor|Supplier|(?:Service\s+)?Provider|Licensor|Lessor|Landlord"
    r"|Contractor|Subcontractor|Consultant|Manufacturer|Developer|Franchisor"
)
_SIDE_A_RE = re.compile(rf"^(?:{_SIDE_A})$", re.I)
_SIDE_B_RE = re.compile(rf"^(?:{_SIDE_B})$", re.I)
_ROLE_LABEL_RE = re.compile(
    rf"(?:the\s+)?(?P<role>{_SIDE_A}|{_SIDE_B})\s*(?:[(（][^()（）\n]{{1,30}}[)）]\s*)?[:：]\s*", re.I
)
_LINE_LABEL_RE = re.compile(
    rf"^[ \t]*(?:the\s+)?(?P<role>{_SIDE_A}|{_SIDE_B})\s*(?:[(（][^()（）\n]{{1,30}}[)）]\s*)?[:：]"
    r"[ \t]*(?=\S)",
    re.I | re.M,
)
# Defined terms that name the document, a date or a thing, never a party.
_DOC_TERM_RE = re.compile(
    r"^(?:this\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:agreement|contract|amendment|date|time|parties|party|term"
    r"|order|exhibit|schedule|recitals?|services?|products?|goods|territory|work|project|transaction|plan"
    r"|lease|license|licen[cs]e|information|property|software|materials?|documents?|rights?|marks?"
    r"|business|program(?:me)?|fees?|price|premises|equipment|system|technology|law|act|rules?|shares?"
    r"|stock|notes?|securities|brand|site|conversion|offering|compound|study|deliverables?|specifications?"
    r"|PRC|USA|U\.S\.A?\.?|US|UK|EU|EEA|China|Hong\s+Kong)$",
    re.I,
)
_QUOTED_RE = re.compile(r"(?:[\"“”ʺ]|(?<!\w)['‘’]{1,2})([^\"“”ʺ\n]{1,60}?)(?:[\"“”ʺ]|['’](?!\w))")
_HEREINAFTER_RE = re.compile(
    r"(?i:hereinafter|herein|below)\s+(?:(?i:referred\s+to|called|designated|named|defined)\s+)?(?i:as\s+)?"
    r"(?:(?i:the)\s+)?[\"“]?(?P<t>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})"
)
_ANCHOR_RE = re.compile(
    r"\bby\s+and\s+(?:between|among(?:st)?)\b|\bbetween\b|\bamong(?:st)?\b|\bentered\s+into\s+by\b"
    r"|\bmade\s+by\b|\bexecuted\s+by\b|\bBETWEEN\b",
    re.I,
)
_INTRO_VERB_RE = re.compile(
    r"(?i:\b(?:agreement|contract|lease|licen[cs]e|memorandum|amendment|deed|arrangement)\b[^\n]{0,400}?"
    r"\b(?:made|entered|executed|dated|concluded|signed|between|among|by)\b"
    r"|\b(?:agree|enter\s+into)\b[^\n]{0,80}?\b(?:agreement|contract)\b)"
)
_INTRO_END_RE = re.compile(
    r"\b(?:WHEREAS|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|RECITALS?|BACKGROUND|PREAMBLE|NOW,?\s+THEREFORE)\b"
    r"|\n\s*(?:1|I|Article\s+1|ARTICLE\s+I|Section\s+1)[.:)]?\s+[A-Z]",
)
_DESCRIPTOR_RE = re.compile(
    r"\s*,?\s*(?:\(\s*)?(?:a|an)\s+(?:[\w.'’-]+\s+){0,6}?(?:corporation|company|partnership|limited|llc|trust"
    r"|bank|association|entity|individual|person|citizen|resident|organi[sz]ation|institution|university"
    r"|society|foundation|business|firm|enterprise|cooperative|body|agency|authority|subsidiary|venture)\b"
    r"|\s*,?\s*(?:organi[sz]ed|incorporated|existing|registered|established|formed|duly|having|with\s+(?:its"
    r"|a|an|offices?|principal|registered|address|place)|whose|located|domiciled|headquartered|acting"
    r"|residing|c/o)\b|\s*,\s*(?:of|at)\s+\d",
    re.I,
)
_SEPARATOR_RE = re.compile(
    r"\s*(?:,\s*)?(?:;\s*)?(?:and|&)\s+(?!(?i:existing|organi|incorporated|registered|its)\b)", re.I
)
# `the laws of England and Wales`: this `and` joins two places, not two parties
_PLACE_BEFORE_RE = re.compile(r"\b(?:of|in|under)\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\s*$")
_SENTENCE_STARTERS = frozenset({
    "The", "This", "These", "Each", "In", "If", "Any", "All", "It", "Such", "Whereas", "WHEREAS", "Now",
    "NOW", "For", "Both", "Neither", "Unless", "Upon", "Except", "Notwithstanding", "THIS", "THE", "We",
    "You", "Subject", "Pursuant", "Recitals", "RECITALS", "Background", "BACKGROUND",
})  # fmt: skip


@dataclass(frozen=True)
class PartyName:
    """A party's name as written, where it lies, and the side its label or defined term gives (a/b)."""

    name: str
    start: int
    end: int
    role: str | None = None


def _mask(text: str) -> str:
    """Same-length copy with EDGAR rules (`-----`, `____`) and tabs blanked, so offsets stay valid."""
    return re.sub(r"-{3,}[ \t]*\n?|_{3,}|\t", lambda m: " " * len(m.group(0)), text)


_TOKEN_RE = re.compile(r"(?:[^\s(),;:\"“”‘’ʺ\[\]]|(?<=\w)[’‘](?=\w))+|[(),;:\"“”‘’ʺ\[\]]")


def _name_word(tok: str) -> bool:
    """A word that can be part of a name: capitalised, a number, a brand like `eGain` or `iShip.com`."""
    if not tok or not any(ch.isalnum() for ch in tok):
        return tok in ("&", "/", "+", "-")
    if tok[0].isupper() or tok[0].isdigit():
        return True
    return any(ch.isupper() for ch in tok[1:]) or bool(re.search(r"[a-z]\.(?:com|net|org|io)\b", tok))


def _is_suffix(tok: str) -> bool:
    """A legal form; spelled-out ones count only capitalised (`a Delaware corporation` describes)."""
    if (tok.islower() and _LONG_FORM_RE.fullmatch(tok.rstrip("."))) or (
        tok.lower().rstrip(".") == "limited" and tok.islower()
    ):
        return False
    return bool(_SUFFIX_RE.fullmatch(tok))


def _ends_sentence(tok: str) -> bool:
    """`Agreement.`: a full stop after a word that is no abbreviation (`St.`, `N.`, `Etc.`, `Inc.`)."""
    if not tok.endswith(".") or _is_suffix(tok):
        return False
    core = tok[:-1]
    return len(core) > 4 and "." not in core and core.isalpha()


def side_of(term: str) -> str | None:
    """`Buyer`, `Customer`, `Party A` -> "a"; `Seller`, `Supplier`, `Party B` -> "b"; else None."""
    term = re.sub(r"\s+", " ", term.strip(" \"“”'‘’ʺ")).strip()
    if _SIDE_A_RE.match(term):
        return "a"
    if _SIDE_B_RE.match(term):
        return "b"
    return None


def _paren_end(text: str, start: int) -> int:
    """Index after the parenthesis opened at `start` (nested ones included), or -1."""
    depth = 0
    for i in range(start, min(len(text), start + 600)):
        if text[i] in "(（[":
            depth += 1
        elif text[i] in ")）]":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


_LEAD_RE = re.compile(
    r"[ \t\r]*:?[ \t\r]*(?:\n[ \t]*)?(?:\(\s*(?:\d{1,2}|[ivx]{1,4}|[a-h])\s*\)|\d{1,2}\.(?!\d))?[ \t]*"
)


def read_name(text: str, pos: int, limit: int | None = None) -> PartyName | None:
    """The party name starting at `pos` (after blanks, `(1)` and a role label like `Buyer:`), or None."""
    limit = min(len(text), limit if limit is not None else pos + 400)
    masked = _mask(text[:limit])
    lead = _LEAD_RE.match(masked, pos)
    pos = lead.end() if lead else pos
    role: str | None = None
    label = _ROLE_LABEL_RE.match(masked, pos)
    if label is not None:
        role = side_of(label.group("role"))
        pos = label.end()
    words = _name_words(masked, pos, limit)
    while words and (words[-1][0].lower() in _CONNECTORS or words[-1][0] in ("&", "/", "+", "-")):
        words.pop()
    if not words:
        return None
    start, end = words[0][1], words[-1][2]
    last = words[-1][0]
    if last.endswith(",") or _UNDOTTED_RE.fullmatch(last):
        end -= 1
    name = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", masked[start:end])).strip()
    if not _plausible(name):
        return None
    return PartyName(name, start, end, role)


def _plausible(name: str) -> bool:
    words = name.split()
    if len(name) < 2 or not any(ch.isalpha() for ch in name) or len(words) > 16:
        return False
    if words[0].lower().strip(",.:") in _NOT_A_START or re.fullmatch(r"[\d,.-]+", words[0]):
        return False
    if _is_suffix(words[0]) or re.fullmatch(r"[\d.]+", words[-1]):
        return False  # `Limited Liability Company`, a table-of-contents line `DELIVERY 12`
    return not _NOT_IN_A_NAME_RE.search(name) and not _ADDRESS_RE.search(name)


def _name_words(masked: str, pos: int, limit: int) -> list[tuple[str, int, int]]:
    """The tokens of the name starting at `pos`: (token, start, end)."""
    words: list[tuple[str, int, int]] = []
    i = pos
    suffix_seen = False
    while i < limit and len(words) < 20:
        tm = _TOKEN_RE.search(masked, i)
        if tm is None or tm.start() >= limit:
            break
        if "\n" in masked[i : tm.start()] and words:
            break  # a name does not run over a paragraph break
        tok = tm.group(0)
        if tok in ("(", "["):
            close = _paren_end(masked, tm.start())
            if close == -1 or not words or not _inside_name(masked, tm.start(), close, limit):
                break
            words.append((masked[tm.start() : close], tm.start(), close))
            i = close
            continue
        if tok == ",":
            if not words or not _comma_continues(masked, tm.end(), limit, suffix_seen):
                break
            i = tm.end()
            continue
        if not tok[0].isalnum() and tok not in ("&", "/", "+", "-") and not _name_word(tok):
            break
        dba = _DBA_RE.match(masked, tm.start()) if words else None
        if dba is not None:
            words.append((masked[tm.start() : dba.end()], tm.start(), dba.end()))
            suffix_seen = False  # `X, Inc. d/b/a Y`: the trade name follows
            i = dba.end()
            continue
        long_form = _MULTIWORD_FORM_RE.match(masked, tm.start())
        if words and long_form is not None:
            words.append((long_form.group(0), tm.start(), long_form.end()))
            suffix_seen = True
            i = long_form.end()
            continue
        if words and _is_suffix(tok):
            words.append((tok, tm.start(), tm.end()))
            suffix_seen = True
            i = tm.end()
            continue
        nxt = _TOKEN_RE.search(masked, tm.end(), limit)
        if suffix_seen:
            # after a legal form only another one continues the name (`Co., Ltd.`, `& Co. KG`,
            # `S.A. de C.V.`), or `of` after a spelled-out one (`Mutual Insurance Corporation of America`)
            if tok in ("&", "de") and nxt is not None and _is_suffix(nxt.group(0)):
                words.append((tok, tm.start(), tm.end()))
                i = tm.end()
                continue
            if not (tok == "of" and _LONG_FORM_RE.fullmatch(words[-1][0].rstrip(".,"))):
                break
            suffix_seen = False
        if tok == "&" or (tok == tok.lower() and tok in _CONNECTORS):
            if not words:
                if tok != "the":
                    break
                i = tm.end()  # `the Trustees of X`: a leading lowercase article is not part of the name
                continue
            if nxt is None or "\n" in masked[tm.end() : nxt.start()]:
                break
            follow = nxt.group(0)
            if follow == "the" and tok == "of":
                after_the = _TOKEN_RE.search(masked, nxt.end(), limit)
                follow = after_the.group(0) if after_the else ""
            if not _name_word(follow) or follow.lower() in _CONNECTORS:
                break
            if tok == "of" and re.search(r"\d", masked[nxt.start() : nxt.start() + 30]):
                break  # `Acme Ltd of 12 High Street`: an address follows
            if tok == "and" and not _and_inside_name(masked, words, nxt.start(), limit):
                break
            words.append((tok, tm.start(), tm.end()))
            i = tm.end()
            continue
        if not _name_word(tok):
            break
        if not words and tok.lower().strip(".,:") in _NOT_A_START:
            break
        if _ends_sentence(tok) and words:
            words.append((tok[:-1], tm.start(), tm.end() - 1))
            break
        words.append((tok, tm.start(), tm.end()))
        i = tm.end()
    return words


def _inside_name(masked: str, start: int, close: int, limit: int) -> bool:
    """`(Taicang)` in `XYZ (Taicang) Co., Ltd.`: a short capitalised note followed by more of the name;
    a defined term (`("Buyer")`, `(the "Company")`, `(MICOA)` at the end) is not."""
    inner = masked[start + 1 : close - 1].strip()
    if not inner or not inner[0].isupper() or _QUOTED_RE.search(inner) or len(inner.split()) > 4:
        return False
    after = _TOKEN_RE.search(masked, close, limit)
    if after is None or "\n" in masked[close : after.start()]:
        return False
    follow = after.group(0)
    if follow == ",":
        again = _TOKEN_RE.search(masked, after.end(), limit)
        return again is not None and _is_suffix(again.group(0))
    return _is_suffix(follow) or (_name_word(follow) and follow not in ("&", "-", "/"))


def _comma_continues(masked: str, at: int, limit: int, suffix_seen: bool) -> bool:
    """`Acme, Inc.` / `Acme, Inc. d/b/a X` / `Stratton, Cheeseman & Walsh, Inc.`: the comma is inside."""
    nxt = _TOKEN_RE.search(masked, at, limit)
    if nxt is None or "\n" in masked[at : nxt.start()]:
        return False
    if _is_suffix(nxt.group(0)) or _DBA_RE.match(masked, nxt.start()):
        return True
    firm = re.match(
        r"\s*(?:[A-Z][\w'’.-]*\s+){1,3}(?:&|and)\s+[A-Z][^,(;\n]{0,40},?\s*(?:Inc|LLP|LLC|P\.?C)\b",
        masked[at:limit],
    )
    return firm is not None and not suffix_seen


def _and_inside_name(masked: str, words: list[tuple[str, int, int]], at: int, limit: int) -> bool:
    """`The Babcock and Wilcox Company`: `and` joins one name when what follows is a short run of names
    ending in a legal form or an organisation word, and what precedes has no legal form of its own."""
    if any(_is_suffix(w) for w, _, _ in words) or len(words) > 3:
        return False
    tail = re.match(r"[^(;\n\"“]{0,80}", masked[at:limit])
    run = re.split(r",?\s+(?:and|a|an)\s|\s+(?:with|having|whose|of)\s", tail.group(0) if tail else "")[0]
    toks = [t for t in re.split(r"[\s,]+", run) if t]
    if not toks or len(toks) > 5 or not all(_name_word(t) for t in toks):
        return False
    return _is_suffix(toks[-1]) or bool(_ORG_WORD_RE.fullmatch(toks[-1].rstrip(".")))


def _defined_terms(text: str, start: int, end: int) -> list[str]:
    """The defined terms inside a parenthesis: quoted (`("Buyer")`) or introduced (`hereinafter Party A`)."""
    terms = [m.group(1).strip() for m in _QUOTED_RE.finditer(text, start, end)]
    terms += [m.group("t") for m in _HEREINAFTER_RE.finditer(text[start:end])]
    bare = re.fullmatch(r"[(（]\s*(?:the\s+)?([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})\s*[)）]", text[start:end])
    if bare:
        terms.append(bare.group(1))  # `(the Company)`, `(MICOA)`
    return terms


def _party_terms(terms: list[str]) -> list[str]:
    return [t for t in terms if not _DOC_TERM_RE.match(t) and len(t) > 1]


def _description(masked: str, name: PartyName, limit: int) -> tuple[bool, str | None, int]:
    """What follows a name: whether it describes a party (a defined term, `a Delaware corporation`, an
    address), the side its defined term gives, and where the description ends."""
    i = name.end
    words = name.name.split()
    evidence = bool(words) and _is_suffix(words[-1])
    role: str | None = None
    quiet = i  # end of the last parenthesis or quote: a descriptor may follow it directly
    while i < limit:
        ch = masked[i]
        if ch in "(（":
            close = _paren_end(masked, i)
            if close == -1:
                break
            terms = _party_terms(_defined_terms(masked, i, close))
            if terms:
                evidence = True
                role = role or next((side_of(t) for t in terms if side_of(t)), None)
            elif re.search(r"[\"“]", masked[i:close]) and not _defined_terms(masked, i, close):
                evidence = True  # an unbalanced `("Celebrity)` still defines the party
            i = quiet = close
            continue
        if ch in '"“ʺ':
            q = re.match(r"[\"“ʺ]([^\"”ʺ\n]{1,40})[\"”ʺ]", masked[i:])
            if q and _party_terms([q.group(1)]):
                evidence = True
                role = role or side_of(q.group(1))
            i = quiet = i + (q.end() if q else 1)
            continue
        if i - quiet < 3 and _DESCRIPTOR_RE.match(masked, i):
            evidence = True
        sep = _SEPARATOR_RE.match(masked, i)
        if sep and i > name.end and not _PLACE_BEFORE_RE.search(masked, max(name.end, i - 40), i):
            return evidence, role, i
        if ch == ";":
            return evidence, role, i
        if ch == "." and re.match(r"\.\s+([A-Z]\w*)", masked[i:]):
            m = re.match(r"\.\s+([A-Z]\w*)", masked[i:])
            before = re.search(r"(\S+)$", masked[name.end : i])
            if m and (m.group(1) in _SENTENCE_STARTERS or (before and _ends_sentence(before.group(1) + "."))):
                return evidence, role, i
        i += 1
    return evidence, role, i


def intro_span(text: str) -> tuple[int, int] | None:
    """Where the parties are introduced: the paragraph holding the first `Agreement ... between` sentence,
    running to the recitals (`WHEREAS`, `RECITALS`, clause 1)."""
    head = text[:8000]
    found = [m for m in (_INTRO_VERB_RE.search(head), _ANCHOR_RE.search(head)) if m is not None]
    if not found:
        return None
    at = min(m.start() for m in found)
    start = head.rfind("\n", 0, at) + 1
    stop = _INTRO_END_RE.search(head, at + 1)
    end = stop.start() if stop else min(len(head), at + 2500)
    return start, min(end, start + 3000)


def _chain(text: str, masked: str, pos: int, end: int, strong: bool) -> list[PartyName]:
    """Parties listed from `pos`: `X ("Buyer"), a ... corporation, and Y ("Seller")`."""
    out: list[PartyName] = []
    cursor = pos
    while cursor < end and len(out) < 8:
        name = read_name(text, cursor, end)
        if name is None:
            break
        evidence, role, after = _description(masked, name, end)
        if not (evidence or strong or name.role):
            break
        out.append(PartyName(name.name, name.start, name.end, name.role or role))
        sep = _SEPARATOR_RE.match(masked, after)
        if sep is None:
            break
        cursor, strong = sep.end(), True
    return out


def intro_parties(text: str) -> list[PartyName]:
    """Parties named in the opening sentence, in order (`by and between X ("Buyer") and Y ("Seller")`)."""
    span = intro_span(text)
    if span is None:
        return []
    start, end = span
    masked = _mask(text[:end])
    best: list[PartyName] = []
    best_score = -1
    for m in _ANCHOR_RE.finditer(masked, start, end):
        names = _distinct(_chain(text, masked, m.end(), end, True))
        if len(names) < 2:
            continue
        described = sum(_description(masked, p, end)[0] for p in names[:2])
        if described > best_score:
            best, best_score = names, described
        if described >= 2:
            break
    if best:
        return best
    # no `between`: names defined where they stand (`Acme, Inc. ("Acme") and Beta LLC ("Beta") agree`)
    found: list[PartyName] = []
    for pos in _weak_starts(masked, start, end):
        for p in _chain(text, masked, pos, end, False):
            if all(not (q.start <= p.start < q.end) for q in found):
                found.append(p)
    found.sort(key=lambda p: p.start)
    return _distinct(found)


def _weak_starts(masked: str, start: int, end: int) -> list[int]:
    starts = {start}
    for m in re.finditer(
        r"\n|\(\s*(?:\d|i{1,3}|iv|v)\s*\)|[)）”\"]\s*,?\s*|\b(?:and|with|retain)\s+", masked[start:end]
    ):
        starts.add(start + m.end() if m.group(0) != "\n" else start + m.start() + 1)
    return sorted(starts)


def definition_parties(text: str, *, head: int = 6000) -> list[PartyName]:
    """Names defined as parties anywhere near the top: `Acme, Inc., a Delaware corporation (the "Company")`,
    `Baoding X Company (hereinafter referred to as Party A)`."""
    masked = _mask(text[:head])
    out: list[PartyName] = []
    for m in re.finditer(r"[(（]", masked):
        close = _paren_end(masked, m.start())
        if close == -1:
            continue
        terms = _party_terms(_defined_terms(masked, m.start(), close))
        if not terms:
            continue
        window_start = max(0, m.start() - 240)
        cut = max(masked.rfind(b, window_start, m.start()) for b in ("\n", ";", ". ", ")", "”", "between"))
        window_start = max(window_start, cut + 1)
        for w in re.finditer(r"(?<![\w.])(?=[A-Za-z0-9])", masked[window_start : m.start()]):
            pos = window_start + w.start()
            name = read_name(text, pos, m.start())
            if name is None:
                continue
            gap = masked[name.end : m.start()]
            if gap.strip() and not _DESCRIPTOR_RE.match(gap) and not re.fullmatch(r"\s*,?\s*", gap):
                continue
            role = next((side_of(t) for t in terms if side_of(t)), None)
            out.append(PartyName(name.name, name.start, name.end, role))
            break
    return _distinct(out)


def label_parties(text: str, *, head: int = 6000) -> list[PartyName]:
    """`Buyer: X` / `Party A (Seller): X` lines near the top: each name with the side its label gives."""
    out: list[PartyName] = []
    for m in _LINE_LABEL_RE.finditer(text[:head]):
        name = read_name(text, m.start(), min(len(text), m.end() + 200))
        if name is None or name.role is None:
            continue
        if all(p.role != name.role for p in out):
            out.append(name)
    return out


_SIGNATURE_RE = re.compile(r"IN\s+WITNESS\s+WHEREOF|SIGNED\s+(?:for\s+and\s+)?(?:on\s+behalf|by)", re.I)


def signature_parties(text: str) -> list[PartyName]:
    """Company names heading the signature blocks (`ACME CORP.` above `By: ____`)."""
    blocks = list(_SIGNATURE_RE.finditer(text))
    if not blocks:
        return []
    base = blocks[-1].start()
    block = text[base : base + 3000]
    out: list[PartyName] = []
    for line in re.finditer(
        r"^[ \t]*(?:(?i:for\s+and\s+on\s+behalf\s+of)\s+)?(?P<n>[^\n]{3,90})$", block, re.M
    ):
        if not re.match(
            r"\s*(?:By|Per|Signature|Signed|/s/|_{3,})", block[line.end() : line.end() + 80], re.I
        ):
            continue
        name = read_name(text, base + line.start("n"), base + line.end("n"))
        if name is None or name.end < base + line.end("n") - 2:
            continue  # the whole line must be the name
        if not (_is_suffix(name.name.split()[-1]) or name.name.isupper()):
            continue
        out.append(name)
    return _distinct(out)


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def _distinct(names: list[PartyName]) -> list[PartyName]:
    out: list[PartyName] = []
    for p in names:
        if _key(p.name) and all(_key(q.name) != _key(p.name) for q in out):
            out.append(p)
    return out


def english_parties(text: str) -> tuple[PartyName | None, PartyName | None]:
    """(party A, party B): buyer/customer first when labels or defined terms say so, else in order."""
    labelled = label_parties(text)
    if len({p.role for p in labelled}) == 2:
        names = labelled
    else:
        names = intro_parties(text)
        for more in (labelled, definition_parties(text), signature_parties(text)):
            if len(names) >= 2:
                break
            names = _distinct(names + more)
    # a one-word defined term of the document is no party name (`Bank`, `SENDER`, `IAC`)
    terms = {_key(t) for t in _QUOTED_RE.findall(text[:8000])}
    names = [p for p in names if len(p.name.split()) > 1 or _key(p.name) not in terms or p.role is not None]
    if not names:
        return None, None
    first, second = names[0], (names[1] if len(names) > 1 else None)
    if first.role == "b" or (second is not None and second.role == "a" and first.role != "a"):
        return second, first  # the buyer side (customer, licensee, Party A) is party A
    return first, second
