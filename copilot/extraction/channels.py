"""Source channel: how the lead first came in, from cue words with a fixed precedence."""

from __future__ import annotations

import re

from copilot.domain import Channel, Evidence
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
# How far around a cue a 'later' marker ('connected on LinkedIn after that') demotes it.
_LATER_WINDOW = 16


class ChannelRules:
    """Finds the channel cue of highest precedence, preferring how the lead first arrived."""

    def __init__(self, lex: Lexicon) -> None:
        self.cues = {ch: lex.pattern("channels", ch.value) for ch in PRIORITY}
        # a billboard, a magazine, the TV: advertising, but not online ('other'), ahead of the
        # online channels that the bare word 广告 would otherwise name
        self.offline_media = lex.pattern("channels", "offline_media")
        self.ranked: tuple[tuple[Channel, re.Pattern[str]], ...] = tuple(
            pair
            for ch in PRIORITY
            for pair in (
                ((Channel.OTHER, self.offline_media), (ch, self.cues[ch]))
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
                    if best is None or (rank, order) < (best[0], best[1]):
                        best = (rank, order, channel, start, end)
                    break  # the first cue of a channel in a segment is enough
        if best is None:
            return None
        return best[2], doc.evidence(best[3], best[4])

    def _rank(self, doc: Doc, units: tuple[Clause, ...], start: int, end: int) -> int:
        text = doc.text
        around = text[max(0, start - _LATER_WINDOW) : start] + " " + text[end : end + _LATER_WINDOW]
        if self.later.search(around):
            return 2
        for unit in units:
            if unit.start <= start < unit.end:
                return 0 if self.arrival.search(unit.text) else 1
        return 1
