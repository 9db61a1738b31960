"""Which time expression is the first contact and which is the next follow-up.

Parsing time expressions is `copilot.nlp.times`'s job; this module only decides, from the
clause around each expression, what the date is about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import pairwise, permutations
from typing import Any, Protocol, cast

from copilot.domain import Evidence, InputKind, Speaker
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc, han_count
from copilot.nlp.times import find_times
from copilot.nlp.times_core import add_months
from copilot.nlp.times_en import after_the_day_before


class _SpanLike(Protocol):
    @property
    def start(self) -> date | None: ...
    @property
    def end(self) -> date | None: ...
    @property
    def due(self) -> date | None: ...
    @property
    def vague(self) -> bool: ...


class _MatchLike(Protocol):
    @property
    def span(self) -> _SpanLike: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


FindTimes = Callable[[str, datetime], list[Any]]
_DEADLINE = re.compile(r"前|之前|以前|内|before|by", re.IGNORECASE)
_FIRM = 3  # a commitment score at which a clause is an agreed next action on its own
_FALLBACK = 2  # a dated decision or signature: the follow-up only when no other action is agreed
# "check with finance if 60 days is ok": an embedded question, not a condition on the action
_INDIRECT_IF = re.compile(
    r"\b(?:check|checking|ask|asking|see|confirm|find out|verify|know)\b(?!\s+back\b)"
    r"[^.,;]{0,30}?\b(?:if|whether)\b",
    re.IGNORECASE,
)
# "once our legal team updates the clause": a step on our own side before the action, no condition
# the customer has to meet
_OWN_PREREQUISITE = re.compile(r"\b(?:once|after|when) (?:our|my|I|we)\b[^.,;]{0,60}", re.IGNORECASE)
# a time stated with a deadline preposition: "quote by Monday", "answer before Friday"
_DUE_PREP = re.compile(r"^(?:by|before|no later than|within)\b", re.IGNORECASE)
# words that leave a time standing alone in its clause: "say Feb 25", "maybe Tuesday"
_FILLER = re.compile(r"\b(?:say|like|around|about|or|so)\b|[\W_]", re.IGNORECASE)
_ANAPHORIC_DAY = re.compile(
    r"\b(?:that|the same) (?:day|date|morning|afternoon)\b|\bon that\b", re.IGNORECASE
)
_FUTURE_PLAN = re.compile(
    r"\b(?:will|'ll|going to|shall)\b"
    r"|^(?:pls |please )?(?:contact|call|email|ping|reach out to|talk to) (?:me|us)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(r"\b(?:not sure|maybe|perhaps|might|probably|tbc|tbd)\b", re.IGNORECASE)
_SLOT_MAX_WORDS = 5  # "ok Fri 9:30", "next Tue ok", "Tue morning ok": a slot and a verdict, nothing more
_PERFECTIVE = re.compile(r"了|已(?!读)|过(?!去|来)|\b(?:was|were|had|did)\b|\b\w+ed\b", re.IGNORECASE)


# The end of a state ('locked in until next year', 'valid until the 15th', 'the contract ends on
# the 30th'), not an agreed action.
_UNTIL = re.compile(
    r"\b(?:until|till|valid through|ends?|ending|expires?|expiring|runs? out|lapses?)"
    r"\s+(?:on\s+)?(?:the\s+)?$",
    re.I,
)
_UNTIL_HEAD = re.compile(r"(?:until|till)\b", re.I)
# '合同这个月底到期', '质保明年三月过期': the day a term runs out, not a touchpoint
_ZH_EXPIRES = re.compile(r"\s*(?:就|才|也)?(?:要)?(?:到期|过期)")


def default_find_times() -> FindTimes:
    """The project's time parser."""
    return cast(FindTimes, find_times)


@dataclass(frozen=True)
class TimeHit:
    """A time expression of the interaction, in Interaction.text coordinates."""

    start: int
    end: int
    first: date | None
    last: date | None
    due: date | None
    vague: bool

    @property
    def is_day(self) -> bool:
        return self.first is not None and self.first == self.last


# 'the week of the 21st': a day said as the week it falls in
_WEEK_OF = re.compile(r"\b(?:the )?week of\s*$", re.IGNORECASE)


def find_time_hits(doc: Doc, find_times: FindTimes | None) -> list[TimeHit]:
    """Every time expression of every segment, resolved against the reference time."""
    if find_times is None:
        return []
    hits: list[TimeHit] = []
    ref = doc.interaction.reference_time
    # searched sentence by sentence so one expression never spans two sentences
    # ('our first call was last Thursday. today I asked...')
    for sentence in doc.sentences:
        # a chat message's "明天" is the day after it was sent, not after the export
        said = doc.interaction.segments[sentence.seg].at
        at = said if said is not None and said <= ref else ref
        for raw in find_times(sentence.text, at):
            m = cast(_MatchLike, raw)
            span = m.span
            start = sentence.start + m.start
            hit = TimeHit(start, sentence.start + m.end, span.start, span.end, span.due, bool(span.vague))
            if hit.is_day and hit.first is not None and _WEEK_OF.search(doc.text[max(0, start - 12) : start]):
                # 'the week of the 21st': that whole week, from its Monday
                monday = hit.first - timedelta(days=hit.first.weekday())
                hit = replace(hit, first=monday, last=monday + timedelta(days=6), due=monday)
            hits.append(hit)
    return _after_the_day_before(doc, hits)


def _after_the_day_before(doc: Doc, hits: list[TimeHit]) -> list[TimeHit]:
    """'our board meets on the 26th. Give me a call the Monday after': across the sentences of one
    turn (the parser sees one sentence at a time), the weekday comes after the day said before it."""
    out = list(hits)
    for i, hit in enumerate(out):
        prev = next((h for h in reversed(out[:i]) if h.is_day and h.first is not None), None)
        if prev is None or prev.first != prev.last or doc.text.count("\n", prev.start, hit.start):
            continue  # no single day before it, or said in another turn (turns are joined by newlines)
        found = after_the_day_before(doc.text, hit.start, hit.end, prev.first)
        if found is not None:
            out[i] = replace(hit, first=found[0], last=found[0], due=found[0])
    return out


def _context(doc: Doc, hit: TimeHit) -> Clause | None:
    return doc.clause_at(hit.start)


# A date said again in other words ('端午前 也就是六月十八号之前', 'early next month, i.e. the 3rd'):
# the restatement is the date meant.
_RESTATES = re.compile(
    r"(?:也?就是|即|具体(?:是|在|定在)?|确切(?:地)?说|准确(?:地)?说|\bi\.e\.,?|\bthat is,?|\bnamely|\bthat's"
    r"|\bspecifically,?|\bto be exact,?)\s*$",
    re.IGNORECASE,
)
_RESTATE_GAP = 24  # characters between the first saying and the restatement


