"""Finding personal data in Chinese and English text: phone numbers (in digits or read out in Chinese
digits), national ID numbers, bank card numbers and e-mail addresses.

Numbers are found by structure first (a mobile's prefix, an area code, an ID's region and birth date,
a card's Luhn check) and then by the label in front of them: a number after 订单号 / PO / invoice /
金额 is a business number, however much it looks like a phone. Voice-to-text writes phone numbers in
Chinese digits (一三八…, 幺三八…) and puts spaces, commas and fillers between groups, so digits are
read through a normalising view that treats all of those alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["phone", "id_card", "bank_card", "email", "name"]
KINDS: tuple[Kind, ...] = ("phone", "id_card", "bank_card", "email", "name")


@dataclass(frozen=True)
class Span:
    """One piece of personal data: where it stands in the text and what kind it is."""

    start: int
    end: int
    kind: Kind


# Every way a digit is written: ASCII, full-width, Chinese (incl. the financial forms), and the
# spoken forms used when reading numbers aloud (幺 for 1, 两 for 2, 拐 for 7, 洞 for 0).
_DIGIT: dict[str, str] = {str(d): str(d) for d in range(10)}
_DIGIT.update({chr(0xFF10 + d): str(d) for d in range(10)})
for _chars, _value in (
    ("零〇洞", "0"),
    ("一幺壹", "1"),
    ("二两贰", "2"),
    ("三叁", "3"),
    ("四肆", "4"),
    ("五伍", "5"),
    ("六陆", "6"),
    ("七拐柒", "7"),
    ("八捌", "8"),
    ("九玖", "9"),
):
    _DIGIT.update(dict.fromkeys(_chars, _value))
# what may stand between the groups of one number: spaces, dashes, brackets, commas, spoken fillers
_GAP = set(" \t\u3000-‐–—_()（）,，、·.") | set("嗯呃啊额哦杠横")
_MAX_GAP = 3
_AFTER_YI = set("下个些次起点直定样共般句声遍会天")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]|\.\s")
# a label names the number only within its own clause (发票邮寄给我，0755-… is a phone)
_CLAUSE_END = re.compile(r"[。；;！!？?\n，,、]|\.\s")

# Labels in front of a number. The closest label decides; a longer label ending at the same place
# wins over a shorter one inside it (订单号码 over 号码).
_PERSONAL_LABEL = re.compile(
    r"电话|手机|手机号|联系方式|联系|致电|打给|拨打|来电|回电|号码|座机|分机|热线|微信|"
    r"身份证|证件|卡号|银行卡|储蓄卡|信用卡|借记卡|账号|帐号|账户|帐户|开户|收款|汇款|转账|打款|"
    r"\btel\b|\bphone\b|\bmobile\b|\bcell\b|\bcall\b|\breach\b|\bcontact\b|\bwhatsapp\b|\bwechat\b|"
    r"\bid\s*(?:card\s*)?no\.?|\bid card\b|\bid number\b|\bnational id\b|\bcard\b|\baccount\b|\biban\b|"
    r"\bno\.?\s*is\b|\b(?:main |land|hot|direct )?line\b|\bfax\b|传真|[\u4e00-\u9fff]{0,3}卡号?",
    re.IGNORECASE,
)
_BUSINESS_LABEL = re.compile(
    r"订单(?:号码|编号|号)?|单号(?:码)?|合同(?:号码|编号|号)?|编号|编码|发票(?:号码|代码|号)?|票号|税号|"
    r"运单(?:号码|号)?|快递(?:单号|号)?|物流(?:单号|号)?|型号|料号|货号|物料(?:号|编码)?|批次(?:号)?|批号|"
    r"序列号|序号|工单(?:号)?|报价单(?:号)?|流水(?:号)?|参考号|客户编号|会员(?:号|卡号)?|账单(?:号)?|"
    r"信用代码|版本(?:号)?|邮编|金额|价格|总价|报价|预算|合计|总计|数量|日期|项目(?:号|编号)?|案号|"
    r"条码|会议号|房间号|车牌|工号|申请号|专利号|凭证(?:号)?|回单|付款单|单据(?:号)?|批复|文号|"
    r"\bp\.?o\.?\b|\border\b|\binvoice\b|\bcontract\b|\btracking\b|\bsku\b|\bbatch\b|\blot\b|"
    r"\bserial\b|\bs/n\b|\bticket\b|\bquot(?:e|ation)\b|\btransaction\b|\btxn\b|\bref(?:erence)?\b|"
    r"\bversion\b|\bzip\b|\bpostal\b|\bprice\b|\bamount\b|\btotal\b|\bbudget\b|\bqty\b|\bquantity\b|"
    r"\bdate\b|\bproject\b|\bcase\b|\bmeeting id\b|\broom\b|\bemployee id\b|\blicen[cs]e\b|"
    r"\bpatent\b|\breceipt\b|\bvoucher\b|\bpart\b|\bmodel\b|\bshipment\b|\bwaybill\b|\bcustomer id\b|"
    r"\bip\b|\bbuild\b|\bno\.(?!\s*is)",
    re.IGNORECASE,
)
_CARD_CONTEXT = re.compile(
    r"卡|银行|工行|建行|农行|中行|招行|交行|账号|帐号|账户|帐户|开户|收款|汇款|转账|打款|"
    r"\bcard\b|\bbank\b|\baccount\b|\bpay(?:ment)?\b|\btransfer\b",
    re.IGNORECASE,
)
# what may stand between a label and the number it names
_NAMING = re.compile(
    r"(?:\s|[:：#＃=/]|是|为|号|码|的|都|一共|共|约|大概|大约|number|num|no\.?|is|was|of|for|about)*",
    re.IGNORECASE,
)
# a number followed by a currency or a unit is an amount or a quantity
_UNIT_AFTER = re.compile(
    r"\s{0,1}(?:元|块|万|亿|千|百|美元|美金|欧元|刀|%|％|台|件|个|套|箱|吨|公斤|米|次|天|年|月|日|号(?!码)|"
    r"rmb\b|usd\b|cny\b|eur\b|yuan\b|kg\b|pcs\b|units?\b|dollars?\b)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:[¥￥$€]|rmb|usd|cny|eur|人民币)\s{0,2}$", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z]")

# Mainland province codes (the first two digits of an ID number) and Hong Kong, Macau, Taiwan.
_REGIONS = frozenset(
    {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    }
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str


def _groups(text: str) -> list[list[_Group]]:
    """Chains of digit groups that may form one number: groups joined by at most a short gap."""
    chains: list[list[_Group]] = []
    chain: list[_Group] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] not in _DIGIT:
            i += 1
            continue
        start, digits, ascii_run = i, [], text[i].isascii()
        # a change between written and spoken digits starts a new group (打13812345678一下)
        while i < n and text[i] in _DIGIT and text[i].isascii() == ascii_run:
            digits.append(_DIGIT[text[i]])
            i += 1
        if not ascii_run and len(digits) > 1 and text[i - 1] == "一" and text[i : i + 1] in _AFTER_YI:
            digits.pop()  # 一下, 一个, 一起 after a number read out: not its last digit
            i -= 1
        group = _Group(start, i, "".join(digits))
        if chain and (group.start - chain[-1].end > _MAX_GAP or not _all_gap(text, chain[-1].end, start)):
            chains.append(chain)
            chain = []
        chain.append(group)
    if chain:
        chains.append(chain)
    return chains


def _all_gap(text: str, a: int, b: int) -> bool:
    return all(ch in _GAP for ch in text[a:b])


def _label(text: str, start: int) -> Literal["personal", "business", None]:
    """The kind of the closest label in front of `start`, within its clause.

    A business label counts only when it names this very number (订单号：…, PO#…, invoice no. …);
    one followed by other words (发票寄给 …) does not.
    """
    window = text[max(0, start - 24) : start]
    ends = list(_CLAUSE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    best: tuple[int, int, int] | None = None  # (end, length, business?)
    for pattern, business in ((_PERSONAL_LABEL, 0), (_BUSINESS_LABEL, 1)):
        for m in pattern.finditer(window):
            if business and not _NAMING.fullmatch(window[m.end() :]):
                continue
            key = (m.end(), m.end() - m.start(), business)
            if best is None or key > best:
                best = key
    if best is None:
        return None
    return "business" if best[2] else "personal"


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(0, start - 40)
    left = max((m.end() for m in _SENTENCE_END.finditer(text, lo, start)), default=lo)
    right = _SENTENCE_END.search(text, end, end + 40)
    return text[max(left, start - 40) : min(right.start() if right else len(text), end + 40)]


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _date_prefixed(digits: str) -> bool:
    """Business numbers often start with the day they were made (20240315…)."""
    return (
        len(digits) >= 8
        and digits[:2] in ("19", "20")
        and _valid_date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    )


def _luhn(digits: str) -> bool:
    total = 0
    for k, ch in enumerate(reversed(digits)):
        v = int(ch)
        if k % 2:
            v = v * 2 - 9 if v > 4 else v * 2
        total += v
    return total % 10 == 0


def _is_mobile(d: str) -> bool:
    return len(d) == 11 and d[0] == "1" and d[1] in "3456789"


def _dotted_phone(groups: list[int]) -> bool:
    """Dots may split a phone number (138.1234.5678, 021.5888.1234), laid out as phones are."""
    if len(groups) > 2 and groups[0] in (2, 4):
        groups = groups[1:]  # 86. or 0086.
    return groups in ([3, 4, 4], [4, 3, 4], [3, 8], [4, 7], [4, 8], [3, 4, 4], [4, 4, 4], [4, 4, 3])


def _is_hotline(d: str) -> bool:
    """A 400 or 800 service number (ten digits)."""
    return len(d) == 10 and d[:3] in ("400", "800")


def _is_landline(d: str) -> bool:
    """Area code (010, 02x, or 0 and three digits) and a 7-8 digit subscriber number."""
    if len(d) < 10 or d[0] != "0" or d[1] == "0":
        return False
    code = 3 if d[1] in "12" else 4
    subscriber = d[code:]
    return len(subscriber) in (7, 8) and subscriber[0] not in "01"


def _strip_country(d: str) -> str | None:
    for prefix in ("0086", "86"):
        if d.startswith(prefix) and len(d) - len(prefix) in (10, 11, 12):
            return d[len(prefix) :]
    return None


def _is_id(d: str, last: str) -> bool:
    """An 18-character (17 digits and a digit or X) or 15-digit ID: region and birth date checked."""
    if len(d) == 17 and last in ("X", "x", "叉"):
        d = d + "X"
    if len(d) == 18:
        born = _valid_date(int(d[6:10]), int(d[10:12]), int(d[12:14])) and 1900 <= int(d[6:10]) <= 2030
    elif len(d) == 15 and d.isdigit():
        born = _valid_date(1900 + int(d[6:8]), int(d[8:10]), int(d[10:12]))
    else:
        return False
    return int(d[:2]) in _REGIONS and d[2:4] != "00" and born


def id_check_digit_ok(number: str) -> bool:
    """Whether an 18-character ID number's last character is its check digit."""
    body = number[:17]
    if len(number) != 18 or not body.isdigit():
        return False
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return number[17].upper() == expected


def _classify(text: str, chain: list[_Group], i: int, j: int) -> Kind | None:
    """What the groups i..j of a chain are, read with the text around them; None for no personal data."""
    start, end = chain[i].start, chain[j].end
    d = "".join(g.digits for g in chain[i : j + 1])
    groups = [len(g.digits) for g in chain[i : j + 1]]
    before, after = text[max(0, start - 1) : start], text[end : end + 1]
    plus = before == "+"
    if _LETTER.match(before) or (_LETTER.match(after) and not (len(d) == 17 and after in ("X", "x"))):
        return None  # part of a code such as SF1234567890 or PO-2024A
    if after == "." and text[end + 1 : end + 2].isdigit():
        return None  # a decimal number
    gaps = [text[a.end : b.start].strip() for a, b in zip(chain[i:j], chain[i + 1 : j + 1], strict=True)]
    if len(groups) > 1 and all(n == 3 for n in groups[1:]) and groups[0] <= 3 and set(gaps) <= {",", "，"}:
        return None  # thousands separators: an amount
    if any("." in g for g in gaps) and not _dotted_phone(groups):
        return None  # 1,380.50 / 10.0.3.17 / 13.8.1234.5678: amounts, addresses and versions
    written = any("0" <= c <= "9" for c in text[start:end])
    if written and min(groups) < 3 and any(set(g) & {",", "，", "、"} for g in gaps):
        # a list of figures (15, 300, 200, 450) is not one number: written numbers split by commas
        # must still look like one (no group under three digits)
        return None
    if _UNIT_AFTER.match(text, end) or _CURRENCY_BEFORE.search(text[max(0, start - 6) : start - int(plus)]):
        return None
    label = _label(text, start - int(plus))
    if label == "business":
        return None
    x_after = after != "" and after in "Xx叉"
    if ((len(d) == 17 and x_after) or len(d) in (15, 18)) and _is_id(d, after):
        return "id_card"
    national = _strip_country(d) if (plus or d.startswith("00") or len(groups) > 1 or len(d) == 13) else None
    for number in (d, national, ("0" + national) if national else None):
        if number and (_is_mobile(number) or _is_landline(number) or _is_hotline(number)):
            return "phone"
    if 16 <= len(d) <= 19 and not _date_prefixed(d):
        four = len(groups) >= 4 and all(n == 4 for n in groups[:-1]) and 1 <= groups[-1] <= 4
        context = label == "personal" or bool(_CARD_CONTEXT.search(_sentence(text, start, end)))
        if (_luhn(d) and (context or four or d[0] in "3456" or d.startswith("9558"))) or (context and four):
            return "bank_card"
        if label == "personal" and _CARD_CONTEXT.search(text[max(0, start - 24) : start]):
            return "bank_card"
    if plus and 8 <= len(d) <= 15:
        return "phone"  # another country's number, written with its + prefix
    if label == "personal" and len(d) in (7, 8) and d[0] in "2345678" and not _date_prefixed(d):
        return "phone"  # a local number without its area code, named as a phone
    if label == "personal" and 9 <= len(d) <= 15 and not _date_prefixed(d):
        # named as a phone or an account but laid out otherwise ((415) 555-0100, a 12-digit account)
        return "bank_card" if _CARD_CONTEXT.search(text[max(0, start - 24) : start]) else "phone"
    return None


def _extend_id(text: str, end: int, kind: Kind, chain: list[_Group], i: int, j: int) -> int:
    d = "".join(g.digits for g in chain[i : j + 1])
    if kind == "id_card" and len(d) == 17 and text[end : end + 1] in ("X", "x", "叉"):
        return end + 1
    return end


def find_numbers(text: str) -> list[Span]:
    """Phone, ID and bank card numbers, written in digits or read out in Chinese digits."""
    spans: list[Span] = []
    for chain in _groups(text):
        i = 0
        while i < len(chain):
            found = False
            for j in range(min(len(chain), i + 24) - 1, i - 1, -1):
                kind = _classify(text, chain, i, j)
                if kind is None:
                    continue
                start = chain[i].start
                end = _extend_id(text, chain[j].end, kind, chain, i, j)
                if start > 0 and text[start - 1] == "+":
                    start -= 1
                if start > 0 and text[start - 1] in "(（" and any(c in text[start:end] for c in ")）"):
                    start -= 1  # (010)62345678, (+86) 139…
                spans.append(Span(start, end, kind))
                i, found = j + 1, True
                break
            if not found:
                i += 1
    return spans


_TLD = r"(?:com|cn|net|org|io|co|edu|gov|info|biz|me|hk|tw|jp|uk|de|us|sg|ai|top|xyz|cc)"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*[@＠][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_SPOKEN_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*(?:\s*(?:\sdot\s|点)\s*[A-Za-z0-9_%+-]+)*"
    r"\s*(?:\(at\)|\[at\]|\{at\}|\sat\s|艾特|圈a|[@＠])\s*"
    r"[A-Za-z0-9-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\sdot\s|点)\s*[A-Za-z0-9-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\]|\sdot\s|点)\s*" + _TLD + r"\b",
    re.IGNORECASE,
)


def find_emails(text: str) -> list[Span]:
    """E-mail addresses, also spelled out (name at example dot com, name艾特qq点com)."""
    spans = [Span(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    for m in _SPOKEN_EMAIL.finditer(text):
        if not any(s.start < m.end() and m.start() < s.end for s in spans):
            spans.append(Span(m.start(), m.end(), "email"))
    return spans


def find_names(text: str, names: list[str]) -> list[Span]:
    """Every occurrence of the given customer and contact names, longest first."""
    spans: list[Span] = []
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        pattern = re.escape(name)
        if name.isascii():
            pattern = rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])"
        for m in re.finditer(pattern, text, re.IGNORECASE if name.isascii() else 0):
            if not any(s.start < m.end() and m.start() < s.end for s in spans):
                spans.append(Span(m.start(), m.end(), "name"))
    return spans


def find_personal_data(text: str, names: list[str] | None = None) -> list[Span]:
    """All personal data in `text`, without overlaps, in order."""
    found = find_emails(text)
    found += [s for s in find_numbers(text) if not any(s.start < e.end and e.start < s.end for e in found)]
    if names:
        found += [
            s for s in find_names(text, names) if not any(s.start < e.end and e.start < s.end for e in found)
        ]
    return sorted(found, key=lambda s: s.start)
