"""Rules for the performance clauses: delivery, payment, acceptance, warranty and breach penalty."""

from __future__ import annotations

import re

from copilot.contracts.locate import Contract, Evidence, Span
from copilot.contracts.normalise import Duration, count_value, find_durations, find_rates
from copilot.contracts.values import Acceptance, BreachPenalty, ContractAmount, DeliveryPeriod, PaymentTerms
from copilot.nlp.amounts import find_amounts

Found = tuple[object | None, list[Evidence]]

_DELIVERY_VERB_RE = re.compile(
    r"交货|交付|送达|发货|供货|到货|运抵|交运|上线|部署|安装|调试|完成[^，。；]{0,12}(?:工作|服务|开发|实施)|竣工"
    r"|(?i:deliver|ship|install|complete\s+the\s+(?:work|services|installation))"
)
_PAYING_RE = re.compile(r"支付[^，。；]{0,15}(?:款|%|％)|付清|(?i:shall\s+pay|payable)")
_DELIVERY_LABEL_RE = re.compile(r"(?:交货|交付|供货|到货|交|工)(?:期限|期|时间)\s*(?:为|是|[:：])?")


def _within(text: str, d: Duration) -> bool:
    """Whether a period is a deadline (`45个工作日内`, `within 30 days`), not a delay (`30日后`, `前3日`)."""
    after = text[d.end : d.end + 4]
    before = text[max(0, d.start - 30) : d.start]
    if re.match(r"\s*[)）]?\s*(?:[以之]?内|为限)", after):
        return True
    if re.search(r"(?i:within|no\s+later\s+than|not\s+later\s+than|not\s+more\s+than)\s*$", before):
        return True
    return bool(re.search(r"(?i:within)\s*$", text[max(0, d.start - 12) : d.start]))


def _days_value(d: Duration) -> int | None:
    return d.days


def delivery_period(c: Contract) -> Found:
    """交货/交付期限: the first deadline in days next to a delivery verb, preferring delivery clauses."""
    for i in c.candidate_leaves("delivery_period"):
        for s in c.sentences(i):
            if not _DELIVERY_VERB_RE.search(s.text) or re.search(r"(?i:通知|notify|notice)", s.text[:12]):
                continue
            if _PAYING_RE.search(s.text):
                continue  # 上线后10日内支付40%: a payment milestone, not the delivery period
            labelled = _DELIVERY_LABEL_RE.search(s.text)
            for d in find_durations(s.text):
                days = _days_value(d)
                if days is None:
                    continue
                if re.match(
                    r"\s*(?:前|之前|以前|后|之后|以后)(?!.{0,4}内)", s.text[d.end : d.end + 3]
                ) and not _within(s.text, d):
                    continue  # 发货前3日书面通知: a notice lead time, not the delivery period
                if _within(s.text, d) or (labelled and labelled.end() <= d.start):
                    value = DeliveryPeriod(days=days, business_days=d.unit == "business_day")
                    return value, [c.clause_evidence(i)]
    return None, []


_PAY_CONTEXT_RE = re.compile(
    r"支付|付清|付款|预付|首付|尾款|余款|结清|货款|款项|价款|(?i:pay|paid|payable|due|invoice)"
)
_NOT_INSTALMENT_BEFORE_RE = re.compile(
    r"(?:税率|增值税|税|利率|违约金|滞纳金|罚金|可用性|可用率|(?i:vat|tax|interest|penalty|late|availability))[^，。；,;]{0,6}$"
)
_NOT_INSTALMENT_AFTER_RE = re.compile(
    r"^\s*(?:的)?(?:增值税|税|(?:的)?违约金|利息|滞纳金|(?i:vat|tax|interest|late))"
)
_REMAINDER_RE = re.compile(r"余款|尾款|剩余|余额|其余|(?i:balance|remainder|remaining)")


def _instalments(c: Contract, index: int, titled: bool) -> list[tuple[float, int]]:
    out: list[tuple[float, int]] = []
    for s in c.sentences(index):
        # In a payment clause every percentage is an instalment unless shown otherwise; elsewhere the
        # sentence itself must be about paying.
        if not titled and not _PAY_CONTEXT_RE.search(s.text):
            continue
        for r in find_rates(s.text):
            if _NOT_INSTALMENT_BEFORE_RE.search(s.text[max(0, r.start - 12) : r.start]):
                continue
            if _NOT_INSTALMENT_AFTER_RE.match(s.text[r.end : r.end + 6]):
                continue
            if re.search(r"每日|每天|(?i:per\s+day|each\s+day)", s.text):
                continue  # a daily rate is a penalty or interest, not an instalment
            out.append((r.pct, s.start + r.start))
    return out


