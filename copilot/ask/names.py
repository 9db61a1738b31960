"""The organization's own names in a question: reps and staff (also in pinyin), teams, customers.

Names are found before anything else and masked out, so a customer called 南京紫金融资租赁 does not
read as the finance industry, and 华东一组 is a team, not a stage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from copilot.nlp.numerals import parse_cn_number
from copilot.pipeline.snapshot import PipelineSnapshot

_CN_NUM = re.compile(
    r"[零〇一二两三四五六七八九十百千万]+(?=\s*(?:个|天|日|小时|钟头|周|星期|礼拜|月|年|条|次|家|位|单|笔|项|名|成|%|万|大))"
)
_COMPANY_SUFFIX = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团有限公司|集团|公司|股份|"
    r"co\.?,? ?ltd\.?|ltd\.?|inc\.?|llc|corp\.?|limited|company|co\.)$",
    re.IGNORECASE,
)
_CITIES = re.compile(
    r"^(?:北京|上海|天津|重庆|深圳|广州|杭州|苏州|南京|无锡|宁波|成都|武汉|西安|长沙|郑州|合肥|青岛|济南|厦门|福州|"
    r"东莞|佛山|珠海|烟台|大连|沈阳|昆明|南昌|石家庄|太原|宁夏|新疆|内蒙古|贵阳|南宁|海口|兰州|常州|嘉兴|绍兴|温州|"
    r"台州|金华|徐州|南通|扬州|泉州|中山|惠州|江门|湖州|镇江|潍坊|淄博|临沂|洛阳|襄阳|宜昌|芜湖|黄山)(?:市)?"
)


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, Chinese numerals before units as digits."""
    text = unicodedata.normalize("NFKC", text).lower()

    def digits(m: re.Match[str]) -> str:
        value = parse_cn_number(m.group())
        return str(int(value)) if value is not None and value == int(value) else m.group()

    return _CN_NUM.sub(digits, text)


def _pinyin(name: str) -> list[str]:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # the offline parser still works on the characters
        return []
    syllables = lazy_pinyin(name)
    if len(syllables) < 2 or not all(s.isascii() and s.isalpha() for s in syllables):
        return []
    family, given = syllables[0], "".join(syllables[1:])
    return [f"{family} {given}", f"{given} {family}", f"{family}{given}"]


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    kind: str  # user, team, customer
    value: str  # user or customer external id, or the team's name


@dataclass
class NameIndex:
    """Every alias of the organization's names, longest first."""

    aliases: list[tuple[str, str, str]]  # (alias, kind, value)
    _by_first: dict[str, list[tuple[str, str, str]]] | None = None

    @classmethod
    def build(cls, snap: PipelineSnapshot) -> NameIndex:
        found: dict[str, set[tuple[str, str]]] = {}

        def add(alias: str, kind: str, value: str) -> None:
            alias = normalise(alias).strip()
            if len(alias) >= 2 and not alias.isdigit():
                found.setdefault(alias, set()).add((kind, value))

        for user in snap.users.values():
            add(user.name, "user", user.ext)
            if user.name.isascii():
                for part in user.name.split():
                    if len(part) >= 3:
                        add(part, "user", user.ext)
            else:
                for alias in _pinyin(user.name):
                    add(alias, "user", user.ext)
        # sales teams only: a department (法务部, 交付部) is asked about by its role (法务, 交付)
        for team in {u.team for u in snap.users.values() if u.team and u.role == "rep"}:
            add(team, "team", team)
            short = re.sub(r"(?:组|部|队|团队|小组|team)$", "", normalise(team)).strip()
            if short != normalise(team) and len(short) >= 2:
                add(short, "team", team)
            if team.isascii():
                add(f"{team} team", "team", team)
        for customer in snap.customers:
            name = normalise(customer.name).strip()
            add(name, "customer", customer.ext)
            core = _COMPANY_SUFFIX.sub("", name).strip(" ,.")
            add(core, "customer", customer.ext)
            local = _CITIES.sub("", core)
            if local != core and len(local) >= 3:
                add(local, "customer", customer.ext)
        # an alias naming two different records is no name at all
        unique = [(alias, *next(iter(v))) for alias, v in found.items() if len(v) == 1]
        return cls(sorted(unique, key=lambda a: -len(a[0])))

    def find(self, text: str) -> list[NameHit]:
        """Non-overlapping hits, longest alias first; Latin aliases must stand as whole words."""
        if self._by_first is None:
            by_first: dict[str, list[tuple[str, str, str]]] = {}
            for entry in self.aliases:  # longest first, kept in that order per first character
                by_first.setdefault(entry[0][0], []).append(entry)
            self._by_first = by_first
        candidates: list[tuple[int, int, str, str]] = []
        for i, ch in enumerate(text):
            for alias, kind, value in self._by_first.get(ch, ()):
                end = i + len(alias)
                if not text.startswith(alias, i):
                    continue
                if alias.isascii() and (
                    (i > 0 and text[i - 1].isalnum())
                    or (end < len(text) and text[end].isalnum() and text[end] != "s")
                ):
                    continue
                candidates.append((i, end, kind, value))
        hits: list[NameHit] = []
        taken = [False] * len(text)
        for i, end, kind, value in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if any(taken[i:end]):
                continue
            for k in range(i, end):
                taken[k] = True
            hits.append(NameHit(i, end, kind, value))
        return sorted(hits, key=lambda h: h.start)