def _restated(doc: Doc, hits: list[TimeHit]) -> dict[int, TimeHit]:
    """Time hits a later restatement in the same turn replaces: the restating hit's start -> the
    hit it replaces (whose clause says what the date is for)."""
    out: dict[int, TimeHit] = {}
    for prev, hit in pairwise(hits):
        before = doc.text[max(prev.end, hit.start - 8) : hit.start]
        if (
            hit.start - prev.end <= _RESTATE_GAP
            and doc.speaker_at(prev.start) == doc.speaker_at(hit.start)
            and _RESTATES.search(before)
        ):
            out[hit.start] = prev
    return out


# a dictation's 'today' followed by trying again ('今天上午再打'): a plan for later today
_AGAIN_TODAY = re.compile(
    r"\s*(?:上午|下午|晚上|中午|晚点|稍后)?(?:再|还得|还要)(?:打|去|跑|联系|约|问|催|发)"
)
_ABOUT_AFTER = re.compile(r"\s*(?:or so|or thereabouts)\b(?!\s*\w)", re.I)
# an English day of the month with no month ('on the 11th', 'by the twelfth')
_DAY_ONLY = re.compile(
    r"^(?:(?:on|by|before|until)\s+)?(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)|[a-z]+(?:th|st|nd|rd))$",
    re.IGNORECASE,
)
_HORIZON_DAYS = 180  # a single day further out than this is a term's end, not a follow-up
# A day named with only weak commitment ('我改一下 下周一之前再给他看', 'revised deck to him Tuesday') is
# still the next follow-up when it is one day in the next two weeks (the next week when nothing at all
# commits to it) and not merely asked about: spans, today, far-off days and a day put as a question need
# more. The extraction drops such a day when the deal was lost in the same interaction.
_NEAR_DAYS = 14
_VERY_NEAR_DAYS = 7


def _near_day(hit: TimeHit, today: date, score: int) -> bool:
    """Whether a weakly committed day is still the next follow-up: one day, not today, within two
    weeks with some commitment (score 1) or within a week with none against it (score 0)."""
    if not hit.is_day or hit.due is None:
        return False
    days = (hit.due - today).days
    return 0 < days <= (_NEAR_DAYS if score >= 1 else _VERY_NEAR_DAYS)


# An English day named for something already done ('We emailed the layout on Tuesday'): a past verb
# before it, no future or booking word in the clause.
_EN_PAST_VERB = re.compile(
    r"\b(?:sent|did|went|met|spoke|called|emailed|had|got|came|was|were|gave|told|said|signed|received|"
    r"shared|presented|visited|talked|delivered|shipped|submitted|paid|left|heard)\b",
    re.IGNORECASE,
)
_EN_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|going to|gonna|let's|let us|can|could|would|'d|to \w+|plan|planning|next|"
    r"booked|scheduled|set|arranged|agreed|confirmed|moved|pushed)\b|\?",
    re.IGNORECASE,
)


def _past_english_day(doc: Doc, clause: Clause, hit: TimeHit) -> bool:
    """Whether an English 'on <day>' reports when something already happened."""
    if doc.lang != "en":
        return False
    said = doc.text[max(clause.start, hit.start - 4) : hit.end]
    if not re.search(r"\bon\s+\S", said, re.IGNORECASE):
        return False
    before = doc.text[clause.start : hit.start]
    return bool(_EN_PAST_VERB.search(before)) and not _EN_FUTURE.search(clause.text)


# English coordinated clauses with a new subject ('trucks go out Tuesday and I'll confirm ... tomorrow')
_EN_COORDINATION = re.compile(r"\s+(?:and|but|so|while)\s+(?=(?:I|we|she|he|they)\b)|;\s*", re.IGNORECASE)
# English voice-to-text runs a whole note into one sentence: past this many words a clause is cut
# before every subject pronoun ('... roof about twelve thousand square metres we fixed a site survey')
_EN_RUN_ON_WORDS = 30
_EN_SUBJECT = re.compile(r"(?<=\s)(?:(?-i:I)|we|she|he|they)(?:'(?:ll|m|d|ve|re|s))?(?=\s)", re.IGNORECASE)


# Unpunctuated Chinese (voice-to-text runs a whole note into one clause) splits where a new subject or
# a discourse marker starts: '他说要再考虑一下月底前给答复我下周二把合同初稿发过去' is two actions.
_ZH_SUBJECT = re.compile(
    r"(?:然后|还有|但是|不过|所以|结果|另外)"
    r"|(?<![跟和给让帮找叫问对被向把与替陪带请约见])(?:我们|我|他们|她们|他|她|对方|客户)(?=说|想|要|会|就|先|再|这|下|明|后|周|星|礼|[0-9一二三四五六七八九十]|把|跟|带|去|过|给|约|发|回|答|问|打|定)"
)
_ZH_LOCAL_MIN = 24  # shorter clauses are one action already
# a time the speaker takes back: '周三 不对 周四', 'Tuesday, no wait, Wednesday'
# (a filler may come first: 'uh, actually'); _PUT_RIGHT below finds the same words before the new day
_FILLER_FIRST = r"(?:(?:uh|um|er|嗯|呃)\W{1,2})?"
_TAKE_BACK = r"不对|不是|哦不|no,? (?:wait|sorry)|sorry,? no|I mean|make (?:that|it)\b|scratch that|actually"
_CORRECTION = re.compile(
    rf"^\W{{0,2}}{_FILLER_FIRST}(?:{_TAKE_BACK}|噢不|啊不|wait,? no|sorry|rather)(?:[\s,]+(?:{_TAKE_BACK}))?",
    re.IGNORECASE,
)
# who the day put right is reported from ('no wait, he said next Wednesday', '不对 他说是周四')
_REPORTED = r"(?:(?:he|she|they|I|we)\s+said|(?:he|she|they)\s+meant|他说|她说|客户说)"
_REPORTED_RE = re.compile(_REPORTED, re.IGNORECASE)


# The rep offering a dated action as a question, and the customer's next turn taking it up.
_EN_OFFER_Q = re.compile(
    r"\b(?:would it be (?:ok|okay|alright|fine) if I|would it help if I|shall I|should I|can I|could I|"
    r"do you want me to|would you like me to)\b",
    re.IGNORECASE,
)
_EN_TAKEN_UP = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|ok|okay|please|of course|absolutely|sounds good|that works|go ahead)\b",
    re.IGNORECASE,
)


def _offer_taken_up(doc: Doc, clause: Clause) -> bool:
    """An English question by the rep offering the action, answered yes by the customer."""
    segs = doc.interaction.segments
    if doc.lang != "en" or clause.speaker is not Speaker.REP or clause.seg + 1 >= len(segs):
        return False
    if not (clause.is_question or doc.text[clause.end : clause.end + 2].startswith("?")):
        return False
    nxt = segs[clause.seg + 1]
    return (
        bool(_EN_OFFER_Q.search(clause.text))
        and nxt.speaker is Speaker.CUSTOMER
        and bool(_EN_TAKEN_UP.match(nxt.text))
    )


