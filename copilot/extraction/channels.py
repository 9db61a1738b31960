"""Source channel: how the lead first came in, from cue words with a fixed precedence."""

from __future__ import annotations

import re
from datetime import datetime

from copilot.domain import Channel, CustomerContext, Evidence, Speaker
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc

# When several channels are mentioned, the more specific origin wins: a tender published on the
# customer's own website is a tender; a partner's referral is the partner; "other" is the fallback.
PRIORITY: tuple[Channel, ...] = (
    Channel.TENDER,
    Channel.PARTNER,
    Channel.REFERRAL,
    Channel.EXISTING_CUSTOMER,
    Channel.SOCIAL_MEDIA,
    Channel.ONLINE_ADS,
    Channel.WEBSITE,
    Channel.TRADE_SHOW,
    Channel.COLD_OUTREACH,
    Channel.OTHER,
)
# A customer the CRM first met at least this long before the interaction is an old customer (老客户):
# what is talked about now is a repeat order, an add-on or a renewal, whatever brought the first deal.
LONG_KNOWN_DAYS = 365
# How far around a cue a 'later' marker ('connected on LinkedIn after that') demotes it.
_LATER_WINDOW = 16
# How many opening turns are read for origin statements.
_OPENING_TURNS = 3


def long_known(customer: CustomerContext, reference: datetime) -> bool:
    """Whether the CRM's first contact with the customer is a year or more before `reference`."""
    first = customer.known_first_contact_date
    return first is not None and (reference.date() - first).days >= LONG_KNOWN_DAYS


# Origin statements read from their structure (English). A third party (a named person, or 'my
# colleague', 'our contact at ...') passing the seller on: giving the contact, saying or telling
# something about the other side, recommending or introducing; or thanks for the introduction.
_PERSON = (
    r"(?:(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+)?(?!(?:You|Your|We|Our|I|My|They|Their|He|His|She|Her|It|This|That|Who)\b)"
    r"(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?"
)
_THIRD_PARTY = (
    rf"(?:{_PERSON}|(?:my|our|your)\s+(?:[\w-]+\s+)?(?:colleague|contact|friend|boss|client|customer|"
    rf"counterpart|manager)(?:\s+{_PERSON})?)"
)
_PASSING_ON = (
    r"(?:gave|passed|sent|shared|forwarded)\s+(?:me|us)\s+(?:your|the)\s+(?:[\w-]+\s+)?"
    r"(?:contact|name|number|details|card|email)"
    r"|(?:said|says|told\s+(?:me|us)|mentioned|thinks?)\s+(?:that\s+)?(?:you|your|you're|you'd)\b"
    r"|(?:was\s+right\s+to\s+)?recommend(?:ed|ing|s)?\s+(?:you|your|us)\b"
    r"|(?:introduced|referred|suggested)\s+(?:you|us|me)\b"
)
_REFERRAL_FRAMES = (
    # 'Lisa from our other office gave me your contact', 'Mr. Luo at Acme said you're expanding'
    re.compile(
        rf"\b{_THIRD_PARTY}(?:\s*,?\s+(?:from|at|in|of)\s+[^.,;?!]{{1,40}}?)?,?\s+(?:{_PASSING_ON})", re.I
    ),
    # 'I got your name from Mr. Luo', 'thanks to Giulia for recommending us'
    re.compile(
        rf"\bgot\s+your\s+(?:name|number|contact|details|email)\s+from\s+{_THIRD_PARTY}"
        r"|\bthanks?\s+(?:again\s+)?to\s+[^;?!]{1,60}?\bfor\s+(?:introducing|recommending|referring)\b"
        rf"|\bthank\s+{_PERSON}\s+(?:again\s+)?for\s+(?:the|his|her|their)\s+(?:introduction|intro|referral)\b",
        re.I,
    ),
    re.compile(
        rf"\b{_THIRD_PARTY}(?:\s+(?:at|from|of)\s+[^.,;?!]{{1,40}}?)?\s+(?:pointed|sent|steered)\s+(?:us|me)\s+"
        r"(?:your|in\s+your)\s+way\b",
        re.I,
    ),
)
# Met at a named event ('we met at the Freight Expo', 'since meeting you at Agrishow').
_TRADE_SHOW_FRAMES = (
    re.compile(
        r"\b(?:met|meeting|meet)(?:\s+(?:you|him|her|them|each other))?\s+at\s+(?:the\s+)?"
        r"(?!(?-i:Mr|Ms|Mrs|Dr|I\b))(?-i:[A-Z][\w&-]+)"
    ),
    re.compile(r"\bat\s+the\s+[\w &-]{1,40}\s(?:conference|symposium|summit|congress|convention|fair)\b"),
)
# A mention of a channel inside a price comparison ('the other brand's dealer is 10% cheaper') is
# a competitor's channel; inside a hypothetical ('maybe they restart with a new tender') it is no
# origin at all.
_COMPARISON = re.compile(r"\bcheaper\b|\bless expensive\b|\bundercut|\blower price|\bbetter price", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:if|maybe|perhaps|might|whether)\b|\bnew\s+$", re.I)
# A future activity ('visiting next Thursday with our dealer') is not how the lead came in.
_FUTURE = re.compile(r"\b(?:next|tomorrow|will|going to)\b|'ll\b", re.I)
# ... nor, in Chinese, how the customer will buy or always buys ('下半年那个污水厂改造要公开招标',
# '配件都是总部统一招标'): the words right before the cue say so.
_ZH_NOT_ORIGIN = re.compile(
    r"(?:要|准备|打算|计划|将要?|会|明年|下个?月|下半年|统一|都是|走|需要|必须)[^，。！？\s]{0,3}$"
)
# The seller describing itself ('我们是厂家授权的经销商'): a channel word after it is no origin.
_ZH_SELF = re.compile(r"(?:我们|我们公司|我司|本公司)(?:是|就是|作为)[^，。！？\s]{0,8}$")
# the rep's first message apologising for reaching out unasked ('冒昧加您', '冒昧联系')
_ZH_UNSOLICITED = re.compile(r"冒昧(?:地)?(?:加|联系|打扰|找|添加)")
# The seller's unsolicited first approach, said in the seller's opening turn ('I sent you an
# email last week about our ...', 'I'm reaching out because ...').
_UNSOLICITED = re.compile(
    r"\bI(?:'ve|\s+have)?\s+(?:sent\s+you\s+an?\s+(?:e-?mail|message|note)|e-?mailed\s+you|written\s+to\s+you|"
    r"wrote\s+to\s+you)\b|\bI'?m\s+reaching\s+out\s+because\b"
    # a switchboard opener: asking for whoever looks after something
    r"|\b(?:could|can|may)\s+I\s+speak\s+(?:to|with)\s+(?:whoever|someone\s+who|the\s+person\s+who)\s+"
    r"(?:looks\s+after|handles|is\s+in\s+charge\s+of|is\s+responsible\s+for|runs)\b",
    re.I,
)


