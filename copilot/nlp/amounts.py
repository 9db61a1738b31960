"""Money amounts in Chinese and English text: 人民币壹拾贰万元整, 12.5万, ¥86,400.00, $2.75 million."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from copilot.nlp.numerals import CN_NUMERAL_CHARS, DIGITS, parse_cn_number


@dataclass(frozen=True)
class Money:
    """One money amount found in a text, with its character span."""

    amount: Decimal
    currency: str  # ISO 4217
    start: int
    end: int
    text: str
    approximate: bool = False  # 大概/左右/约/about: still one stated number, so it is kept


def _alt(names: Iterable[str]) -> str:
    """Regex alternation of literal names, longest first so 新台币 wins over 台币."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_CN_CURRENCIES: dict[str, str] = {
    "人民币": "CNY", "人民幣": "CNY", "美元": "USD", "美金": "USD", "欧元": "EUR", "歐元": "EUR",
    "英镑": "GBP", "英鎊": "GBP", "港币": "HKD", "港幣": "HKD", "港元": "HKD", "港纸": "HKD",
    "日元": "JPY", "日币": "JPY", "日幣": "JPY", "日圆": "JPY", "日圓": "JPY", "円": "JPY",
    "韩元": "KRW", "韓元": "KRW", "韩币": "KRW", "新台币": "TWD", "新台幣": "TWD", "台币": "TWD",
    "台幣": "TWD", "澳元": "AUD", "澳币": "AUD", "加元": "CAD", "加币": "CAD", "新加坡元": "SGD",
    "新币": "SGD", "卢布": "RUB", "盧布": "RUB", "瑞郎": "CHF", "瑞士法郎": "CHF", "泰铢": "THB",
    "卢比": "INR", "越南盾": "VND", "林吉特": "MYR", "马币": "MYR", "澳门币": "MOP", "新西兰元": "NZD",
}  # fmt: skip
_CODES = frozenset({
    "CNY", "RMB", "USD", "EUR", "GBP", "HKD", "JPY", "TWD", "KRW", "AUD", "CAD", "SGD", "CHF", "RUB",
    "INR", "THB", "MYR", "NZD", "SEK", "NOK", "DKK", "AED", "SAR", "BRL", "MXN", "ZAR", "VND",
})  # fmt: skip
_SYMBOLS: dict[str, str] = {
    "US$": "USD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD", "A$": "AUD", "AU$": "AUD", "C$": "CAD",
    "CA$": "CAD", "NZ$": "NZD", "R$": "BRL", "JP¥": "JPY", "$": "USD", "¥": "CNY", "€": "EUR",
    "£": "GBP", "₩": "KRW", "₹": "INR", "₽": "RUB",
}  # fmt: skip
_EN_CURRENCIES: dict[str, str] = {
    "dollars": "USD", "dollar": "USD", "bucks": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR",
    "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "hk dollars": "HKD", "hong kong dollars": "HKD", "singapore dollars": "SGD", "nt dollars": "TWD",
    "australian dollars": "AUD", "canadian dollars": "CAD", "rupees": "INR",
    "roubles": "RUB", "rubles": "RUB",
}  # fmt: skip
_CODE_RE = rf"(?<![A-Za-z])(?:{'|'.join(sorted(_CODES))})(?![A-Za-z])"
_EN_SMALL = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_EN_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_BIG = {"thousand": 1000, "million": 10**6, "billion": 10**9}