def _corrected(doc: Doc, hit: TimeHit) -> bool:
    """The speaker corrects this time right after saying it."""
    return bool(_CORRECTION.match(doc.text[hit.end : hit.end + 16]))


# what may stand between a correction marker and the day it puts right ('no wait, on the tenth')
_CORRECTION_FILLER = re.compile(
    rf"[\s,，、]*(?:{_REPORTED}[\s,，]*)?(?:(?:on|is|it's|是|在)\s*)?(?:the\s*)?", re.IGNORECASE
)


def _corrected_by(doc: Doc, hit: TimeHit, other: TimeHit) -> bool:
    """`other` replaces `hit`: a correction marker and nothing much else between them."""
    if other.start < hit.end:
        return False
    gap = doc.text[hit.end : other.start]
    m = _CORRECTION.match(gap)
    return m is not None and _CORRECTION_FILLER.fullmatch(gap[m.end() :]) is not None


# a correction opening the words right before a day: '…发过去 不对不对 是夏周四', '…, actually Wednesday'
_PUT_RIGHT = re.compile(
    rf"(?:^|[\s，,。.;；])\W{{0,2}}{_FILLER_FIRST}(?:{_TAKE_BACK})(?:[\s,]+(?:{_TAKE_BACK}))?"
    rf"(?:\s*不对)?[\s,，]*(?:{_REPORTED}[\s,，]*)?(?:是|就|改(?:成|到)?|on|it's)?\s*(?:the\s*)?$",
    re.IGNORECASE,
)
_PUT_RIGHT_GAP = 40


def _put_right(doc: Doc, hits: list[TimeHit]) -> list[tuple[TimeHit, TimeHit]]:
    """(day taken back, the day that replaces it) for a correction between two days of one turn."""
    days = [h for h in hits if h.is_day]
    out: list[tuple[TimeHit, TimeHit]] = []
    for hit, other in pairwise(days):
        gap = doc.text[hit.end : other.start]
        if (
            0 < len(gap) <= _PUT_RIGHT_GAP
            and doc.speaker_at(hit.start) == doc.speaker_at(other.start)
            and _PUT_RIGHT.search(gap)
        ):
            out.append((hit, other))
    return out


# a span counted in days or weeks ('两天内', 'within 3 business days') ...
_OFFSET = re.compile(
    r"[0-9一二两三四五六七八九十]+\s*个?(?:工作日|天|日|周|星期|礼拜)"
    r"|\b(?:\d+|one|two|three|four|five|six|seven|ten|a|a couple of|a few)\s+"
    r"(?:business |working )?(?:days?|weeks?)\b",
    re.IGNORECASE,
)
# ... from an event still to come rather than from today ('收到后', 'once we receive it')
_ANCHORED = re.compile(
    r"(?:收到|拿到|确认|签完|签了|到货|看完|审完|批下来|定下来|回来)(?:了|以)?(?:后|之后|以后)"
    r"|\b(?:once|after|when)\s+(?:we|you|I|they|he|she)\s+(?:receive|get|have|see|sign)\w*\b",
    re.IGNORECASE,
)


def _narrows(day: TimeHit, span: TimeHit) -> bool:
    """Whether `day` is a single day inside the several days of `span`."""
    if day.first is None or day.first != day.last or span.first is None or span.last is None:
        return False
    return span.first < span.last and span.first <= day.first <= span.last


def _bare(doc: Doc, hit: TimeHit) -> bool:
    """Whether a time stands alone in its clause ('…, no sorry, August eleventh')."""
    clause = _context(doc, hit)
    if clause is None:
        return False
    before = _CORRECTION.sub("", doc.text[clause.start : hit.start], count=1)
    before = _REPORTED_RE.sub("", before, count=1)
    rest = before + doc.text[hit.end : clause.end]
    return len(re.findall(r"\w", rest)) <= 3


# a month said as the past, even in a clause that also plans ahead
_LOOKING_BACK = re.compile(r"\b(?:back|earlier|already|ago)\s*$", re.IGNORECASE)
# a later part of today ('我今天晚上把报价发您', 'tonight', 'this afternoon'): still to come after a call
_LATER_TODAY = re.compile(
    r"下午|晚上|今晚|傍晚|下班|tonight|this (?:afternoon|evening)|later|EOD|end of (?:the )?day", re.I
)
# what opens a clause that acts on a day just said: '到时候我…', '那天我…', 'then I…'
_THEN = re.compile(r"^(?:到时候|到时|届时|那天|当天|then)\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?=\s|$)")
# a purpose clause after the action ('... by Wednesday so you have it before the 20th', '以便…'):
# the time inside it is what the action serves, not a second touchpoint
_PURPOSE = re.compile(r"\bso (?:that )?(?:you|they|he|she|we)\b|以便|好让|便于")
# A span the rep's own plan may be dated by: a week, a month or part of one, not a quarter or a year.
_PLAN_SPAN_DAYS = 31
# the seller's side having an event then, not doing something with the customer ('我们4月中旬在柯桥
# 有个沙龙', 'we are also at SPS in November')
_OWN_EVENT = re.compile(r"有(?:个|一个|场|一场)|\b(?:are|am|is|be|'re|'m)\s+(?:also\s+)?(?:at|in)\b", re.I)
# when something begins ('from April', 'starting next month', '下个月起'): a state's start, no touchpoint
_STARTS_FROM = re.compile(r"\b(?:from|starting|beginning|as of)\s+(?:the\s+)?$|从\s*$", re.I)
_STARTS_FROM_HEAD = re.compile(r"(?:from|starting|beginning|as of)\b|从", re.I)
_ZH_STARTS = re.compile(r"\s*(?:起|开始)")

# the rep named right before the day, after the object of the work ('门店账号我这周五前开好')
_REP_BEFORE_TIME = re.compile(r"(?:^|[^他她你您])(?:我|我们)(?:这边|这儿)?\s*$")
# after a dictated day: going to or handing over to the customer, or trying again ('下周四来给他们讲')
_MOVE_AFTER_TIME = re.compile(
    r"^(?:再)?(?:来|去|过去|过来|上门|拜访|带)(?!了|过)|^给(?:他|她|他们|她们|客户|对方)(?!打|回|说)"
    r"|^(?:上午|下午|晚上|中午)?再(?:打|联系|约|问|催)"
)
# a time of day with no day in it ('10 a.m.', '2pm ET', '下午两点'): it names no day of its own
_CLOCK_ONLY = re.compile(
    r"^(?:at\s+)?(?:(?:上午|下午|中午|晚上|早上|傍晚)?\s*[0-9零一二两三四五六七八九十]{1,3}(?:[:：.][0-9]{2})?"
    r"\s*(?:点|时)?(?:半|[0-9零一二三四五六七八九十]{1,3}分?)?"
    r"|[0-9]{1,2}(?:[:.][0-9]{2})?\s*(?:a\.?m\.?|p\.?m\.?)?(?:\s*[A-Z]{2,4})?"
    r"|上午|下午|中午|晚上|早上|傍晚|noon|morning|afternoon|evening)(?:之?前|以前|左右)?$",
    re.IGNORECASE,
)