class ChannelRules:
    """Finds the channel cue of highest precedence, preferring how the lead first arrived."""

    def __init__(self, lex: Lexicon) -> None:
        self.cues = {ch: lex.pattern("channels", ch.value) for ch in PRIORITY}
        # a billboard, a magazine, the TV: advertising, but not online ('other'), ahead of the
        # online channels that the bare word 广告 would otherwise name
        self.offline_media = lex.pattern("channels", "offline_media")
        # an ad placed on a social platform ('抖音信息流广告') is online advertising, read before the
        # platform's own name would make it social media
        platform_ads = lex.pattern("channels", "platform_ads")
        self.ranked: tuple[tuple[Channel, re.Pattern[str]], ...] = tuple(
            pair
            for ch in PRIORITY
            for pair in (
                (
                    (Channel.OTHER, self.offline_media),
                    (Channel.ONLINE_ADS, platform_ads),
                    (ch, self.cues[ch]),
                )
                if ch is Channel.SOCIAL_MEDIA
                else ((ch, self.cues[ch]),)
            )
        )
        self.any_cue = re.compile(
            "|".join(f"(?:{p.pattern})" for ch, p in self.cues.items() if ch is not Channel.OTHER),
            re.IGNORECASE,
        )
        self.arrival = lex.pattern("channels", "arrival")
        self.later = lex.pattern("channels", "later")
        # where they came to know us, when the source is none of the listed channels
        self.unnamed_origin = lex.pattern("channels", "unnamed_origin")

    def find(self, doc: Doc) -> tuple[Channel, Evidence] | None:
        """The channel the input names, with the cue as evidence.

        Rank of a cue: one that sits in a clause saying how the lead arrived ('打我们四零零热线进来的',
        'came in through a Google ad') beats one that does not (a renewal mentioned later); a cue
        marked as a later contact path ('connected on LinkedIn after that') comes last; within a
        rank, PRIORITY decides.
        """
        best: tuple[int, int, Channel, int, int] | None = None
        units = doc.clauses if doc.lang == "zh" else doc.sentences
        for order, (channel, pattern) in enumerate(self.ranked):
            for seg in doc.interaction.segments:
                for m in pattern.finditer(seg.text):
                    start, end = seg.offset + m.start(), seg.offset + m.end()
                    rank = self._rank(doc, units, start, end)
                    if rank is None:
                        continue
                    if best is None or (rank, order) < (best[0], best[1]):
                        best = (rank, order, channel, start, end)
                    break  # the first cue of a channel in a segment is enough
        if doc.lang == "en":
            for channel, start, end in self._origin_statements(doc):
                order = PRIORITY.index(channel)
                if best is None or (0, order) < (best[0], best[1]):
                    best = (0, order, channel, start, end)
        if best is None:
            return self._unsolicited_opening(doc) or self._unnamed_origin(doc)
        return best[2], doc.evidence(best[3], best[4])

    def _unnamed_origin(self, doc: Doc) -> tuple[Channel, Evidence] | None:
        """`other` when nothing else names the origin but the input says where the customer came
        to know us ('他们是在行业协会的群里听说我们的', 'I read about you in an industry white paper'):
        a source, but of none of the listed channels."""
        for seg in doc.interaction.segments:
            m = self.unnamed_origin.search(seg.text)
            if m is not None:
                return Channel.OTHER, doc.evidence(seg.offset + m.start(), seg.offset + m.end())
        return None

    def _origin_statements(self, doc: Doc) -> list[tuple[Channel, int, int]]:
        """Statements whose structure says how the lead came in: a third party passing the seller
        on (referral, or partner when the third party is a distributor or partner), meeting at a
        named event (trade show). Read in the opening turns only, where a conversation says how it
        began."""
        out: list[tuple[Channel, int, int]] = []
        for seg in doc.interaction.segments[:_OPENING_TURNS]:
            for channel, frames in (
                (Channel.REFERRAL, _REFERRAL_FRAMES),
                (Channel.TRADE_SHOW, _TRADE_SHOW_FRAMES),
            ):
                for frame in frames:
                    m = frame.search(seg.text)
                    if m is None:
                        continue
                    sentence = next(
                        (u for u in doc.sentences if u.start <= seg.offset + m.start() < u.end), None
                    )
                    if (
                        channel is Channel.REFERRAL
                        and sentence is not None
                        and self.cues[Channel.PARTNER].search(sentence.text)
                    ):
                        channel = Channel.PARTNER  # the one passing the seller on is a partner
                    out.append((channel, seg.offset + m.start(), seg.offset + m.end()))
                    break
        return out

    @staticmethod
    def _unsolicited_opening(doc: Doc) -> tuple[Channel, Evidence] | None:
        """Cold outreach when nothing else names the origin: the seller opens the conversation by
        saying they approached the customer unasked."""
        segs = doc.interaction.segments
        if not segs or segs[0].speaker is not Speaker.REP:
            return None
        m = (_UNSOLICITED if doc.lang == "en" else _ZH_UNSOLICITED).search(segs[0].text)
        if m is None:
            return None
        return Channel.COLD_OUTREACH, doc.evidence(segs[0].offset + m.start(), segs[0].offset + m.end())

    def _rank(self, doc: Doc, units: tuple[Clause, ...], start: int, end: int) -> int | None:
        """0 for a cue in an arrival statement, 1 for a plain mention, 2 for a later contact path
        or a future activity; None for a competitor's channel or a hypothetical one."""
        text = doc.text
        unit = next((u for u in units if u.start <= start < u.end), None)
        if (
            unit is not None
            and doc.lang == "en"
            and (_COMPARISON.search(unit.text) or _HYPOTHETICAL.search(text[unit.start : start]))
        ):
            return None
        around = text[max(0, start - _LATER_WINDOW) : start] + " " + text[end : end + _LATER_WINDOW]
        if self.later.search(around):
            return 2
        if unit is None:
            return 1
        if self.arrival.search(unit.text):
            return 0
        if doc.lang == "en" and _FUTURE.search(unit.text):
            return 2
        if doc.lang == "zh" and _ZH_NOT_ORIGIN.search(text[unit.start : start]):
            return 2
        if (
            doc.lang == "zh"
            and unit.speaker is not Speaker.CUSTOMER
            and _ZH_SELF.search(text[unit.start : start])
        ):
            return None  # '我们是厂家授权的经销商': the seller describing itself
        return 1
