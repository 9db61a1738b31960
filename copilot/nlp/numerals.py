"""Chinese and Arabic numerals to numbers: 二十三, 一百零五, 壹佰贰拾, 两千三, 1亿2000万, 二分之一, 1.5."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "貮": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
ZEROS = "零〇○洞"
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# 廿 (20), 卅 (30) and 卌 (40) are shorthand tens.
TENS_SHORTHAND: dict[str, int] = {"廿": 20, "卅": 30, "卌": 40}

CN_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "".join(TENS_SHORTHAND)
CN_NUMERAL_RE = re.compile(f"[{CN_NUMERAL_CHARS}]+(?:[点點][{''.join(DIGITS)}]+)?")
ARABIC_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ARABIC_FULL_RE = re.compile(rf"(?:{ARABIC_RE.pattern}|\.\d+)")  # also duckling's .77

_DIGIT_CLASS = "".join(DIGITS)
# A whole numeral written digit by digit (一七二零, 二〇二六点五): read positionally, not with units.
_POSITIONAL_RE = re.compile(rf"([{_DIGIT_CLASS}]+)(?:[点點]([{_DIGIT_CLASS}\d]+))?")
# One term of a section below 万: an Arabic number, a run of Chinese digits, a unit or a shorthand ten.
_TERM_RE = re.compile(
    rf"\d+(?:\.\d+)?|\.\d+|[{_DIGIT_CLASS}]+|[{''.join(SMALL_UNITS)}{''.join(TENS_SHORTHAND)}]"
)
# Fractions: 二分之一 (1/2); duckling's Cantonese 二份一 and 十分一 read the same way.
_FRACTION_RE = re.compile(r"(.+?)(?:分之|份|分)(.+)")
_HALF_RE = re.compile(r"[一1]?半+|半[个個]")
_AND_HALF_RE = re.compile(r"(.+?)[个個]半")
_ONE_DIGIT_RE = re.compile(rf"[{_DIGIT_CLASS}1-9]")


def _digit_string(text: str) -> str:
    """Chinese and Arabic digits as an Arabic digit string (一三4 -> 134)."""
    return "".join(str(DIGITS[ch]) if ch in DIGITS else ch for ch in text)


def _section(text: str) -> Decimal | None:
    """Value of a numeral below 万 (千二百, 三千230, 1百01), or None when it is malformed."""
    if "点" in text or "點" in text:
        whole, _, frac = text.replace("點", "点").partition("点")
        whole_value = _section(whole) if whole else Decimal(0)
        if whole_value is None or not frac or any(ch not in DIGITS and not ch.isdigit() for ch in frac):
            return None
        return whole_value + Decimal("0." + _digit_string(frac))
    if _ARABIC_FULL_RE.fullmatch(text):
        return Decimal(text.replace(",", ""))
    terms = _TERM_RE.findall(text)
    if "".join(terms) != text:
        return None
    total = Decimal(0)
    pending: Decimal | None = None
    scalable = False  # a lone digit right after a unit (两千三) stands for the next lower unit
    last_unit: int | None = None
    zero_before = False
    for term in terms:
        if term in SMALL_UNITS or term in TENS_SHORTHAND:
            value = SMALL_UNITS.get(term) or TENS_SHORTHAND[term]
            unit = 10 if term in TENS_SHORTHAND else value
            if last_unit is not None and unit >= last_unit:
                return None  # units must fall: 一百一千 is not a number
            if term in TENS_SHORTHAND:
                if pending is not None:
                    return None
                total += value
            else:
                total += (Decimal(1) if pending is None else pending) * unit
            pending, last_unit, zero_before = None, unit, False
            continue
        stripped = term.lstrip(ZEROS) if term[0] in DIGITS else term
        if not stripped:
            zero_before = True  # 一千零五: the zero only marks a skipped unit
            continue
        if pending is not None or (stripped[0] in DIGITS and len(stripped) > 1):
            return None  # 五六十 (a range) or two numbers in a row
        pending = Decimal(DIGITS[stripped]) if stripped in DIGITS else Decimal(stripped)
        scalable = not zero_before and stripped == term and _ONE_DIGIT_RE.fullmatch(stripped) is not None
        zero_before = False
    if pending is not None:
        if scalable and last_unit is not None and last_unit >= 100:
            pending *= last_unit // 10
        elif last_unit is not None and pending >= last_unit:
            return None  # 四千5000
        total += pending
    return total


def _tail(text: str, unit: int) -> Decimal | None:
    """Value of what follows a big unit: 三万五 -> 5000, 一万零一 -> 1, 1万600 -> 600."""
    stripped = text.lstrip(ZEROS)
    if not stripped:
        return Decimal(0)
    if stripped == text and _ONE_DIGIT_RE.fullmatch(stripped):
        # a lone digit right after the unit stands for the next lower unit (十二万八 = 128000)
        return Decimal(_digit_string(stripped)) * (unit // 10)
    value = _value(stripped)
    return None if value is None or value >= unit else value


def _value(text: str) -> Decimal | None:
    """Value of a numeral with units, fractions or halves; positional digit strings are not read here."""
    if not text:
        return None
    if _ARABIC_FULL_RE.fullmatch(text):
        return Decimal(text.replace(",", ""))
    if "又" in text:  # 一又十分一 = 1 + 1/10
        whole, _, frac = text.partition("又")
        whole_value, frac_value = _value(whole), _value(frac)
        return None if whole_value is None or frac_value is None else whole_value + frac_value
    if _HALF_RE.fullmatch(text):
        return Decimal("0.5")
    if m := _AND_HALF_RE.fullmatch(text):  # 两个半 = 2.5
        base = _value(m.group(1))
        return None if base is None else base + Decimal("0.5")
    if m := _FRACTION_RE.fullmatch(text):
        denominator, numerator = _value(m.group(1)), _value(m.group(2))
        if denominator is None or numerator is None or denominator == 0:
            return None
        return numerator / denominator
    # Split on the largest big unit present, at its last occurrence, so 一千万亿 and
    # 一千一百万一千亿... both read as (head) x unit + (tail).
    for chars, unit in (("亿億", 100_000_000), ("万萬", 10_000)):
        pos = max(text.rfind(ch) for ch in chars)
        if pos < 0:
            continue
        head_text = text[:pos].rstrip("个個")  # 两个亿 = 两亿
        head = _value(head_text) if head_text else Decimal(1)
        tail = _tail(text[pos + 1 :], unit)
        return None if head is None or tail is None else head * unit + tail
    return _section(text)


def parse_cn_number(text: str) -> Decimal | None:
    """Value of a Chinese or Arabic numeral string (`一百零五`, `二点五`, `3,200.50`), or None."""
    text = text.strip()
    if not text:
        return None
    try:
        if _ARABIC_FULL_RE.fullmatch(text):
            return Decimal(text.replace(",", ""))
        if m := _POSITIONAL_RE.fullmatch(text):
            whole = _digit_string(m.group(1))
            frac = _digit_string(m.group(2)) if m.group(2) else "0"
            return Decimal(f"{whole}.{frac}") if m.group(2) else Decimal(whole)
        return _value(text)
    except (InvalidOperation, ArithmeticError):
        return None


def parse_int(text: str) -> int | None:
    """Integer value of a Chinese or Arabic numeral (`十二`, `12`), or None."""
    value = parse_cn_number(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)
