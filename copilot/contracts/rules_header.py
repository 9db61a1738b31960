"""Rules for the fields a contract states up front: parties, amount, signing date and term."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal

from copilot.contracts.locate import Contract, Evidence, split_sentences
from copilot.contracts.normalise import FoundDate, add_months, find_dates, find_durations, months_between
from copilot.contracts.parties_en import english_parties, intro_span, read_name
from copilot.contracts.term_en import english_term
from copilot.contracts.values import ContractAmount, Parties, Term
from copilot.nlp.amounts import Money, find_amounts

Found = tuple[object | None, list[Evidence]]

_BUYER = (
    r"买方|需方|采购方|采购人|买受人|委托方|委托人|发包方|发包人|定作方|定作人|承租方|承租人|客户|用户"
    r"|被许可方"
)
_SELLER = (
    r"卖方|供方|供应方|供货方|供应商|出卖人|受托方|受托人|承包方|承包人|承揽方|承揽人|出租方|出租人|服务方|服务商"
    r"|许可方|开发方"
)
_ZH_PARTY_RE = re.compile(
    rf"^(?P<label>甲方|乙方|{_BUYER}|{_SELLER})\s*(?P<note>[（(][^）)\n]{{0,12}}[）)])?\s*[:：]\s*"
    r"(?P<name>[^\s，,；;:：\n]{2,60})",
    re.M,
)
_NAME_CUT_RE = re.compile(
    r"[（(]\s*(?:以下|下称|简称|hereinafter|the\s+\")|（盖章）|\(盖章\)|[（(](?:盖章|签章|公章)"
)
_NOT_A_NAME = re.compile(r"^(?:法定代表人|授权代表|委托代理人|地址|住所|签字|盖章|电话|[（(])")


def _clean_party(name: str) -> str:
    name = _NAME_CUT_RE.split(name, maxsplit=1)[0]
    return name.strip(' ，,。.:：;；"“”')


def parties(c: Contract) -> Found:
    """甲方/乙方 (or buyer/seller) as written at their first labelled mention; English `between X and Y`,
    definition clauses, `Buyer:` labels and signature blocks (see `parties_en`)."""
    names: dict[str, tuple[str, int, int]] = {}
    for m in _ZH_PARTY_RE.finditer(c.text):
        if re.match(r"[A-Za-z]", m.group("name")):
            latin = read_name(c.text, m.start("name"), m.start("name") + 200)
            if latin is None:
                continue
            name, start, end = latin.name, latin.start, latin.end  # `甲方：ABC (Suzhou) Co., Ltd.`
        else:
            name, start, end = _clean_party(m.group("name")), m.start(), m.end()
        if len(name) < 2 or _NOT_A_NAME.match(name):
            continue
        label = m.group("label") + (m.group("note") or "")
        if "甲" in label:
            role = "a"
        elif "乙" in label:
            role = "b"
        else:
            role = "a" if re.search(_BUYER, label) else "b"
        names.setdefault(role, (name, start, end))
    if not names:
        first, second = english_parties(c.text)
        for role, found in (("a", first), ("b", second)):
            if found is not None:
                names[role] = (found.name, found.start, found.end)
    if not names:
        return None, []
    spans = sorted({(s, e) for _, s, e in names.values()})
    value = Parties(
        party_a=names["a"][0] if "a" in names else None, party_b=names["b"][0] if "b" in names else None
    )
    return value, [c.evidence(s, e, c.leaf_containing(s)) for s, e in spans]


_TOTAL_ZH_RE = re.compile(
    r"价税合计|含税总价|(?:合同|协议)?(?:总金额|总价款|总价|总额|价款总额|总计|总费用|费用总计|合计金额)|合同金额|合同价款|合同价格"
    r"|签约合同价"
)
_TOTAL_EN_RE = re.compile(
    r"(?:total|aggregate|overall)\s+(?:contract\s+|purchase\s+|agreement\s+|order\s+|service\s+|license\s+)?"
    r"(?:price|amount|fees?|consideration|value|sum|cost|charges?)|contract\s+(?:price|sum|value|amount)"
    r"|purchase\s+price|\ba\s+total\s+(?:sum\s+|amount\s+)?of|\bprice\s+(?:for|of)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?"
    r"\s+(?:is|shall\s+be|will\s+be|amounts\s+to)",
    re.I,
)
# `Euro 10,000`, `US Dollars 52,500`: a currency written as a word before the figure
_WORD_CURRENCY_RE = re.compile(
    r"(?i:(?P<cur>euros?|eur|us\s+dollars?|u\.s\.\s+dollars?|dollars?|pounds?(?:\s+sterling)?|hong\s+kong\s+dollars?"
    r"|singapore\s+dollars?|renminbi|yuan|yen|swiss\s+francs?))\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
)
_WORD_CURRENCIES = {
    "euro": "EUR", "eur": "EUR", "us dollar": "USD", "u.s. dollar": "USD", "dollar": "USD", "pound": "GBP",
    "pound sterling": "GBP", "hong kong dollar": "HKD", "singapore dollar": "SGD", "renminbi": "CNY",
    "yuan": "CNY", "yen": "JPY", "swiss franc": "CHF",
}  # fmt: skip


def _word_currency_amounts(text: str) -> list[Money]:
    out: list[Money] = []
    for m in _WORD_CURRENCY_RE.finditer(text):
        key = re.sub(r"\s+", " ", m.group("cur").lower()).rstrip("s")
        code = _WORD_CURRENCIES.get(key) or _WORD_CURRENCIES.get(key.replace(" sterling", ""))
        if code:
            amount = Decimal(m.group("num").replace(",", ""))
            out.append(Money(amount, code, m.start(), m.end(), m.group(0)))
    return out


def contract_amount(c: Contract) -> Found:
    """The total contract amount: the first amount after a total cue; 价税合计 wins over a pre-tax total."""
    best: tuple[int, ContractAmount, int] | None = None  # (rank, value, leaf)
    for i in c.candidate_leaves("contract_amount"):
        for s in c.sentences(i):
            for cue in (*_TOTAL_ZH_RE.finditer(s.text), *_TOTAL_EN_RE.finditer(s.text)):
                money = [m for m in find_amounts(s.text) if cue.end() <= m.start <= cue.end() + 60]
                if not money:
                    money = [
                        m for m in _word_currency_amounts(s.text) if cue.end() <= m.start <= cue.end() + 60
                    ]
                if not money:
                    continue
                before = s.text[max(0, money[0].start - 8) : money[0].start] + cue.group(0)
                if re.search(r"不含税|未税|(?i:exclusive|excluding|before)\s+(?:of\s+)?(?:vat|tax)", before):
                    rank = 2
                elif re.search(r"价税合计|含税", cue.group(0) + before):
                    rank = 0
                else:
                    rank = 1
                value = ContractAmount(amount=float(money[0].amount), currency=money[0].currency)
                if best is None or rank < best[0]:
                    best = (rank, value, i)
                break
        if best is not None and best[0] == 0:
            break
    if best is None:
        return None, []
    return best[1], [c.clause_evidence(best[2])]


_SIGN_LABEL_RE = re.compile(r"(?:签订|签署|签约|签字|订立|签定)(?:日期|时间|日)\s*[:：]?\s*")
_SIGN_VERB_RE = re.compile(r"(?:签订|签署|签约|签字|订立|签定)")
# English: a date right after the words that execute the agreement (`entered into on`, `made this 5th day
# of`, `dated as of`, `executed ... on`), or after `effective as of`; never after an ending word.
_EN_EXEC_CUE_RE = re.compile(
    r"\b(?i:made|entered\s+into|executed|signed|dated|concluded|agreed|subscribed)\b[^.;\n]{0,45}$"
)
_EN_EFFECTIVE_CUE_RE = re.compile(r"\b(?i:effective|with\s+effect\s+from|commenc\w+)\b[^.;\n]{0,25}$")
_EN_NOT_SIGNING_RE = re.compile(
    r"(?i:expir\w*|terminat\w*|until|through|ending|end\s+on|no\s+later\s+than|prior\s+to|before|after"
    r"|amended|renew\w*|unless)\b[^.;\n]{0,25}$"
)
# `the Confidentiality Agreement between the parties dated ...`: another document's date
_EN_OTHER_DOC_RE = re.compile(
    r"(?i:(?<!this\s)(?:agreement|contract|letter|order|amendment|quotation|quote|proposal|invoice|plan|note"
    r"|assignment)\b[^.;\n]{0,60}(?:dated|executed|signed|entered\s+into)\b[^.;\n]{0,20}$)"
)
# `This Agreement is signed this ...`: the document executing itself, not a reference to another one
_EN_SELF_EXEC_RE = re.compile(
    r"(?i:\b(?:is|are|was|hereby|be)\s+(?:\w+\s+){0,2}?(?:made|signed|entered|executed|dated|concluded)\b)"
)
_EN_DATE_LABEL_RE = re.compile(
    r"(?im:^[ \t]*(?:signing\s+date|date\s+of\s+(?:signing|execution|this\s+(?:agreement|contract))"
    r"|execution\s+date|contract\s+date|agreement\s+date|date\s+signed)\s*[:：]\s*$)"
)
_EN_SIG_DATE_RE = re.compile(r"(?:^|\n|\s)(?:Date|Dated|Signed\s+on)\s*:\s*$", re.I)
_WITNESS_RE = re.compile(r"IN\s+WITNESS\s+WHEREOF|(?i:in\s+witness\s+whereof)")


def signing_date(c: Contract) -> Found:
    """签订日期 / 于…签署 / `entered into on` / `made this 5th day of` / `IN WITNESS WHEREOF ... executed on`
    / a signature block's `Date:`; never another document's date (`the NDA dated ...`)."""
    dates = find_dates(c.text)
    if c.lang == "en":
        dates = sorted([*dates, *_us_numeric_dates(c.text, dates)], key=lambda d: d.start)
    intro = _intro_span(c.text)
    witness = [(m.start(), c.text.find(".", m.end() + 40)) for m in _WITNESS_RE.finditer(c.text)]
    ranked: list[tuple[int, int, int]] = []  # (rank, position, index into dates)
    for k, d in enumerate(dates):
        before = c.text[max(0, d.start - 80) : d.start]
        after = c.text[d.end : d.end + 20]
        if _SIGN_LABEL_RE.search(before[-12:]) and re.search(r"[:：]\s*$|日期\s*$|时间\s*$", before):
            ranked.append((0, d.start, k))
            continue
        if re.search(r"于\s*$", before) and _SIGN_VERB_RE.search(after[:14]):
            ranked.append((1, d.start, k))
            continue
        if _EN_DATE_LABEL_RE.search(before):
            ranked.append((0, d.start, k))
            continue
        in_intro = intro[0] <= d.start < intro[1]
        in_witness = any(a <= d.start and (b == -1 or d.start < b + 1) for a, b in witness)
        if _EN_NOT_SIGNING_RE.search(before[-40:]) or (
            not (in_intro or in_witness)
            and _EN_OTHER_DOC_RE.search(before)
            and not _EN_SELF_EXEC_RE.search(before)
        ):
            continue
        if _EN_EXEC_CUE_RE.search(before):
            ranked.append((1 if in_intro or in_witness else 3, d.start, k))
        elif _EN_EFFECTIVE_CUE_RE.search(before) and in_intro:
            ranked.append((2, d.start, k))
        elif in_witness and re.search(r"(?i:as\s+of|on|this)\s+(?:the\s+)?$", before):
            ranked.append((1, d.start, k))
        elif _EN_SIG_DATE_RE.search(before):
            ranked.append((4, d.start, k))
        elif (
            c.lang == "en"
            and _alone_on_line(c.text, d.start, d.end)
            and (d.start < intro[0] or d.start > len(c.text) * 0.6)
        ):
            ranked.append((5, d.start, k))  # a letter's date above the text, or `Hamburg, 19 May 2012` below
    if not ranked:
        return None, []
    best = min(ranked)
    if best[0] == 4:
        # signature blocks dated one by one: the agreement is made when the last party signs
        best = max((r for r in ranked if r[0] == 4), key=lambda r: (dates[r[2]].value, -r[1]))
    d = dates[best[2]]
    return d.value, [c.evidence(*_line_around(c.text, d.start, d.end), c.leaf_containing(d.start))]


_US_NUMERIC_DATE_RE = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def _us_numeric_dates(text: str, known: list[FoundDate]) -> list[FoundDate]:
    """`Date: 1/27/2020` in an English signature block (month first; a first number above 12 is the day)."""
    taken = {(d.start, d.end) for d in known}
    out: list[FoundDate] = []
    for m in _US_NUMERIC_DATE_RE.finditer(text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        month, day = (b, a) if a > 12 else (a, b)
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if (m.start(), m.end()) not in taken:
            out.append(FoundDate(value, m.start(), m.end()))
    return out


def _intro_span(text: str) -> tuple[int, int]:
    """The opening of an English agreement (where it says who signs it and when)."""
    span = intro_span(text)
    return span if span is not None else (0, min(len(text), 1500))


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """`July 20, 2018` or `Hamburg, November 19th, 2012` as a line of its own."""
    left, right = _line_around(text, start, end)
    rest = (text[left:start] + text[end:right]).strip(" ,.")
    return (
        len(rest) <= 25
        and not re.search(r"\d", rest)
        and not re.search(r"(?i)\b(?:by|until|through|from|to)\b", rest)
    )


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line holding [start, end): the quoted evidence for a date."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, right if right != -1 else len(text)


_TERM_CUE_RE = re.compile(
    r"有效期|合同期限|服务期限|服务期|合同期|租赁期|许可期|期限为|期限自|期限是|(?i:\bterm\b|remain\s+in\s+(?:full\s+)?"
    r"(?:force|effect)|continue\s+in\s+(?:full\s+)?(?:force|effect)|expire)"
)
_RANGE_SEP_RE = re.compile(
    r"^\s*(?:起|开始)?\s*(?:至|到|—|–|-|~|～|(?i:to|until|through|and\s+ending\s+on))\s*$"
)
_ANCHOR_SIGN_RE = re.compile(
    r"自?(?:双方)?(?:签订|签署|签字|盖章|签约)[^，。；]{0,12}之日起|(?i:from\s+the\s+date\s+of\s+"
    r"(?:signing|execution|this\s+agreement))"
)
_ANCHOR_EFFECTIVE_RE = re.compile(
    r"生效之日起|(?i:from\s+the\s+effective\s+date|commenc\w*\s+on\s+the\s+effective\s+date)"
)
_SIGNED_EFFECTIVE_RE = re.compile(
    r"自[^。；]{0,30}(?:签字|签署|签订|盖章)[^。；]{0,10}之日起生效|签字盖章后生效|签署后生效"
)
_EFFECTIVE_DEF_RE = re.compile(
    r"[(（]\s*(?:the\s+)?[\"“]Effective\s+Date[\"”]\s*[)）]|[\"“]Effective\s+Date[\"”]\s+"
    r"(?:means|shall\s+mean)",
    re.I,
)


def term(c: Contract, signed: date | None) -> Found:
    """合同期限 / 有效期 / term: a date range, or a stated length from signing or the effective date. A known
    start and a stated length give the end: the anniversary in English (`3 years from March 1, 2026` ends
    2029-03-01), the day before it in Chinese (`自2026年3月1日起三年` ends 2029-02-28)."""
    if c.lang == "en":
        found = english_term(c, signed)
        if found is None:
            return None, []
        reading, i = found
        return Term(start=reading.start, end=reading.end, months=reading.months), [c.clause_evidence(i)]
    ids = c.titled("term", inherit=False) + c.leaf_ids
    seen: set[int] = set()
    for i in ids:
        if i in seen:
            continue
        seen.add(i)
        for s in c.sentences(i):
            if not _TERM_CUE_RE.search(s.text):
                continue
            value = _term_in(c, s.text, signed)
            if value is not None:
                if value.end is None and value.start is not None and value.months is not None:
                    last = add_months(value.start, value.months)
                    value = value.model_copy(update={"end": date.fromordinal(last.toordinal() - 1)})
                return value, [c.clause_evidence(c.leaf_containing(s.start) or i)]
    return None, []


def _term_in(c: Contract, sentence: str, signed: date | None) -> Term | None:
    dates = find_dates(sentence)
    start = end = None
    for a, b in itertools.pairwise(dates):
        if _RANGE_SEP_RE.match(sentence[a.end : b.start]) or re.match(
            r"^\s*(?:起)?\s*(?:至|到)", sentence[a.end : b.start]
        ):
            start, end = a.value, b.value
            break
    if start is None and dates:
        d = dates[0]
        before = sentence[max(0, d.start - 6) : d.start]
        after = sentence[d.end : d.end + 4]
        if re.search(r"至\s*$|到\s*$|(?i:until|through)\s*$", before) or re.match(
            r"\s*(?:止|到期|届满)", after
        ):
            end = d.value
        elif re.search(r"自\s*$|从\s*$|(?i:from|commenc\w*\s+on|starting\s+on)\s*$", before):
            start = d.value
    months = next((d.months for d in find_durations(sentence) if d.months is not None), None)
    if start is None and (
        _ANCHOR_SIGN_RE.search(sentence)
        or (_ANCHOR_EFFECTIVE_RE.search(sentence) and _SIGNED_EFFECTIVE_RE.search(c.text))
    ):
        start = signed
    if start is None and _ANCHOR_EFFECTIVE_RE.search(sentence):
        start = _effective_date(c)
    if months is None and start is not None and end is not None:
        months = months_between(start, end)
    if months is None and end is None:
        return None
    return Term(start=start, end=end, months=months)


def _effective_date(c: Contract) -> date | None:
    m = _EFFECTIVE_DEF_RE.search(c.text)
    if m is None:
        return None
    before = find_dates(c.text[max(0, m.start() - 80) : m.start()])
    if before:
        return before[-1].value  # `on February 9, 2026 (the "Effective Date")`
    after = find_dates(c.text[m.end() : m.end() + 60])
    return after[0].value if after else None


def sentences_of(text: str) -> list[str]:
    """Sentences of a free text (for callers outside a clause)."""
    return [s.text for s in split_sentences(text)]