def payment_terms(c: Contract, total_amount: ContractAmount | None = None) -> Found:
    """付款节点 as percentages in contract order; a stated remainder (余款/balance) completes 100%. Failing
    that, one instalment per sub-clause, amounts against the contract total, or `N equal instalments`."""
    titled = [i for i in c.titled("payment_terms", inherit=False) if c.clauses[i].level > 0]
    others = [i for i, cl in enumerate(c.clauses) if cl.level > 0 and cl.style not in ("chapter", "annex")]
    for i in titled + others:
        found = _instalments(c, i, i in titled)
        if not found or (i not in titled and len(found) < 2):
            continue
        pcts = [p for p, _ in found]
        total = sum(pcts)
        if total > 100.001:
            prefix: list[float] = []
            for p in pcts:
                prefix.append(p)
                if abs(sum(prefix) - 100) < 0.001:
                    pcts = prefix
                    break
        elif total < 99.999 and _REMAINDER_RE.search(c.text[found[-1][1] : c.clauses[i].end]):
            pcts = [*pcts, round(100 - total, 4)]
        if i not in titled and abs(sum(pcts) - 100) > 0.001:
            continue
        return PaymentTerms(installments_pct=pcts), [c.clause_evidence(i)]
    return _sibling_instalments(c, titled) or _amount_instalments(c, total_amount, titled) or (None, [])


def _complete(found: list[tuple[float, int]], c: Contract, end: int) -> list[float] | None:
    """The percentages when they make 100%, counting a stated remainder (`the balance`)."""
    pcts = [p for p, _ in found]
    total = sum(pcts)
    if total < 99.999 and found and _REMAINDER_RE.search(c.text[found[-1][1] : end]):
        pcts = [*pcts, round(100 - total, 4)]
    return pcts if abs(sum(pcts) - 100) < 0.001 and len(pcts) >= 2 else None


def _sibling_instalments(c: Contract, titled: list[int]) -> Found | None:
    """`(a) 30% upon signing; (b) 60% upon delivery; (c) the balance after acceptance`: one instalment per
    sub-clause, read across a run of sibling clauses that talk about paying."""
    runs: list[list[int]] = []
    for i, cl in enumerate(c.clauses):
        if cl.level == 0 or cl.style in ("chapter", "annex", "signature"):
            continue
        prev = runs[-1][-1] if runs else None
        if (
            prev is not None
            and c.clauses[prev].parent == cl.parent
            and c.clauses[prev].style == cl.style
            and cl.start >= c.clauses[prev].end - 1
        ):
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) < 2:
            continue
        lead_in = c.text[max(0, c.clauses[run[0]].start - 200) : c.clauses[run[0]].start]
        paying = bool(_PAY_CONTEXT_RE.search(lead_in)) and bool(
            re.search(r"(?i:follow|instal+ment)|如下|[:：]", lead_in)
        )
        found: list[tuple[float, int]] = []
        for i in run:
            in_titled = paying or i in titled or c.clauses[i].parent in titled
            found.extend(_instalments(c, i, in_titled))
        pcts = _complete(found, c, c.clauses[run[-1]].end)
        if pcts is not None:
            return PaymentTerms(installments_pct=pcts), [c.clause_evidence(i) for i in run]
    return None


_EQUAL_RE = re.compile(
    r"(?i:in\s+(?P<n>two|three|four|five|six|\d)\s*(?:\(\s*\d\s*\)\s*)?equal\s+(?:instal+ments|payments|parts|tranches))"
)


def _amount_instalments(c: Contract, total: ContractAmount | None, titled: list[int]) -> Found | None:
    """`USD 60,000 upon signing, USD 120,000 upon delivery and USD 20,000 after acceptance` against a total of
    USD 200,000 -> 30/60/10; `in three equal instalments` -> 33.33 each."""
    for i in [*titled, *c.leaf_ids]:
        for sent in c.sentences(i):
            if not (i in titled or _PAY_CONTEXT_RE.search(sent.text)):
                continue
            eq = _EQUAL_RE.search(sent.text)
            if eq is not None:
                n = count_value(eq.group("n")) or 0
                if 2 <= n <= 12:
                    return PaymentTerms(installments_pct=[round(100 / n, 2)] * n), [c.clause_evidence(i)]
            if total is None:
                continue
            money = [m for m in find_amounts(sent.text) if m.currency == total.currency]
            if len(money) >= 2 and abs(float(sum(m.amount for m in money)) - total.amount) < 0.01:
                pcts = [round(float(m.amount) / total.amount * 100, 2) for m in money]
                return PaymentTerms(installments_pct=pcts), [c.clause_evidence(i)]
    return None


