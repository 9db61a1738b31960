"""Source channel: how the lead first came in, from cue words with a fixed precedence."""

from __future__ import annotations

import re

from copilot.domain import Channel, Evidence
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Doc

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


class ChannelRules:
    """Finds the channel cue of highest precedence."""

    def __init__(self, lex: Lexicon) -> None:
        self.cues = {ch: lex.pattern("channels", ch.value) for ch in PRIORITY}
        self.any_cue = re.compile(
            "|".join(f"(?:{p.pattern})" for ch, p in self.cues.items() if ch is not Channel.OTHER),
            re.IGNORECASE,
        )

    def find(self, doc: Doc) -> tuple[Channel, Evidence] | None:
        """The channel the input names, with the cue as evidence."""
        for channel in PRIORITY:
            pattern = self.cues[channel]
            for seg in doc.interaction.segments:
                m = pattern.search(seg.text)
                if m:
                    return channel, doc.evidence(seg.offset + m.start(), seg.offset + m.end())
        return None