def _answered_proposals(
    doc: Doc, hits: list[TimeHit], accept: re.Pattern[str] | None = None
) -> tuple[set[int], dict[date, list[int]]]:
    """Days proposed in a turn that asks ('下周二过来开启动会？', '1st or 2nd?') which the other side's
    next turn answers with other days ('1号吧'): the answer settles the slot, so the proposed days it
    leaves out are off (where each such hit starts). An answer naming a new day ('下周二不在，改到下周四吧')
    turns the proposed ones down, where it repeats them too, unless it accepts them ('OK Friday call is
    fine, and by the 29th we sign'). Also returned: each counter-proposed day, with where the days it
    replaces were proposed."""
    if doc.kind is InputKind.DICTATION:
        return set(), {}
    segments = doc.interaction.segments
    today = doc.interaction.reference_time.date()
    days: dict[int, list[tuple[int, date]]] = {}  # single days named in each turn
    asked: dict[int, list[tuple[int, date]]] = {}  # days and spans proposed in a question
    previous_end = -10
    for hit in hits:
        clause = _context(doc, hit)
        # 'July 13th, Monday', '9月1号周二': one day, said twice
        apposition = 0 <= hit.start - previous_end <= 2 and not doc.text[previous_end : hit.start].strip(
            " ,，"
        )
        previous_end = hit.end
        if clause is None or hit.due is None or hit.vague or hit.due < today or apposition:
            continue
        if _CLOCK_ONLY.match(doc.text[hit.start : hit.end].strip()):
            continue  # '周三吧，下午两点': the hour of a day named elsewhere
        if hit.is_day:  # 'the first week of July' in an answer is no day offered
            days.setdefault(clause.seg, []).append((hit.start, hit.due))
        sentence = _SENTENCE_END.search(doc.text, hit.end, segments[clause.seg].end)
        if sentence is not None and sentence.group() in "?？":
            asked.setdefault(clause.seg, []).append((hit.start, hit.due))
    out: set[int] = set()
    moved: dict[date, list[int]] = {}
    for seg, proposed in asked.items():
        reply = next(
            (j for j in range(seg + 1, len(segments)) if segments[j].speaker is not segments[seg].speaker),
            None,
        )
        if reply is None or reply not in days:
            continue
        offered = {due for _, due in proposed}
        kept = {due for _, due in days[reply]}
        taken = accept is not None and any(
            due in offered and accept.search(doc.text[start : start + 30].split("，")[0].split(". ")[0])
            for start, due in days[reply]
        )
        if kept - offered and not taken and max(offered) > today:  # a counter-proposal
            out |= {start for start, due in proposed}
            out |= {start for start, due in days[reply] if due in offered}
            for due in kept - offered:
                moved.setdefault(due, []).extend(start for start, _ in proposed)
        else:
            out |= {start for start, due in proposed if due not in kept}
    return out, moved


_EN_AND = re.compile(r"[\s,]*(?:and|then|so)\s+(?:then\s+)?")
# an answer opening with a refusal ('不行', '没空', "can't")
_DECLINED = re.compile(r"不|没空|不行|不方便|\bnot?\b|can't|cannot", re.IGNORECASE)
# handing something to the customer: '给您', '发您', '回复你'
_TO_YOU = re.compile(r"(?:给|发|交|传|回复|答复|回)(?:给)?(?:您|你)")
_SENT_TO_YOU = re.compile(r"(?:发|寄|传|做|出|整理|列)[^，。！？]{0,12}(?:给)?(?:您|你)")


def _accepted_proposals(doc: Doc, hits: list[TimeHit], accept: re.Pattern[str]) -> set[int]:
    """Days one side proposes in a question ('后天上午可以吗？', 'Would Thursday the 11th suit?') that the
    other side's next turn accepts, naming the same day or opening with a yes ('后天上午可以，十点',
    '好的'): where each hit of such an agreed day starts."""
    if doc.kind is InputKind.DICTATION:
        return set()
    segments = doc.interaction.segments
    today = doc.interaction.reference_time.date()
    out: set[int] = set()
    for hit in hits:
        clause = _context(doc, hit)
        if clause is None or not hit.is_day or hit.vague or hit.due is None or hit.due <= today:
            continue
        ends = _SENTENCE_END.search(doc.text, hit.end, segments[clause.seg].end)
        if ends is None or ends.group() not in "?？":
            continue
        reply = clause.seg + 1
        if reply >= len(segments) or segments[reply].speaker is segments[clause.seg].speaker:
            continue
        answer = segments[reply].text
        same_day = [
            h for h in hits if segments[reply].offset <= h.start < segments[reply].end and h.due == hit.due
        ]
        other_day = any(
            segments[reply].offset <= h.start < segments[reply].end
            and h.is_day
            and h.due != hit.due
            and not _CLOCK_ONLY.match(doc.text[h.start : h.end].strip())
            for h in hits
        )
        opening = answer[:12]
        if other_day or _DECLINED.search(opening):
            continue
        near = [doc.text[h.end : h.end + 12] for h in same_day]
        if any(accept.search(n) for n in near) or accept.match(answer.strip()):
            out.add(hit.start)
            out |= {h.start for h in same_day}
    return out


def _local(doc: Doc, clause: Clause, hit: TimeHit) -> Clause:
    """The part of a clause holding the hit: English split at coordinated clauses with their own
    subject, long unpunctuated Chinese at a new subject or discourse marker."""
    if doc.lang != "en":
        if len(clause.text) < _ZH_LOCAL_MIN:
            return clause
        return _cut(clause, hit, [m.start() for m in _ZH_SUBJECT.finditer(clause.text)], [])
    if len(clause.text.split()) > _EN_RUN_ON_WORDS:
        # a dictation with no punctuation at all: each new subject starts an action
        starts = [m.start() for m in _EN_SUBJECT.finditer(clause.text) if m.start() > 0]
        if starts:
            return _cut(clause, hit, starts, [])
    if not _EN_COORDINATION.search(clause.text):
        return clause
    found = list(_EN_COORDINATION.finditer(clause.text))
    return _cut(clause, hit, [m.start() for m in found], [m.end() for m in found])


def _cut(clause: Clause, hit: TimeHit, starts: list[int], ends: list[int]) -> Clause:
    """The piece of the clause between the split points around the hit (a split runs from its
    start to its end; a Chinese split point has no width and opens the next piece)."""
    offset, hit_end = hit.start - clause.start, hit.end - clause.start
    start, end = 0, len(clause.text)
    for i, at in enumerate(starts):
        after = ends[i] if ends else at
        if after <= offset:
            start = after
        elif at >= offset:
            # a time said before its subject ('明天上午我把资料发给她') belongs to what follows
            if not ends and len(clause.text[hit_end:at].strip()) <= 2:
                continue
            end = at
            break
    if end <= start:
        return clause
    text = clause.text[start:end]
    return Clause(clause.start + start, clause.start + end, text, clause.seg, clause.speaker, clause.index)


