"""Rules for the legal clauses: liability exclusions, termination and dispute resolution."""

from __future__ import annotations

import re
from typing import Literal

from copilot.contracts.dispute_en import english_dispute
from copilot.contracts.locate import Contract, Evidence, dedupe_nested
from copilot.contracts.normalise import find_durations
from copilot.contracts.values import DisputeResolution, LiabilityExclusions, Termination

Found = tuple[object | None, list[Evidence]]

_EXCLUSION_RE = re.compile(
    r"不承担[^。；]{0,12}责任|不负[^。；]{0,8}责任|免除[^。；]{0,8}责任|免责|不可抗力|间接损失|以[^。；]{0,20}为限"
    r"|(?i:shall\s+not\s+be\s+(?:liable|responsible)|in\s+no\s+event|no\s+liability|not\s+be\s+liable"
    r"|consequential\s+damages|limitation\s+of\s+liability|force\s+majeure|aggregate\s+liability)"
)


def _join(c: Contract, ids: list[int]) -> tuple[str, list[Evidence]]:
    ids = dedupe_nested(ids, c.clauses)
    return "\n".join(c.clauses[i].text for i in ids), [c.clause_evidence(i) for i in ids]


def liability_exclusions(c: Contract) -> Found:
    """免责 / 责任限制 / limitation of liability: every clause that excludes or caps liability."""
    titled = [i for i in c.titled("liability_exclusions", inherit=False) if c.clauses[i].style != "annex"]
    content = [i for i in c.leaf_ids if _EXCLUSION_RE.search(c.clauses[i].text) and c.clauses[i].level > 0]
    # `以…为限` alone also reads 保密期限以…为限 or a payment cap: it counts only inside a titled clause.
    content = [
        i for i in content if _EXCLUSION_RE.search(re.sub(r"以[^。；]{0,20}为限", "", c.clauses[i].text))
    ]
    if not titled and not content:
        return None, []
    text, evidence = _join(c, titled + content)
    return LiabilityExclusions(text=text), evidence


_TERMINATE_RE = re.compile(
    r"解除(?:本|该)?(?:合同|协议)|终止(?:本|该)?(?:合同|协议)|(?:合同|协议)(?:的)?解除"
    r"|(?i:terminat\w*\s+(?:this|the)\s+(?:agreement|contract)|may\s+terminate|right\s+to\s+terminate)"
)
_NOTICE_ZH_RE = re.compile(r"提前\s*(?P<n>\S{1,8}?(?:个工作日|工作日|日|天|周|个月|月))[^。；]{0,12}通知")
_NOTICE_EN_RE = re.compile(
    r"(?P<n>[\w\s()-]{1,30}?(?:days?|months?|weeks?))['’]?s?\s+(?:prior\s+|advance\s+|written\s+|prior\s+written\s+)*notice"
    r"|notice[^.;]{0,40}?(?:at\s+least|not\s+less\s+than|no\s+less\s+than)\s+(?P<m>[\w\s()-]{1,30}?(?:days?|months?"
    r"|weeks?))",
    re.I,
)


def _notice_days(text: str) -> int | None:
    for m in (*_NOTICE_ZH_RE.finditer(text), *_NOTICE_EN_RE.finditer(text)):
        piece = m.group("n") if "n" in m.groupdict() and m.group("n") else m.groupdict().get("m") or ""
        durations = find_durations(piece)
        if not durations:
            continue
        d = durations[-1]
        if d.days is not None:
            return d.days
        if d.months is not None:
            return d.months * 30  # `one month's notice` is read as 30 days
    return None


def termination(c: Contract) -> Found:
    """解除/终止 / termination: the clauses allowing it, and the notice period in days (None: no notice)."""
    titled = [i for i in c.titled("termination", inherit=False) if c.clauses[i].style != "annex"]
    content = [i for i in c.leaf_ids if c.clauses[i].level > 0 and _TERMINATE_RE.search(c.clauses[i].text)]
    if not titled and not content:
        return None, []
    ids = dedupe_nested(titled + content, c.clauses)
    notice: int | None = None
    for i in ids:
        for s in c.sentences(i):
            if re.search(r"解除|终止|(?i:terminat)", s.text):
                notice = _notice_days(s.text)
                if notice is not None:
                    break
        if notice is not None:
            break
    text, evidence = _join(c, ids)
    return Termination(notice_days=notice, text=text), evidence