_DIG = "".join(DIGITS)
_UNITS = "十拾百佰千仟万萬亿億"
_AR = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_CN_ATOM = rf"(?:{_AR}|[{CN_NUMERAL_CHARS}半])"
_EN_WORD = rf"(?:{'|'.join((*_EN_SMALL, *_EN_TENS, *_EN_BIG, 'hundred', 'half'))})(?![A-Za-z])"
# A numeral: Arabic and Chinese pieces mixed (1亿2000万, 四千230), with 个 before 万/亿 (两个亿),
# fractions (二分之一) and halves; or an English number phrase (two and a half million).
_NUMBER_RE = re.compile(
    rf"(?P<cn>(?<!\d){_CN_ATOM}(?:{_CN_ATOM}|[点點](?=[{_DIG}\d])|[个個](?=半?[万萬亿億])|[个個]半"
    rf"|\s(?=[万萬亿億])|(?:分之|份|分|又)(?=[{CN_NUMERAL_CHARS}\d]))*)"
    rf"|(?P<en>(?i:(?<![A-Za-z])(?:an?\s+)?{_EN_WORD}(?:(?:\s+|-)(?:(?:and|a|point)\s+)*{_EN_WORD})*))"
)
_APPROX = (
    r"大概|大约|大致|约合|(?<![签簽合预預契条條履违違制节節公])约|差不多|估计|预计|将近|接近|(?<![最附邻鄰])近"
    r"|about|around|approximately|approx\.?|roughly|circa|nearly|almost|~|≈"
)
_LABEL = r"\s*(?:\((?:大写|小写)\))?\s*:?\s*"
# A currency written before the number (人民币36万, US$ 80,000, 美元12万), up to the number.
_PREFIX_RE = re.compile(
    rf"(?P<cur>{_CODE_RE}|{_alt(_SYMBOLS)}|{_alt(_CN_CURRENCIES)}){_LABEL}(?:(?i:{_APPROX})\s*)?$"
)
_SCALE_WORD_RE = re.compile(r"\s*(thousand|million|mil|mn|billion|bn|grand)(?![A-Za-z])", re.I)
_SCALE_LETTER_RE = re.compile(r"(mm|MM|[kKwWmMbBG])(?![A-Za-z])")
_SCALES: dict[str, int] = {
    "thousand": 1000, "grand": 1000, "k": 1000, "w": 10_000, "million": 10**6, "mil": 10**6, "mn": 10**6,
    "mm": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, "b": 10**9, "g": 10**9,
}  # fmt: skip
_WEAK_SCALES = frozenset("MmBbGW")  # 3M, 5G, 20W are also brands and specs: they need a currency or cue
# A currency written after the number, with duckling's 一对 (x2) / 五打 (x12) and 一个元.
_YUAN = r"[元圆圓](?!旦|宵|素|件|器|老|首|帅)|[块塊](?!儿|頭|头)"
_SUFFIX_RE = re.compile(
    rf"(?P<mult>[对對双雙打])?\s*(?:[个個]\s*)?(?:(?P<name>{_alt(_CN_CURRENCIES)}|{_CODE_RE}"
    rf"|(?i:{_alt(_EN_CURRENCIES)})(?![A-Za-z])|(?P<dao>刀)(?![切子片具法口]))|(?P<yuan>{_YUAN})"
    rf"|(?P<jiao>[角毛])(?:零?(?P<fen>[{_DIG}0-9])分)?(?:钱|錢)?(?![\u4e00-\u9fff]))"
)
_SUB_YUAN_RE = re.compile(
    rf"(?:零?(?P<jiao>[{_DIG}0-9])[角毛])?(?:零?(?P<fen>[{_DIG}0-9])分)?"
    rf"(?P<colloq>(?<=[块塊])(?:[1-9一二两三四五六七八九]|半)(?=$|[^\u4e00-\u9fff\d]|的|左右|上下|吧|呢|啊|了|一[\u4e00-\u9fff]))?"
    rf"(?:钱|錢)?(?:整(?!体|個|个|改|理|合|套)|正(?!在|式|常|好|是))?"
)
_MULTIPLIERS = {"对": 2, "對": 2, "双": 2, "雙": 2, "打": 12}
# What makes a bare number a quantity, a percentage, a date or a discount rather than money.
_NOT_MONEY_AFTER_RE = re.compile(
    r"\s*(?:%|‰|个点|个百分点|成(?!交|本)|折(?!扣)|倍|小时|分钟|秒|公里|平方|平米|用户|客户|员工|门店|"
    r"[个個台套件只条條辆輛箱批盒瓶包袋张張份本册冊人位名户戶家座栋棟层層间間所款种種项項次遍回轮輪期"
    r"年月日号號天周週岁歲米亩畝吨噸斤克升瓦度字行页頁卡颗顆枚根支部]|(?i:(?:percent|pct|users?|people|"
    r"employees|units?|seats?|licen[cs]es?|customers?|pieces|pcs|items|orders|hours?|days?|weeks?|months?"
    r"|years?|times|installments?|payments?|phases?|stages?|tranches?|sites?|stores?|machines?|servers?)"
    r"(?![A-Za-z])))"
)
# Words that make a bare number a price: 报价3500, 预算是两千五, budget of 3000.
_CUE_RE = re.compile(
    r"(?:报价|预算|总价|单价|价格|价钱|售价|定价|金额|总额|合同额|费用|成本|首付款?|尾款|余款|定金|订金|押金"
    r"|预付款?|货款|回款|付款|收款|降价|便宜|优惠|(?i:budget|prices?|priced|quoted?|quotes|costs?|worth|deposit|paid|pay))"
    r"(?:\s|:|是|为|在|约|大约|大概|差不多|只有|就|才|要|给到|报了?|定在|降到|到|每[台套个年月]"
    r"|(?i:of|is|was|at|around|about))*$"
)
_VAGUE_EN_BEFORE_RE = re.compile(
    r"(?i:(?:a\s+)?few|several|couple(?:\s+of)?|many|dozens\s+of|tens\s+of|hundreds\s+of)\s+$"
)
# "over a million" is the English 上百万: no stated digit, only a bound.
_VAGUE_EN_BOUND_RE = re.compile(r"(?i:over|more\s+than|upwards\s+of|north\s+of|under|less\s+than)\s+$")
# 几十万, 数百万, 上百万, 成千上万: a unit with no stated digit (but 马上十万 and 总数十万 are not vague).
_VAGUE_UNIT_BEFORE_RE = re.compile(
    r"(?:[几幾]|(?<![总總人次件个個笔筆台户戶])[数數]|(?<![马馬晚早加以线網网会會路])上)$"
)
_VAGUE_AFTER_RE = re.compile(
    rf"(?:[多余餘几幾把]|出头|出頭)(?=[{_UNITS}个個块塊元圆圓美欧日港英]|点|$|[\s,.;:!?、)\]。])"
    rf"|[来來](?=[{_UNITS}个個块塊元圆圓])"
)
_VAGUE_TAIL_RE = re.compile(rf"(?:[多来來余餘几幾把]|出头|出頭)+[{_UNITS}个個]*")
_RANGE_AFTER_RE = re.compile(rf"\s*(?:[-~—–至到]|(?i:to)\s)\s*(?:{_alt(_SYMBOLS)})?\s*(?={_CN_ATOM})")
_RANGE_BEFORE_RE = re.compile(
    rf"(?:(?:{_AR}|[{CN_NUMERAL_CHARS}]|[kKwW])\s*(?:[-~—–至到]|(?i:to)\s)|(?i:between\s+\S+\s+and\s))"
    rf"\s*(?:{_alt(_SYMBOLS)})?\s*$"
)
_APPROX_BEFORE_RE = re.compile(rf"(?i:{_APPROX})[^\d{CN_NUMERAL_CHARS}]{{0,3}}$")
_APPROX_AFTER_RE = re.compile(r"\s*(?:左右|上下|(?i:-?ish)(?![A-Za-z]))")
_MERGE_GAP_RE = re.compile(r"[\s():,;、]*(?:(?:小写|大写|即|i\.e\.)[\s():]*)?")
_TOTAL_CUE_RE = re.compile(r"(?:总价|总额|合计|总计|一共|共计|总共|(?i:total))")
_POSITIONAL_PAIR_RE = re.compile(rf"[{_DIG}]{{2}}")
_ARABIC_RE = re.compile(_AR)
_EN_BIG_RE = re.compile(r"(?i)thousand|million|billion")
_EN_TOKEN_RE = re.compile(r"[a-z]+")
_MERGE_MARK_RE = re.compile(r"[(]|小写|大写|即")
_FULLWIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " ", "￥": "¥"}
)


