"""Channel: how a lead began, said in passing late in a conversation. Thanks to the person who
introduced us (多亏…介绍) or that person named as having recommended us (当初推荐你们) is a referral;
the visits we first paid unasked (当初…上门来跑) are cold outreach; LinkedIn by its Chinese name (领英)
is social media; a rep's first message apologising for reaching out (冒昧加您) is cold outreach only
when nothing else names the origin (a partner's recommendation beside it wins). The wording is this
file's own. Without the change, every case but the partner one has no channel."""

from __future__ import annotations

import pytest

from copilot.domain import Channel
from tests.extraction.builders import chat, extract


@pytest.mark.parametrize(
    ("interaction", "channel"),
    [
        (
            chat(("customer", "合同盖好章了"), ("rep", "谢谢！当初全靠周总介绍，后面安装我们来安排")),
            Channel.REFERRAL,
        ),
        (chat(("customer", "这事我得跟院长汇报，李主任当初推荐你们也是看中服务")), Channel.REFERRAL),
        (chat(("customer", "集团定了别家，你们当初上门跑了好几趟，不好意思")), Channel.COLD_OUTREACH),
        (
            chat(("rep", "刘总您好，我是之前在领英上跟您打过招呼的小陈"), ("customer", "你好")),
            Channel.SOCIAL_MEDIA,
        ),
        (chat(("rep", "冒昧加您微信，我们的代理商老钱推荐的，说您想试试我们的样品")), Channel.PARTNER),
        (
            chat(("rep", "王工您好，冒昧加您，我是做船用救生设备的小葛"), ("customer", "你好")),
            Channel.COLD_OUTREACH,
        ),
    ],
)
def test_origin_said_in_passing(interaction: object, channel: Channel) -> None:
    assert extract(interaction).source_channel is channel  # type: ignore[arg-type]