_ARB_ZH_RE = re.compile(r"仲裁委员会|仲裁院|仲裁中心|申请仲裁|提交仲裁|提请仲裁|仲裁解决|进行仲裁|通过仲裁")
_LIT_ZH_RE = re.compile(r"人民法院|法院[^。；]{0,6}(?:起诉|诉讼|管辖)|提起诉讼|诉讼解决|向[^。；]{0,20}法院")
_ARB_EN_RE = re.compile(
    r"(?:binding|final|finally|settled|resolved|submitted|referred)\s+(?:\w+\s+){0,3}?(?:by|to|through)\s+"
    r"(?:binding\s+|confidential\s+)?arbitration|arbitration\s+(?:administered|conducted|in\s+accordance|under|"
    r"pursuant)|Arbitration\s+Association|International\s+Chamber\s+of\s+Commerce|JAMS|CIETAC|SIAC|HKIAC|LCIA"
    r"|arbitral\s+tribunal",
    re.I,
)
_LIT_EN_RE = re.compile(
    r"courts?\s+(?:of|in|located|sitting|situated|for)\b|jurisdiction\s+of\s+(?:the\s+)?", re.I
)
_ZH_INSTITUTION_RE = re.compile(
    r"(?:提交|交由|交|向|由|递交|提请|报请)\s*(?P<v>[^，。；、\s]{2,30}?(?:仲裁委员会|仲裁院|仲裁中心)(?:[^，。；\s]{1,6}分会)?)"
    r"|(?P<w>[^，。；、\s提交向由]{2,25}(?:仲裁委员会|仲裁院|仲裁中心)(?:[^，。；\s]{1,6}分会)?)"
)
_ZH_COURT_RE = re.compile(r"(?:向|由|提交|归|在)\s*(?P<v>[^，。；\s]{2,30}?(?:人民法院|法院))")
_EN_PLACE = (
    r"(?:the\s+)?(?:[A-Z][\w.'-]*)(?:\s+(?:of\s+)?[A-Z][\w.'-]*)*(?:,\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)?"
)
_EN_INSTITUTION_RE = re.compile(
    r"(?:administered\s+by|under\s+the\s+(?:rules|auspices)\s+of|before)\s+(?P<v>(?:the\s+)?[A-Z][\w&.'-]*(?:\s+(?:of\s+)?"
    r"[A-Z][\w&.'-]*)*)"
)
_EN_SEAT_RE = re.compile(
    rf"(?:\bin|\bat|seat(?:ed)?\s+(?:of\s+(?:the\s+)?arbitration\s+shall\s+be\s+)?(?:in\s+)?)\s+(?P<v>{_EN_PLACE})"
)
_EN_COURT_RE = re.compile(
    rf"(?P<v>courts?\s+(?:of|in|located\s+in|sitting\s+in|situated\s+in|for)\s+{_EN_PLACE})", re.I
)


def dispute_resolution(c: Contract) -> Found:
    """争议解决 / disputes: arbitration or litigation, and the institution or court named. English contracts
    also give their governing law; one that names no forum is litigated (no arbitration was agreed) before a
    court it does not name (venue None)."""
    if c.lang == "en":
        reading = english_dispute(c)
        if reading is None:
            return None, []
        method: Literal["litigation", "arbitration"] = (
            "arbitration" if reading.method == "arbitration" else "litigation"
        )
        found = DisputeResolution(method=method, venue=reading.venue, governing_law=reading.governing_law)
        return found, [c.clause_evidence(i) for i in dedupe_nested(list(reading.clauses), c.clauses)]
    titled = [i for i in c.titled("dispute_resolution", inherit=False) if c.clauses[i].style != "annex"]
    content = [
        i
        for i in c.leaf_ids
        if c.clauses[i].level > 0
        and (
            _ARB_ZH_RE.search(c.clauses[i].text)
            or _LIT_ZH_RE.search(c.clauses[i].text)
            or _ARB_EN_RE.search(c.clauses[i].text)
            or _LIT_EN_RE.search(c.clauses[i].text)
        )
    ]
    for i in dedupe_nested(titled, c.clauses) + [k for k in content if k not in titled]:
        value = _dispute_in(c.clauses[i].text)
        if value is not None:
            return value, [c.clause_evidence(i)]
    return None, []


def _dispute_in(text: str) -> DisputeResolution | None:
    arb = _ARB_ZH_RE.search(text) or _ARB_EN_RE.search(text)
    lit = _LIT_ZH_RE.search(text) or _LIT_EN_RE.search(text)
    if arb is None and lit is None:
        return None
    zh = bool(re.search(r"[\u4e00-\u9fff]", text))
    # Chinese clauses that offer both (仲裁或诉讼) follow the first named; English arbitration clauses
    # mention courts only to enforce the award, so arbitration wins there.
    if arb is not None and (lit is None or not zh or arb.start() < lit.start()):
        return DisputeResolution(method="arbitration", venue=_arbitration_venue(text, arb.start()))
    return DisputeResolution(method="litigation", venue=_court_venue(text))


def _arbitration_venue(text: str, at: int) -> str | None:
    m = _ZH_INSTITUTION_RE.search(text)
    if m:
        return (m.group("v") or m.group("w")).strip()
    parts: list[str] = []
    inst = _EN_INSTITUTION_RE.search(text, max(0, at - 200))
    if inst:
        parts.append(inst.group("v").strip())
    seat = _EN_SEAT_RE.search(text, inst.end() if inst else at)
    if seat:
        parts.append(seat.group("v").strip(" ,."))
    return " in ".join(parts) if parts else None


def _court_venue(text: str) -> str | None:
    m = _ZH_COURT_RE.search(text)
    if m:
        return m.group("v").strip()
    m = _EN_COURT_RE.search(text)
    return m.group("v").strip(" ,.") if m else None