@dataclass(frozen=True)
class _Found:
    """One numeral read from the text: money or None (vague, a range, a quantity), and where to go on."""

    money: Money | None
    resume: int


def _en_value(phrase: str) -> Decimal:
    """Value of an English number phrase (two hundred and fifty thousand, one point two million)."""
    total, current = Decimal(0), Decimal(0)
    decimals: str | None = None  # the digits read after "point"
    for word in _EN_TOKEN_RE.findall(phrase.lower()):
        if decimals is not None and word in _EN_SMALL[:10]:
            decimals += str(_EN_SMALL.index(word))
            continue
        if decimals:
            current, decimals = current + Decimal("0." + decimals), None
        if word == "point":
            decimals = ""
        elif word == "half":
            current += Decimal("0.5")
        elif word in _EN_SMALL:
            current += _EN_SMALL.index(word)
        elif word in _EN_TENS:
            current += 20 + 10 * _EN_TENS.index(word)
        elif word == "hundred":
            current = (current or Decimal(1)) * 100
        elif word in _EN_BIG:
            total, current = total + (current or Decimal(1)) * _EN_BIG[word], Decimal(0)
    return total + current + (Decimal("0." + decimals) if decimals else 0)


def _is_vague_pair(body: str) -> bool:
    """五六, 一两, 两三, 三五: two Chinese digits naming a range, not a positional number."""
    if not _POSITIONAL_PAIR_RE.fullmatch(body):
        return False
    first, second = DIGITS[body[0]], DIGITS[body[1]]
    return second - first == 1 or (first, second) == (3, 5)


