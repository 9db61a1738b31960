"""English date vocabulary: word tables, regex fragments and small word helpers."""

from __future__ import annotations

import re

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2, "thursday": 3,
    "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
NUMBERS: dict[str, float | None] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90,
    "half a": 0.5, "a half": 0.5, "a couple of": None, "couple of": None, "a couple": None,
    "a few": None, "few": None, "several": None,
}  # fmt: skip
_ORD_BASE = (
    *("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"),
    *("eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth"),
    *("eighteenth", "nineteenth", "twentieth"),
)
ORDINALS = {word: i + 1 for i, word in enumerate(_ORD_BASE)}
ORDINALS.update({f"twenty-{w}": 20 + i + 1 for i, w in enumerate(_ORD_BASE[:9])})
ORDINALS.update({"thirtieth": 30, "thirty-first": 31})


def _alts(words: object) -> str:
    """A longest-first alternation of words, spaces and hyphens made flexible."""
    items = sorted(map(str, words), key=len, reverse=True)  # type: ignore[call-overload]
    return "|".join(w.replace(" ", r"\s+").replace("-", r"[\s-]") for w in items)


_WD_FULL = _alts(k for k in WEEKDAYS if len(k) > 5)
WD = rf"(?P<wd>{_WD_FULL}\b|(?:{_alts(k for k in WEEKDAYS if len(k) <= 5)})\b)"
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
MON = rf"(?P<mon>{_alts(k for k in MONTHS if k not in _MONTH_ABBR)}\b|(?:{_alts(_MONTH_ABBR)})\b\.?)"
NUM = rf"(?P<n>\d+(?:\.\d+)?|{_alts(NUMBERS)})"
UNIT = (
    r"(?P<u>business\s+days?|working\s+days?|days?|weeks?|fortnights?|months?|years?"
    r"|hours?|hrs?|minutes?|mins?)"
)
ORD = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_alts(ORDINALS)})"
ORD_SFX = rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{_alts(ORDINALS)})"  # "the 6 cells" is not a date
YEAR = r"(?:19|20)\d\d"
# Words after which a bare month name, a slashed date or "the 5th" is a date ("in May", "on 3/15").
DATE_PREPS = {
    "on", "by", "before", "until", "till", "til", "from", "to", "through", "after", "since", "due", "in",
    "during", "of", "for", "around", "early", "mid", "late", "throughout", "than", "next", "this", "last",
    "and", "between",
}  # fmt: skip
_PREV_WORD = re.compile(r"([A-Za-z]+)[\s.,-]*$")


def prev_word(text: str, start: int) -> str:
    """The word right before `start`, lower-cased ('' if none)."""
    m = _PREV_WORD.search(text, max(0, start - 16), start)
    return m.group(1).lower() if m else ""


def count(word: str) -> float | None:
    """A count from digits or number words; None when vague (a few, a couple of)."""
    key = re.sub(r"\s+", " ", word.lower())
    if key in NUMBERS:
        return NUMBERS[key]
    return float(key)


def ordinal(word: str) -> int | None:
    """Day number of 5th, 5 or fifth."""
    key = re.sub(r"[\s-]+", "-", word.lower())
    if key in ORDINALS:
        return ORDINALS[key]
    digits = re.match(r"\d+", key)
    return int(digits.group(0)) if digits else None


def unit_of(word: str) -> str:
    """The unit name of days, wks, business days, hours..."""
    word = word.lower()
    for prefix, unit in (("business", "bday"), ("working", "bday"), ("day", "day"), ("week", "week"),
                         ("fortnight", "fortnight"), ("month", "month"), ("year", "year"), ("h", "hour"),
                         ("min", "minute")):  # fmt: skip
        if word.startswith(prefix):
            return unit
    return "day"