_ACCEPT_CONTENT_RE = re.compile(
    r"组织验收|进行验收|验收标准|终验|初验|(?i:acceptance\s+test|deemed\s+accepted|inspect)"
)
_ACCEPT_WORD_RE = re.compile(r"验收|检验|验货|终验|初验|(?i:accept|inspect|test)")


def acceptance(c: Contract) -> Found:
    """验收: the acceptance clause as criteria, and its first deadline in days."""
    titled = [i for i in c.titled("acceptance", inherit=False) if c.clauses[i].style != "annex"]
    ids = titled or [i for i in c.leaf_ids if _ACCEPT_CONTENT_RE.search(c.clauses[i].text)]
    if not ids:
        return None, []
    top = [
        i
        for i in ids
        if not any(
            c.clauses[i].start > c.clauses[k].start and c.clauses[i].end <= c.clauses[k].end for k in ids
        )
    ]
    i = top[0]
    days: int | None = None
    for s in c.sentences(i):
        if not _ACCEPT_WORD_RE.search(s.text):
            continue
        for d in find_durations(s.text):
            if d.days is not None and _within(s.text, d):
                days = d.days
                break
        if days is not None:
            break
    return Acceptance(days=days, criteria=c.clauses[i].text), [c.clause_evidence(i)]


_WARRANTY_RE = re.compile(r"质保|保修|质量保证期|免费维护期|(?i:warrant|guarantee\s+period)")


def warranty_months(c: Contract) -> Found:
    """质保期 / warranty period in months (a year is 12); nothing when it only refers to a shelf life."""
    for i in c.candidate_leaves("warranty_months"):
        for s in c.sentences(i):
            cue = _WARRANTY_RE.search(s.text)
            if cue is None or re.search(
                r"质保金|保证金|(?i:retention)", s.text[cue.start() : cue.start() + 4]
            ):
                continue
            for d in find_durations(s.text):
                if d.start < cue.start() or d.months is None:
                    continue
                if (
                    re.search(r"满|后|(?i:after)", s.text[max(0, d.start - 2) : d.start])
                    and "期" not in s.text[cue.start() : d.start]
                ):
                    continue
                return d.months, [c.clause_evidence(i)]
    return None, []


_PER_DAY_RE = re.compile(
    r"每(?:逾期|延迟|迟延|延误|超过)?(?:一|1)?\s*[日天]|按日|(?i:per\s+(?:calendar\s+)?day|each\s+day|for\s+every\s+day"
    r"|daily|a\s+day)"
)
_CAP_BEFORE_RE = re.compile(
    r"(?:不超过|不得超过|不应超过|最高|上限|(?i:exceed|maximum|cap(?:ped)?\s+at|up\s+to|no\s+more\s+than"
    r"|limited\s+to))[^，。；,;]{0,20}$"
)
_PENALTY_RE = re.compile(
    r"违约金|罚款|滞纳金|赔偿金|(?i:liquidated\s+damages|penalt|late\s+(?:delivery\s+)?(?:fee|charge))"
)


def breach_penalty(c: Contract) -> Found:
    """违约金: the first daily rate (千分之五/日 = 0.5) and its cap (不超过合同总额的10%)."""
    for i in c.candidate_leaves("breach_penalty"):
        spans = list(c.sentences(i))
        for k, s in enumerate(spans):
            if not _PER_DAY_RE.search(s.text) or not (
                _PENALTY_RE.search(s.text) or i in set(c.titled("breach_penalty"))
            ):
                continue
            rate: float | None = None
            for r in find_rates(s.text):
                if not _CAP_BEFORE_RE.search(s.text[max(0, r.start - 24) : r.start]) and not re.match(
                    r"\s*为限", s.text[r.end : r.end + 4]
                ):
                    rate = r.pct
                    break
            if rate is None:
                continue
            cap = _cap(spans[k : k + 2])
            return BreachPenalty(rate_per_day_pct=rate, cap_pct=cap), [c.clause_evidence(i)]
    return None, []


def _cap(spans: list[Span]) -> float | None:
    for s in spans:
        for r in find_rates(s.text):
            before = s.text[max(0, r.start - 24) : r.start]
            if _CAP_BEFORE_RE.search(before) or re.match(r"\s*为限", s.text[r.end : r.end + 4]):
                return r.pct
    return None