def _numeral(text: str, m: re.Match[str]) -> tuple[Decimal | None, str, int]:
    """Value, cleaned body and end of the numeral `m`; the value is None for a malformed or range numeral."""
    body, end = m.group(), m.end()
    if m.lastgroup == "en":
        return _en_value(body), body, end
    body = body.replace(" ", "")
    value = parse_cn_number(body)
    # 两万五一台: a trailing digit that breaks the numeral belongs to what follows (一台 = per unit)
    if value is None and len(body) > 2 and body[-1] in DIGITS and _NOT_MONEY_AFTER_RE.match(text, end):
        body, end = body[:-1], end - 1
        value = parse_cn_number(body)
    return (None if _is_vague_pair(body) else value), body, end


def _vague_before(before: str, body: str, english: bool) -> bool:
    """几十万, 上百万, 成千上万, a few hundred, over a million: no one number is stated."""
    return (
        _VAGUE_EN_BEFORE_RE.search(before) is not None
        or (english and body[:2].lower() == "a " and _VAGUE_EN_BOUND_RE.search(before) is not None)
        or (body[0] in _UNITS and _VAGUE_UNIT_BEFORE_RE.search(before) is not None)
        or (body[0] in "百佰千仟万萬" and before.endswith("成"))
    )


def _bare_is_money(before: str, body: str, english: bool, scale_word: str) -> bool:
    """Whether a number with no currency is money: it has 万/亿 or k/million, or follows a price word."""
    big_unit = any(ch in "万萬亿億" for ch in body) and body[0] not in "百佰千仟万萬亿億"  # not 千万 (= must)
    big_scale = scale_word != "" and scale_word not in _WEAK_SCALES
    big_words = english and _EN_BIG_RE.search(body) is not None
    cued = _CUE_RE.search(before) is not None and (len(body) > 1 or body.isdigit())  # not 预算一直
    return big_unit or big_scale or big_words or cued


def _read(text: str, m: re.Match[str]) -> _Found:
    """Decide whether the numeral `m` in normalised `text` is a money amount, and read it."""
    start = m.start()
    english = m.lastgroup == "en"
    value, body, pos = _numeral(text, m)
    if value is None:
        return _Found(None, m.end())
    before = text[max(0, start - 24) : start]
    scale_word = ""
    if not english and _ARABIC_RE.fullmatch(body):
        if sm := _SCALE_LETTER_RE.match(text, pos) or _SCALE_WORD_RE.match(text, pos):
            scale_word, pos = sm.group(1), sm.end()
            value *= _SCALES[scale_word.lower()]
    elif english and (sm := _SCALE_WORD_RE.match(text, pos)) and sm.group(1).lower() == "grand":
        scale_word, pos = "grand", sm.end()
        value *= 1000
    if _vague_before(before, body, english) or _VAGUE_AFTER_RE.match(text, pos):
        # skip the whole vague phrase (二十多万元) so its 万 is not read as a number of its own
        pos = tail.end() if (tail := _VAGUE_TAIL_RE.match(text, pos)) else pos
        return _Found(None, sx.end() if (sx := _SUFFIX_RE.match(text, pos)) else pos)

    prefix = _PREFIX_RE.search(before)
    currency = _code(prefix.group("cur")) if prefix else None
    if sx := _SUFFIX_RE.match(text, pos):
        pos = sx.end()
        if sx.group("mult"):
            value *= _MULTIPLIERS[sx.group("mult")]
        if sx.group("jiao"):  # 五毛钱, 3角5分: an amount below one yuan
            value = value / 10 + Decimal(_digit(sx.group("fen"))) / 100
            currency = currency or "CNY"
        elif sx.group("name"):
            currency = "USD" if sx.group("dao") else _code(sx.group("name"))
        else:  # 元/块, then 角分, 整, or a foreign currency name (三万元欧元, 9000元日币)
            sub = _SUB_YUAN_RE.match(text, pos)
            assert sub is not None  # every part of it is optional
            value, pos = value + _sub_yuan(sub), sub.end()
            after = _SUFFIX_RE.match(text, pos)
            if after and after.group("name") and not (after.group("mult") or after.group("dao")):
                currency, pos = _code(after.group("name")), after.end()
            currency = currency or "CNY"
            if (
                sx.group("yuan") in "块塊"
                and pos == sx.end()
                and value <= 10
                and not body.isascii()
                and _cjk_at(text, pos)
                and text[pos] not in "的左上每了吧啊呢吗嘛就都也还" + _DIG
            ):
                return _Found(None, pos)  # 一块去, 三块屏: 块 as "together" or a measure word
    if currency is None:
        if _NOT_MONEY_AFTER_RE.match(text, pos) or "分之" in body:
            return _Found(None, pos)  # 300台, 30%, 三成, 3月, 百分之三十
        if not _bare_is_money(before, body, english, scale_word):
            return _Found(None, pos)
        currency = "USD" if scale_word.lower() == "grand" else "CNY"
    if _RANGE_BEFORE_RE.search(before):
        return _Found(None, pos)  # the second half of 30万到50万
    if rng := _RANGE_AFTER_RE.match(text, pos):  # the first half: skip the second too
        following = _NUMBER_RE.match(text, rng.end())
        return _Found(None, _read(text, following).resume if following else rng.end())
    approximate = (
        _APPROX_BEFORE_RE.search(before) is not None or _APPROX_AFTER_RE.match(text, pos) is not None
    )
    span_start = start - len(before) + prefix.start() if prefix else start
    # text is filled in by the caller, from the original (not normalised) string
    return _Found(Money(value, currency, span_start, pos, "", approximate), pos)


