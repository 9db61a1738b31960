"""Stage: the middle of the funnel read as classes of wording, checked on corpora written blind from
FORMAT.md (`evaluators/data/cues/stage-3.jsonl` to write them, `stage-2.jsonl` to check them).

Negotiation: the price pushed against (再降一降, 批不下来, 底价, 特价), a term being moved (运费…包了,
质保…改成, 交期…压到), the contract in review (合同…走审批, 修订版合同, 合同第八条), a signing being
arranged (签约时间, 约了…签合同); in English, best and final, price talks, splitting freight, a clause
argued, the contract with their legal, a signing scheduled. Proposal: a version being made or revised
(再出一版, 出初稿, 补一份…方案), a bid or tender response (投标文件, 响应文件), the quote or solution
being worked, passed on or weighed; in English, a draft or revised SOW or proposal, a response
submitted, options prepared. Intent: the customer asking for samples or a visit, a capability asked
about for their own case, a quantity given, the need passed up or required; in English, interest
stated with a contraction ("they're interested"), an introduction or technical session asked for,
samples of a size, a count of units needed. The sentences are this file's own; without the change
every case reads as lead. The look-alikes are the kinds the first version took wrongly on open sets:
a price merely called high after a quote (proposal in these writers' labels), the rep checking a
delivery date, the rep coming over, a numbered item that is no contract clause."""

from __future__ import annotations

import pytest

from copilot.domain import Stage
from tests.extraction.builders import dictation, extract


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("客户说这个价他们批不下来 让我们再降一降", Stage.NEGOTIATION),
        ("对方问运费能不能你们包了 量挺大的", Stage.NEGOTIATION),
        ("客户希望尾款从三成压到一成", Stage.NEGOTIATION),
        ("合同在他们那边走审批 法务还在看", Stage.NEGOTIATION),
        ("签约时间还没定 大概下旬", Stage.NEGOTIATION),
        ("Pushed for best and final before their board meets.", Stage.NEGOTIATION),
        ("We offered to split freight, they want us to absorb the duties too.", Stage.NEGOTIATION),
        ("The contract is with their legal for review.", Stage.NEGOTIATION),
        ("客户让我们把配置调低 再出一版", Stage.PROPOSAL),
        ("投标文件这周做完 下周一去递交", Stage.PROPOSAL),
        ("客户在评估我们和另一家的方案", Stage.PROPOSAL),
        ("Their team is reviewing our draft SOW.", Stage.PROPOSAL),
        ("对方让我们寄一些样品 他们要做耐候测试", Stage.INTENT),
        ("他们厂大概六十个点位 想今年弄好", Stage.INTENT),
        ("They're interested, asked for a technical session with their engineers.", Stage.INTENT),
    ],
)
def test_middle_stage_classes(text: str, stage: Stage) -> None:
    assert extract(dictation(text)).stage is stage


@pytest.mark.parametrize(
    ("text", "not_stage"),
    [
        ("报价发过去了 客户说价格比另一家高了", Stage.NEGOTIATION),
        ("交期我跟工厂确认一下能不能提前", Stage.NEGOTIATION),
        ("我下周过来一趟 先认识一下", Stage.INTENT),
        ("他们第三条产线明年才建", Stage.NEGOTIATION),
    ],
)
def test_middle_stage_look_alikes(text: str, not_stage: Stage) -> None:
    assert extract(dictation(text)).stage is not not_stage