def _says_a_start(doc: Doc, local: Clause, hit: TimeHit) -> bool:
    """The time says when something begins ('from April', 'starting next month', '下个月起'); the
    parser may take the English word into the expression or leave it just before."""
    before = doc.text[max(local.start, hit.start - 12) : hit.start]
    return bool(
        _STARTS_FROM.search(before)
        or _STARTS_FROM_HEAD.match(doc.text, hit.start)
        or _ZH_STARTS.match(doc.text, hit.end)
    )


@dataclass(frozen=True)
class DatedValue:
    value: date
    evidence: Evidence
    weak: bool = False  # read from weak commitment alone (a day soon, with no firm word for it)


class DateRules:
    """First-contact and next-follow-up rules over precompiled lexicon cues."""

    def __init__(self, lex: Lexicon, channel_cues: re.Pattern[str]) -> None:
        fc = "first_contact"
        self.stated = lex.pattern(fc, "stated")
        self.today = lex.pattern(fc, "today")
        self.greeting = lex.pattern(fc, "greeting")
        self.arrival = lex.pattern(fc, "arrival")
        self.prior = lex.pattern(fc, "prior_contact")
        self.announcement = lex.pattern(fc, "announcement")
        self.introduction = lex.pattern(fc, "introduction")
        self.channel = channel_cues
        ns = "next_steps"
        self.meeting = lex.pattern(ns, "meeting")
        self.commitment = lex.pattern(ns, "commitment")
        self.rep_subject = lex.pattern(ns, "rep_subject")
        self.requirement = lex.pattern(ns, "requirement")
        self.closing = lex.pattern(ns, "closing")
        self.conditional = lex.pattern(ns, "conditional")
        self.vague = lex.pattern(ns, "vague")
        self.no_follow_up = lex.pattern(ns, "no_follow_up")
        self.deliverables = lex.pattern(ns, "deliverables")
        self.decision_deadline = lex.pattern(ns, "decision_deadline")
        self.deferred = lex.pattern(ns, "deferred")
        self.slot_accept = lex.pattern(ns, "slot_accept")
        self.slot_reject = lex.pattern(ns, "slot_reject")
        self.service_level = lex.pattern(ns, "service_level")
        self.goods = lex.pattern(ns, "goods")
        self.internal = lex.pattern(ns, "internal")
        self.negated_action = lex.pattern(ns, "negated_action")
        self._customer_subject = re.compile(
            r"^(?:他|她|他们|她们|客户|对方|(?:she|he|they)\b)", re.IGNORECASE
        )
        self._rep_lead = re.compile(
            r"^(?:那|就|然后|好的?)?(?:我|我们)(?!们的)|^(?:I|we)(?:'ll|'d| will)?\b", re.IGNORECASE
        )

    # -- first contact ---------------------------------------------------------------------

    def stated_first_contact(self, doc: Doc, hits: list[TimeHit]) -> DatedValue | None:
        """A past day the input names as when the contact began ('上个月12号在展会上认识的')."""
        today = doc.interaction.reference_time.date()
        best: tuple[date, TimeHit, Clause] | None = None
        for hit in hits:
            if not hit.is_day or hit.vague or hit.first is None or hit.first >= today:
                continue
            if any(_corrected_by(doc, hit, h) for h in hits if h.is_day):
                continue  # 'on the ninth no wait the tenth': the day said next is meant
            clause = self._sentence_or_clause(doc, hit)
            if clause is None:
                continue
            # the cue must lie outside the expression itself ('live by January first' states no contact)
            a, b = hit.start - clause.start, hit.end - clause.start
            context = clause.text[: max(a, 0)] + " " + clause.text[b:]
            if not self.stated.search(context):
                channel = self.channel.search(context)
                if channel is None or self.announcement.search(context):
                    continue  # '昨天政府采购网公示了' dates a tender result, not the first contact
            if best is None or hit.first < best[0]:
                best = (hit.first, hit, clause)
        if best is None:
            return None
        return DatedValue(best[0], doc.evidence(best[2].start, best[2].end))

    def first_contact_is_now(self, doc: Doc) -> Evidence | None:
        """Evidence that this interaction is the first contact ('今天第一次联系', an inbound opener)."""
        for clause in doc.clauses:
            m = self.today.search(clause.text)
            if m:
                return doc.evidence(clause.start + m.start(), clause.start + m.end())
        for sentence in doc.sentences:
            m = self.today.search(sentence.text)
            if m:
                return doc.evidence(sentence.start + m.start(), sentence.start + m.end())
        if doc.kind in (InputKind.CHAT, InputKind.CALL) and doc.interaction.segments:
            first = doc.interaction.segments[0]
            if self.prior.search(first.text):
                return None
            # the customer opens by saying where they found us, with or without a greeting
            if (
                first.speaker is Speaker.CUSTOMER
                and (self.greeting.search(first.text) or self.arrival.search(first.text))
                and self.channel.search(first.text)
            ):
                return doc.evidence(first.offset, first.end)
            # the conversation opens with an introduction: the rep's own ('我是…的小邱，加您微信'),
            # the customer asking who they reach, a third party's ('邀请…加入了群聊')
            m = self.introduction.search(first.text)
            if m:
                return doc.evidence(first.offset + m.start(), first.offset + m.end())
        return None

    # -- next follow-up --------------------------------------------------------------------

    def _sentence_or_clause(self, doc: Doc, hit: TimeHit) -> Clause | None:
        if doc.lang == "en":
            for s in doc.sentences:
                if s.start <= hit.start < s.end:
                    return s
        return _context(doc, hit)

    def _is_rep(self, doc: Doc, clause: Clause) -> bool:
        if doc.kind is InputKind.DICTATION:
            return not self._customer_subject.search(clause.text) or bool(
                re.search(r"(?:^|\s)(?:我|I\b)", clause.text)
            )
        return clause.speaker is Speaker.REP

    def _rep_led(self, text: str) -> bool:
        """The clause opens with the rep as its subject ('我明天…', '那我…', "I'll …")."""
        return bool(self._rep_lead.match(text))

    def commitment_score(self, doc: Doc, clause: Clause) -> int:
        """How much a clause reads as an agreed next action (meeting, the rep's commitment)."""
        text = clause.text
        if self.vague.search(text):
            return -10
        score = 0
        if self.meeting.search(text):
            score += 3
        if self.commitment.search(text):
            score += 2
        if self._is_rep(doc, clause):
            score += 1
        # '下周三之前要把标书封好', '月底前要定下来': a deadline both sides agreed for an action
        if self.decision_deadline.search(text):
            score += 3
        elif self.requirement.search(text):
            # '我明天跟仓库确认一下 给小郑回个交货时间': the rep's own action about a requirement
            score -= 1 if self._rep_led(text) and self.commitment.search(text) else 4
        elif self.service_level.search(text):
            score -= 4  # '出故障二十四小时内到场': what a breakdown gets, not an agreed action
        elif self.deferred.search(text):
            score -= 4  # '等品类经理回来再定' puts the decision off; it is no next step
        elif self.closing.search(text):
            # '我下周一签': the signature is the next step only when nothing else is agreed
            score = max(score - 4, _FALLBACK)
        if self.conditional.search(_OWN_PREREQUISITE.sub(" ", _INDIRECT_IF.sub(" ", text))):
            score -= 3
        if self.negated_action.search(text):
            score -= 3  # '周五前肯定做不完了': not by then
        if self.goods.search(text) and not self.meeting.search(text):
            score -= 1  # '月底前发货': goods moving, a touchpoint only when nothing else is agreed
        if self.internal.search(text) and not (self._is_rep(doc, clause) and self._rep_led(text)):
            score -= 2  # '周三我们内部开会讨论': the customer's own meeting, not one with us
        return score

    def _weighs_against(self, doc: Doc, clause: Clause) -> bool:
        """Whether anything argues against a clause's day being a touchpoint: a refusal in it or just
        before it in the same turn ('不行，周五我们盘点'), a service level, a decision put off, an action
        said not to be ready, the customer's own meeting."""
        if self.slot_reject.search(clause.text):
            return True
        before = doc.clauses[clause.index - 1] if 0 < clause.index <= len(doc.clauses) else None
        if before is not None and before.seg == clause.seg and self.slot_reject.search(before.text):
            return True
        against = (self.service_level, self.deferred, self.negated_action, self.internal)
        return any(p.search(clause.text) for p in against)

    def next_follow_up(self, doc: Doc, hits: list[TimeHit]) -> DatedValue | None:
        """The date of the agreed next action; None when none is stated or it is vague."""
        today = doc.interaction.reference_time.date()
        best: tuple[int, int, TimeHit, Clause] | None = None
        earliest: tuple[int, int, TimeHit, Clause] | None = None
        firm: list[tuple[int, int, TimeHit, Clause]] = []
        rejected = self._rejected_slots(doc, hits)
        answered, moved = _answered_proposals(doc, hits, self.slot_accept)
        agreed = _accepted_proposals(doc, hits, self.slot_accept)
        restating = _restated(doc, hits)
        for hit, other in permutations(hits, 2):
            if (
                other.is_day
                and other.start not in restating
                and _corrected_by(doc, hit, other)
                and _bare(doc, other)
            ):
                # 'a check-in call on August tenth, no sorry, August eleventh': the day put right is
                # scored by what the day it replaces was for
                restating[other.start] = hit
        restated = {prev.start for prev in restating.values()}
        # a day taken back stays taken back: said again later, it is why ('夏周三 不对 是夏周四
        # 周三我要去无锡', 'the tenth is a Monday and he has audits'), not a plan
        put_right = _put_right(doc, hits)
        for hit, other in put_right:
            if _bare(doc, other):
                restating.setdefault(other.start, hit)
        corrected = {hit.start for hit, _ in put_right}
        taken_back = {
            h.due: h.start
            for h in hits
            if h.is_day and h.due is not None and (_corrected(doc, h) or h.start in corrected)
        }
        # how many days each turn names: a bare hour beside another is that day's hour
        days_in_turn = Counter(c.seg for h in hits if h.is_day and (c := _context(doc, h)) is not None)
        for hit in (self._rolled_month(doc, h) for h in hits):
            if (
                hit.vague
                or hit.due is None
                or hit.due < today
                or _corrected(doc, hit)
                or hit.start in corrected
            ):
                continue
            if hit.due in taken_back and hit.start > taken_back[hit.due]:
                continue
            if hit.start in answered or hit.start in restated:
                continue  # a day proposed in a question and answered with another, or said again
            clause = _context(doc, hit)
            if clause is None:
                continue
            if _OFFSET.search(doc.text[hit.start : hit.end]) and (
                _ANCHORED.search(doc.text[max(clause.start, hit.start - 14) : hit.start])
                or _ANCHORED.match(doc.text[hit.end : min(clause.end, hit.end + 30)].lstrip(" ,"))
            ):
                continue  # '收到后我们两天内回复': counted from an event to come, not from today
            if hit.due == today and (
                _PERFECTIVE.search(clause.text)
                or (
                    doc.kind is InputKind.DICTATION
                    and not _DEADLINE.search(doc.text[hit.start : hit.end])
                    and not _AGAIN_TODAY.match(doc.text, hit.end)
                )
            ):
                continue  # '今天上门', '今天去拜访了' report this interaction, not the next step
            if _ABOUT_AFTER.search(doc.text[hit.start : hit.end]) or _ABOUT_AFTER.match(doc.text, hit.end):
                continue  # 'in a month or so': no day is meant
            if _past_english_day(doc, clause, hit):
                continue  # 'We emailed the layout on Tuesday': that Tuesday has passed
            if hit.due == today and self.today.search(clause.text):
                continue  # '今天第一次联系您' introduces this interaction
            if (
                hit.due == today
                and doc.kind is InputKind.CALL
                and not _DEADLINE.search(doc.text[hit.start : hit.end + 2])
                and not _LATER_TODAY.search(doc.text[hit.start : hit.end + 2])
            ):
                continue  # '今天想跟您细聊一下', '我今天就去申请': on a call, today is the call itself
            if (
                _CLOCK_ONLY.match(doc.text[hit.start : hit.end].strip())
                and days_in_turn[clause.seg] > hit.is_day
            ):
                continue  # 'Tuesday works, 11am': the hour of the day named beside it
            if doc.lang == "en" and (
                _UNTIL.search(doc.text[max(0, hit.start - 12) : hit.start])
                or _UNTIL_HEAD.match(doc.text, hit.start)
            ):
                continue  # 'locked in a contract until next year', 'valid until May': a state's end
            if doc.lang == "zh" and _ZH_EXPIRES.match(doc.text, hit.end):
                continue  # '维保合同这个月底到期': a term's end
            if hit.due in rejected and hit.start < rejected[hit.due]:
                continue  # a slot proposed, then turned down ("Thu not ok", "Monday has board mtg")
            said_first = restating.get(hit.start)
            if said_first is not None and (first_clause := _context(doc, said_first)) is not None:
                # the restatement is scored by what the first saying was for
                local = self._widened(doc, _local(doc, first_clause, said_first), said_first, hits)
            else:
                local = self._widened(doc, _local(doc, clause, hit), hit, hits)
            score = self.commitment_score(doc, local) + self._slot_or_deliverable(doc, local, hit)
            if _offer_taken_up(doc, local):
                score = max(score, _FIRM)  # 'Would it be OK if I called you in two weeks?' 'Sure.'
            if hit.start in agreed:
                score = max(score, _FIRM)  # '后天上午可以吗？' '后天上午可以，十点': a slot agreed
            if hit.due in moved:
                score = max(score, _FIRM)  # '下周二不在，周三吧': what was proposed, moved to this day
            if score >= 0 and (self._own_plan(doc, local, hit) or self._customer_plan(doc, local, hit)):
                score = max(score, _FIRM)  # the rep's own dated plan: '我这周五再去找刘科长'
            elif 0 <= score < _FIRM and self._rep_acts_then(doc, local, hit, hits):
                score = _FIRM  # '下周二第一批货 我跟调度去现场盯一下装车': the rep is there that day
            if hit.first is not None and hit.last is not None and (hit.last - hit.first).days > 31:
                score -= 2  # '明年', '今年': a year or a quarter is the horizon, not a due date
            elif hit.first == hit.last and (hit.due - today).days > _HORIZON_DAYS:
                score -= 2  # '尾款两年后结清': a single day that far out ends a term, it is no touchpoint
            if score < 2 and (
                score < 0
                or clause.is_question
                or not _near_day(hit, today, score)
                or self._weighs_against(doc, local)
            ):
                continue  # weak evidence is enough only for one day in the next two weeks, not asked
            if (
                best is not None
                and score == best[0]
                and local == best[3]
                and not _PURPOSE.search(doc.text[local.start : hit.start])
            ):
                # 'by 5pm tomorrow' may come back as two expressions: the day is the later one
                if hit.due > (best[2].due or hit.due):
                    best = (score, -hit.start, hit, local)
                    firm = [best if f[3] == local else f for f in firm]
                continue
            if score >= _FIRM:
                firm.append((score, -hit.start, hit, local))
            if best is None or score > best[0]:
                best = (score, -hit.start, hit, local)
        if doc.kind is InputKind.CHAT and firm:
            # a plan made on a later day of a chat replaces one made on an earlier day ('by Friday'
            # on Monday, then 'next week' on Wednesday)
            latest = max(self._said_on(doc, f[3]) for f in firm)
            firm = [f for f in firm if self._said_on(doc, f[3]) == latest]
        # something to do today ('合同草稿今天发您') followed by a later dated step ('下周一我过去学校'):
        # the later step is the next follow-up; today's errand is part of this interaction
        firm = [
            f
            for f in firm
            if f[2].due != today
            or not any((g[2].due or today) > today and g[2].start > f[2].start for g in firm)
        ]
        # a span narrowed to a day inside it ('the week of the 21st … the demo on the 22nd'): the day
        firm = [f for f in firm if not any(_narrows(g[2], f[2]) for g in firm)]
        # several firm next actions ('明天上午过去取合同', '七月二十号进场'): the next one is the earliest
        for candidate in firm:
            if earliest is None or (candidate[2].due or today) < (earliest[2].due or today):
                earliest = candidate
        if earliest is not None:
            best = earliest
        if best is None:
            return None
        hit, clause = best[2], best[3]
        assert hit.due is not None
        return DatedValue(hit.due, doc.evidence(clause.start, clause.end), weak=best[0] < 2)

    @staticmethod
    def _said_on(doc: Doc, clause: Clause) -> date:
        """The day the message holding a clause was sent (the reference day when not known)."""
        segments = doc.interaction.segments
        at = segments[clause.seg].at if 0 <= clause.seg < len(segments) else None
        return (at or doc.interaction.reference_time).date()

    def _short_slot(self, doc: Doc, clause: Clause, hit: TimeHit) -> str | None:
        """The words around a time in a terse clause that is only a slot and a verdict, else None."""
        rest = doc.text[clause.start : hit.start] + " " + doc.text[hit.end : clause.end]
        if len(re.findall(r"[A-Za-z]+", rest)) > _SLOT_MAX_WORDS or han_count(rest) > 0:
            return None
        return rest

    def _rejected_slots(self, doc: Doc, hits: list[TimeHit]) -> dict[date, int]:
        """Days turned down in a terse reply ('Thu not ok', 'Mon busy'), with where it was said:
        an earlier proposal of that day is off."""
        out: dict[date, int] = {}
        for hit in hits:
            clause = _context(doc, hit)
            if hit.due is None or clause is None:
                continue
            sentence = self._sentence_or_clause(doc, hit) or clause
            rest = self._short_slot(doc, clause, hit)
            near = rest if rest is not None else doc.text[hit.end : min(sentence.end, hit.end + 40)]
            if self.slot_reject.search(near):
                out[hit.due] = max(out.get(hit.due, -1), hit.start)
        return out

    def _slot_or_deliverable(self, doc: Doc, local: Clause, hit: TimeHit) -> int:
        """Extra weight for a slot accepted in a terse reply ('Fri 9:30 👍', 'next Tue ok') and for a
        deliverable given a due day ('quote by Monday', 'proposal by the 25th')."""
        clause = _context(doc, hit) or local
        for piece in (clause, self._sentence_or_clause(doc, hit) or clause):
            rest = self._short_slot(doc, piece, hit)
            if (
                rest is not None
                and not piece.is_question
                and not _HEDGE.search(rest)
                and self.slot_accept.search(rest)
                and not self.slot_reject.search(rest)
            ):
                return _FIRM
        said = doc.text[hit.start : hit.end]
        if self.deliverables.search(local.text) and (
            _DUE_PREP.match(said) or re.search(r"\b(?:will|'ll|coming)\b", local.text, re.IGNORECASE)
        ):
            return 2
        if doc.lang == "zh" and _DEADLINE.search(said) and _TO_YOU.search(local.text):
            # '两个版本重新发您，周四前给您': the deliverable named earlier in the sentence, due that day
            seg = doc.interaction.segments[local.seg]
            before = re.split(r"[。！？!?]", doc.text[seg.offset : local.start])[-1]
            if self.deliverables.search(before) or _SENT_TO_YOU.search(before):
                return 2
        return 0

    def _rolled_month(self, doc: Doc, hit: TimeHit) -> TimeHit:
        """A month named without a year in a plan ("I'll call you in January" said in June) is the
        coming one, not the one already past."""
        today = doc.interaction.reference_time.date()
        first, last, due = hit.first, hit.last, hit.due
        if (
            due is not None
            and first == last == due
            and due < today
            and _DAY_ONLY.match(doc.text[hit.start : hit.end].strip())
            and (clause := _context(doc, hit)) is not None
            and _FUTURE_PLAN.search(clause.text)
        ):
            # a day of the month alone in a plan ("I'll ring you on the 11th" said on the 30th): the
            # coming one
            month = add_months(due.replace(day=1), 1)
            try:
                rolled = month.replace(day=due.day)
            except ValueError:
                return hit
            return replace(hit, first=rolled, last=rolled, due=rolled)
        if first is None or last is None or due is None or last >= today or first.day != 1:
            return hit
        if not 27 <= (last - first).days <= 30 or re.search(r"\d", doc.text[hit.start : hit.end]):
            return hit
        clause = _context(doc, hit)
        if clause is None or not _FUTURE_PLAN.search(clause.text):
            return hit
        if _LOOKING_BACK.search(doc.text[max(clause.start, hit.start - 12) : hit.start]):
            return hit  # 'clicked one of our ads back in February': told as the past in a plan's clause
        try:
            return replace(
                hit,
                first=first.replace(year=first.year + 1),
                last=last.replace(year=last.year + 1, day=1) + (last - last.replace(day=1)),
                due=due.replace(year=due.year + 1),
            )
        except ValueError:
            return hit

    def _unhedged(self, text: str) -> bool:
        """No condition, vagueness or deferral takes the plan back ('如果…的话', '回头', '再定')."""
        return not (self.conditional.search(text) or self.vague.search(text) or self.deferred.search(text))

    def _customer_plan(self, doc: Doc, local: Clause, hit: TimeHit) -> bool:
        """The customer's own first-person dated commitment in a chat or call ("I'll send them
        tomorrow", "we'll confirm by Friday"): a touchpoint as much as the rep's."""
        if doc.kind is InputKind.DICTATION or local.speaker is not Speaker.CUSTOMER:
            return False
        if not hit.is_day or hit.due is None or hit.due <= doc.interaction.reference_time.date():
            return False
        text = local.text
        if not (re.match(r"^(?:ok(?:ay)?[ ,]+)?(?:I|we)(?:'ll| will| can)\b", text, re.IGNORECASE)):
            return False
        if not self.commitment.search(text) or self.closing.search(text):
            return False
        return self._unhedged(text)

    def _rep_acts_then(self, doc: Doc, local: Clause, hit: TimeHit, hits: list[TimeHit]) -> bool:
        """A day said in one clause and, in the next clause of the same turn, the rep acting on it
        with no day of its own ('下下周三 我带两个工程师过去', '夏礼拜五发货 到时候我跟一下物流')."""
        if not hit.is_day or hit.due is None or hit.due <= doc.interaction.reference_time.date():
            return False
        nxt = doc.clause_at(local.end + 1)
        if nxt is not None and nxt.start < local.end and doc.lang == "en":
            # 'on site on the 20th and I'll come with them': the rest of the clause, after 'and'
            rest = _EN_AND.match(doc.text, local.end, nxt.end)
            if rest is None:
                return False
            nxt = Clause(rest.end(), nxt.end, doc.text[rest.end() : nxt.end], nxt.seg, nxt.speaker, nxt.index)
        if nxt is None or nxt.start < local.end or nxt.seg != local.seg or nxt.is_question:
            return False
        if doc.kind is not InputKind.DICTATION and nxt.speaker is not Speaker.REP:
            return False
        text = _THEN.sub("", nxt.text, count=1)
        if not self._rep_led(text) or any(nxt.start <= h.start < nxt.end for h in hits):
            return False
        if not (self.commitment.search(text) or self.meeting.search(text)):
            return False
        return self._unhedged(text)

    def _own_plan(self, doc: Doc, local: Clause, hit: TimeHit) -> bool:
        """The rep states a dated plan of their own: the piece opens with the rep as its subject
        ('我这周五再去一趟', "I'll come back to you Thursday"), or the time opens it and the rep
        follows ('下周二我把方案发您'), and the day is to come (no report of what was done). The time
        may be a span of up to a month ('下个月初我再去问问', "I'll check back in early May"), due on its
        first day, unless it says when the rep's side has something on ('我们4月中旬有个沙龙') or
        when something starts ('from April')."""
        if hit.due is None or hit.first is None or hit.last is None:
            return False
        if hit.due < doc.interaction.reference_time.date():
            return False
        if not hit.is_day and (
            (hit.last - hit.first).days > _PLAN_SPAN_DAYS
            or _OWN_EVENT.search(local.text)
            or _says_a_start(doc, local, hit)
        ):
            return False
        if hit.due == doc.interaction.reference_time.date() and not _AGAIN_TODAY.match(doc.text, hit.end):
            return False  # today is this interaction, unless the rep tries again later today
        if doc.kind is not InputKind.DICTATION and local.speaker is not Speaker.REP:
            return False
        text = local.text
        after_time = text[hit.end - local.start :].lstrip(" ，,")
        before_time = text[: hit.start - local.start]
        led = (
            self._rep_led(text)
            or bool(self._rep_lead.match(after_time))
            # the object first, then the rep and the day ('分公司账号我这周五前开好')
            or bool(_REP_BEFORE_TIME.search(before_time))
            # a dictation's day and a move towards the customer ('下周四来给他们讲')
            or (doc.kind is InputKind.DICTATION and bool(_MOVE_AFTER_TIME.match(after_time)))
        )
        if not led:
            return False
        return self._unhedged(text)

    @staticmethod
    def _widened(doc: Doc, local: Clause, hit: TimeHit, hits: list[TimeHit] | None = None) -> Clause:
        """A time standing alone between commas ('我们约了，下周三，给他们做个演示', 'a demo after the
        holiday, say Feb 25') reads with the clauses around it in the same segment."""

        def hits_in(clause: Clause) -> bool:
            return any(clause.start <= h.start < clause.end for h in hits or ())

        i = local.index if local.index < len(doc.clauses) and doc.clauses[local.index] == local else None
        if i is None:
            return local
        nxt = doc.clauses[i + 1] if i + 1 < len(doc.clauses) and doc.clauses[i + 1].seg == local.seg else None
        rest = local.text[: hit.start - local.start] + local.text[hit.end - local.start :]
        alone = len(rest.strip()) <= 1 or not _FILLER.sub("", rest).strip()
        if not alone:
            # "our office reopens on the 24th, I'll call you that day": the next clause points back
            if nxt is not None and _ANAPHORIC_DAY.search(nxt.text) and not hits_in(nxt):
                return Clause(
                    local.start, nxt.end, doc.text[local.start : nxt.end], local.seg, local.speaker, i
                )
            return local
        lo = i - 1 if i > 0 and doc.clauses[i - 1].seg == local.seg else i
        hi = i + 1 if nxt is not None else i
        start, end = doc.clauses[lo].start, doc.clauses[hi].end
        return Clause(start, end, doc.text[start:end], local.seg, local.speaker, local.index)

    def untimed_next_step(self, doc: Doc) -> Evidence | None:
        """A concrete commitment with an owner but no date ('我回去准备方案发给他')."""
        future = re.compile(r"会|将|回去|准备|马上|尽快|稍后|晚点|\bI'll\b|\bwe'll\b|\bwill\b", re.IGNORECASE)
        for clause in doc.clauses:
            text = clause.text
            if (
                self._is_rep(doc, clause)
                and self.rep_subject.search(text)
                and self.commitment.search(text)
                and self.deliverables.search(text)
                and future.search(text)
                and not (
                    self.vague.search(text) or self.conditional.search(text) or self.closing.search(text)
                )
            ):
                return doc.evidence(clause.start, clause.end)
        return None

    def says_no_follow_up(self, doc: Doc) -> bool:
        """The input states that nothing further was agreed."""
        return bool(self.no_follow_up.search(doc.text))