def _code(name: str) -> str:
    """ISO 4217 code of a currency symbol, code or name."""
    if name.upper() in _CODES:
        return "CNY" if name.upper() == "RMB" else name.upper()
    return _SYMBOLS.get(name) or _CN_CURRENCIES.get(name) or _EN_CURRENCIES[" ".join(name.lower().split())]


def _sub_yuan(sub: re.Match[str]) -> Decimal:
    """角 and 分 after 元 (伍角, 1角1分, 十块三毛), or the colloquial 三块五 / 三块半."""
    colloq = sub.group("colloq")
    half = Decimal("0.5") if colloq == "半" else Decimal(_digit(colloq)) / 10
    return (
        Decimal(_digit(sub.group("jiao"))) / 10
        + Decimal(_digit(sub.group("fen"))) / 100
        + (half if colloq else 0)
    )


def _digit(ch: str | None) -> int:
    """Value of one Chinese or Arabic digit; 0 for None."""
    return 0 if ch is None else DIGITS[ch] if ch in DIGITS else int(ch)


def _cjk_at(text: str, pos: int) -> bool:
    """Whether a CJK character (not punctuation) is at `pos`."""
    return pos < len(text) and "\u4e00" <= text[pos] <= "\u9fff"


def _scan(text: str) -> list[_Found]:
    """Every numeral of `text` read as money or not, left to right."""
    norm = text.translate(_FULLWIDTH)  # one char for one char, so spans stay valid
    found: list[_Found] = []
    pos = 0
    while m := _NUMBER_RE.search(norm, pos):
        hit = _read(norm, m)
        if hit.money is not None:  # spans are the same in both texts; the text shown is the original
            hit = _Found(replace(hit.money, text=text[hit.money.start : hit.money.end]), hit.resume)
        found.append(hit)
        pos = max(hit.resume, m.start() + 1)
    return found


def _merge(text: str, amounts: list[Money]) -> list[Money]:
    """Join an amount written twice, 大写 then 小写: 捌万陆仟肆佰元整（¥86,400.00）is one amount."""
    norm = text.translate(_FULLWIDTH)
    merged: list[Money] = []
    for money in amounts:
        prev = merged[-1] if merged else None
        gap = norm[prev.end : money.start] if prev else ""
        if (
            prev is not None
            and prev.amount == money.amount
            and prev.currency == money.currency
            and _MERGE_GAP_RE.fullmatch(gap)
            and _MERGE_MARK_RE.search(gap)
        ):
            end = money.end + 1 if "(" in gap and norm[money.end : money.end + 1] == ")" else money.end
            approximate = prev.approximate or money.approximate
            merged[-1] = replace(prev, end=end, text=text[prev.start : end], approximate=approximate)
        else:
            merged.append(money)
    return merged


def find_amounts(text: str) -> list[Money]:
    """Every money amount in running text (rep notes, chats, contract clauses), left to right."""
    return _merge(text, [hit.money for hit in _scan(text) if hit.money is not None])


def parse_amount(text: str) -> Money | None:
    """The money amount a short text states, or None (vague amounts, percentages, quantities)."""
    amounts = find_amounts(text)
    if not amounts:
        return None
    norm = text.translate(_FULLWIDTH)
    for money in amounts:  # when several amounts are stated, the total is the one the text is about
        if len(amounts) > 1 and _TOTAL_CUE_RE.search(norm[max(0, money.start - 8) : money.start]):
            return money
    return amounts[0]
