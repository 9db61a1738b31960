"""Deal stage after the interaction: outcomes first, then the furthest-along supported stage."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from copilot.domain import CustomerContext, Evidence, InputKind, Speaker, Stage
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc, mask_inner_dots, pain_story_segments


@dataclass(frozen=True)
class StageResult:
    stage: Stage
    evidence: Evidence | None
    provenance: str | None = None  # "crm" when the stage is the CRM's current stage


# a signing by someone else: "跟另一家签了", "went with another vendor"
_THIRD_PARTY = re.compile(
    r"(?:跟|和|与)(?:一家|另一家|另外一家|别家|其他|别的)|竞品|竞争对手"
    r"|\b(?:with|to) (?:another|a different|a competing|the other) (?:vendor|supplier|provider|company)\b",
    re.IGNORECASE,
)
# A proposal planned only after a pre-sale step ('do a site survey on Thursday, then we prepare the
# proposal', 'visit next week to measure, and a quote after that'): the deal is still at the
# step before the proposal. The step comes first in the sentence, a sequencing word links the two.
_PRESALE_STEP = (
    r"\b(?:visit\w*|survey\w*|demo\w*|workshop|inspection|tests?|testing|trials?|samples?|sampling|"
    r"layout|audit|assessment|measur\w+|scans?)\b"
)
_ZH_STEP = re.compile(
    r"现场|走一遍|走一趟|看看|看一下|勘|测试|测绘|调研|考察|摸底|演示|试用|打样|样品|交流|对一下|碰一下|拜访|参观|开个会|聊一下"
)
_ZH_THEN = re.compile(r"(?:再|然后|之后|以后|完了)[^，。！？]{0,4}$")
_STEP_THEN = re.compile(_PRESALE_STEP + r"[^.?!]{0,80}\b(?:then|after that|afterwards)\b[^.?!]{0,40}$", re.I)
_AFTER_STEP = re.compile(r"^[^.?!]{0,20}\b(?:after that|afterwards|after (?:the|our|that) \w+)\b", re.I)
_HAS_STEP = re.compile(_PRESALE_STEP, re.I)
# a lost cue put as the alternative to our offer ('再降两个点 否则就不签了')
_THREAT = re.compile(r"(?:不然|否则|要不然)(?:的话)?(?:就|我们就)?$")
# an interest stated as a condition, not confirmed: "有兴趣的话", "他有兴趣会联系你"
_CONDITIONAL_AFTER = re.compile(r"^(?:的话|可以来|会联系|再联系|就来)")
# A bare "盖好了 / 签完了" says a stamp or a signature only where a deal document is being talked
# about; answering "二期仓库盖好了吧？" it is a building finished.
_BARE_DONE = re.compile(r"^(?:\[图片\]|\[文件\])?\s*(?:都|已经|已)?(?:盖|签)(?:好|完)了$")
_DEAL_DOCUMENT = re.compile(r"合同|协议|确认书|订单|采购单|\bPO\b|盖章|公章|章")
_BARE_CONTEXT = 80
# a lost cue as the consequence of a condition ('超了他就不做了', '要是下不来就算了')
_IF_THEN = re.compile(
    r"(?:如果|要是|假如|万一|超了|超过了?|达不到|做不到|下不来)[^，。！？]{0,8}?(?:他们|他|她|我们)?就$"
)
# a price stated: '680 rmb/set', '¥3.2万', '每台十二万', 'USD 40k'
_PRICE = re.compile(
    r"(?:[¥$€£]|\b(?:RMB|USD|EUR|CNY)\s?)\d|\d(?:[\d,.]*)\s?(?:k\b|万|元|块|rmb|yuan|usd|dollars?|euros?)"
    r"|[一二两三四五六七八九十百千]+(?:万|块钱|元)",
    re.IGNORECASE,
)
# a signing with a party other than us: '已经跟海康的代理签了', '和别人合作了'
_ZH_SIGNED_WITH = re.compile(
    r"(?:已经|已)(?:定了|决定|选择了?)?(?:跟|和|与)(?!我们|咱们|你们|您|我|贵司)[^，。！？\s]{1,14}?"
    r"(?:签了|签约了|签合同了|签下来了|合作了|合作$)"
)
_BUDGET = re.compile(r"预算|budget", re.IGNORECASE)
# the energy-service business model (合同能源管理, EMC) is a way to finance a project, not a contract
# and a proposal or a quote naming a role is a person or a team ('方案顾问', '报价专员'), not an offer
_MODEL_TERMS = re.compile(
    r"合同能源管理|(?:方案|报价)(?:顾问|经理|工程师|专员|专家|架构师|团队|总监|部门|部(?![分署]))"
)


def _after_presale_step(doc: Doc, clause: Clause, m: re.Match[str]) -> bool:
    """Whether a proposal cue is sequenced after a pre-sale step in its sentence."""
    start, end = clause.start + m.start(), clause.start + m.end()
    sentence = next((u for u in doc.sentences if u.start <= start < u.end), None)
    if sentence is None:
        return False
    before = doc.text[sentence.start : start]
    if doc.lang != "en":
        # '先到厂里把装置区走一遍，看看点位，再给您出方案': the step first, the proposal after it
        before = re.split(r"[。！？]", before)[-1]
        then = _ZH_THEN.search(before)
        return then is not None and bool(_ZH_STEP.search(before[: then.start()]))
    after = doc.text[end : sentence.end]
    return bool(_STEP_THEN.search(before)) or bool(_HAS_STEP.search(before) and _AFTER_STEP.search(after))


def _bare_without_document(doc: Doc, clause: Clause, m: re.Match[str]) -> bool:
    """Whether a bare 'done' (盖好了) has no deal document in the clause or just before it."""
    if not _BARE_DONE.match(m.group(0).strip()):
        return False
    start = clause.start + m.start()
    context = doc.text[max(0, start - _BARE_CONTEXT) : start] + clause.text
    return not _DEAL_DOCUMENT.search(context)


# degree and time adverbs between a blocker and its cue ("not really looking at", "还没怎么考虑"):
# dropped from the end of the text before the blocker is compared
_ADVERB_TAIL = re.compile(
    r"(?:\s+(?:really|actually|currently|quite|exactly|yet|even|too|very|so|that|right now|at the moment))+"
    r"\s*$"
    r"|(?:太|怎么|真的|真|很|特别|那么|这么)+$",
    re.IGNORECASE,
)


# an English deal document said to be done, however many words name it ("the PO for the gauges and
# transmitters is signed")
_EN_DOCUMENT_DONE = re.compile(
    r"\b(?:PO|purchase order|order|contract|agreement|SOW|renewal|paperwork)s?\b"
    r"(?:(?!\b(?:once|when|after|if|until|before|unless|will|would|should|need|needs|to be|not|yet)\b)"
    r"[^.?!\n]){0,60}?"
    r"\b(?:is|was|has been|have been|got|were|are|'s)\s+(?:now\s+|just\s+|finally\s+|all\s+|fully\s+)?"
    r"(?:signed|countersigned|placed|issued|executed|stamped)\b",
    re.IGNORECASE,
)
_EN_CONDITION_BEFORE = re.compile(
    r"\b(?:once|when|after|if|until|before|unless|as soon as|wait(?:ing)? for|hope|expect)\b[^.?!]{0,12}$",
    re.IGNORECASE,
)


# the customer's regret beside a decision or someone else ('不好意思啊，我们决定…', 'unfortunately the
# board went with another supplier'): how a customer tells a seller the deal is gone
_REGRET = re.compile(
    r"(?:不好意思|抱歉|对不住)(?![^，。！？]{0,6}(?:回复晚|回晚|久等|打扰|晚回|没回|刚看到))|白忙"
    r"|\b(?:sorry|apologi[sz]e|apologies)\b(?!\s+(?:for|about)\s+(?:the\s+|my\s+|our\s+)?"
    r"(?:late|delay|slow|wait|bother|interrupt|missing))|\bunfortunately\b|\bregret\b",
    re.I,
)
_DECIDED_ELSEWHERE = re.compile(
    r"决定|定了|选了|拍板|另一家|别家|其他家|别的供应商|已经给"
    r"|\bdecided\b|\bchose\b|\bwent with\b|\bgone with\b|\bgoing with\b"
    r"|\banother (?:supplier|vendor|provider|company|firm)\b|\bcame (?:second|third|last)\b"
    r"|\bexclusive\b|\bcancel(?:led|ed)?\b",
    re.I,
)

# ... unless the decision only puts the deal off ('decided to postpone ... Sorry')
_PUT_OFF = re.compile(
    r"推迟|暂缓|延后|延期|明年|放一放|先放|以后再"
    r"|\bpostpon\w*|\bdelay\w*|\bon hold\b|\bpause\w*|\bnext year\b|\blater\b|\bfor now\b",
    re.I,
)


def _conditioned(clause: Clause, m: re.Match[str]) -> bool:
    """Whether an English cue sits under a condition said a few words before ('once the PO is signed')."""
    return bool(_EN_CONDITION_BEFORE.search(clause.text[: m.start()]))


def _blocked(before: str, blockers: tuple[str, ...]) -> bool:
    # wide enough for English blockers ("not sure", "going to"); only the ending is compared
    trimmed = _ADVERB_TAIL.sub("", before.rstrip())
    tail = trimmed[-24:].lower() if trimmed.strip() else ""
    return any(tail.endswith(b.strip().lower()) for b in blockers if b.strip())


class StageRules:
    """Stage cues with blockers (negation, condition, deferral) and precedence."""

    def __init__(self, lex: Lexicon) -> None:
        def cat(name: str) -> re.Pattern[str]:
            return lex.pattern("stages", name)

        self.won, self.lost, self.negotiation = cat("won"), cat("lost"), cat("negotiation")
        # events that only follow a sale: an invoice issued, goods shipped, a transfer received
        self.won_fulfilment = cat("won_fulfilment")
        self.proposal, self.intent_strong, self.intent_weak = (
            cat("proposal"),
            cat("intent_strong"),
            cat("intent_weak"),
        )
        self.no_need = cat("no_need")
        # a deferral with no word on the need ('到时候再说') marks a lead only when nothing else does
        self.no_need_soft = cat("no_need_soft")
        self.pain = lex.pattern("pain", "cues")
        entries = lex.entries["stages"]
        self.won_blockers = tuple(entries["won_blockers"])
        self.proposal_blockers = tuple(entries["proposal_blockers"])
        self.intent_blockers = tuple(entries["intent_blockers"])
        self.softeners = tuple(entries["softeners"])

    def _first(
        self,
        doc: Doc,
        pattern: re.Pattern[str],
        *,
        blockers: tuple[str, ...] = (),
        skip_questions: bool = False,
        customer_only: bool = False,
        skip_segments: frozenset[int] = frozenset(),
        skip_conditional: bool = False,
        reject: Callable[[Clause, re.Match[str]], bool] | None = None,
    ) -> tuple[Clause, re.Match[str]] | None:
        for clause in doc.clauses:
            if skip_questions and clause.is_question:
                continue
            if clause.seg in skip_segments:
                continue
            if (
                customer_only
                and doc.kind is not InputKind.DICTATION
                and clause.speaker is not Speaker.CUSTOMER
            ):
                continue
            text = _MODEL_TERMS.sub(lambda t: "\u00b7" * len(t.group(0)), mask_inner_dots(clause.text))
            for m in pattern.finditer(text):
                if blockers and _blocked(clause.text[: m.start()], blockers):
                    continue
                if skip_conditional and _CONDITIONAL_AFTER.match(clause.text[m.end() :].lstrip()):
                    continue
                if reject is not None and reject(clause, m):
                    continue
                return clause, m
        return None

    def _lost(self, doc: Doc) -> tuple[Clause, re.Match[str], bool] | None:
        """The first firm lost cue, else the first softened one ('暂时不考虑' is a mere 'no need yet').

        A softened cue does not hide a firm one later on: in '今年的投资全冻结了 项目直接取消了'
        the project is cancelled, whatever '今年' says about the freeze.
        """
        softened: tuple[Clause, re.Match[str], bool] | None = None
        for clause in doc.clauses:
            if clause.is_question:
                continue
            for m in self.lost.finditer(mask_inner_dots(clause.text)):
                if _THREAT.search(clause.text[max(0, m.start() - 8) : m.start()]):
                    continue  # '九折 不然就不考虑了': a condition put to us, not a decision
                if _IF_THEN.search(clause.text[: m.start()]):
                    continue  # '超了他就不做了', '如果价格下不来就不考虑了': only if the condition holds
                before = clause.text[max(0, m.start() - 4) : m.start()]
                if not any(s in before for s in self.softeners):
                    return clause, m, False
                if softened is None:
                    softened = (clause, m, True)
        return softened

    def infer(self, doc: Doc, customer: CustomerContext, *, engaged: Evidence | None = None) -> StageResult:
        """The stage after this interaction, with the cue that decided it.

        `engaged` is where the customer stated a need of theirs in an interaction that agreed a next
        step: with no cue of any stage, that is an intent rather than a bare lead."""

        def ev(found: tuple[Clause, re.Match[str]]) -> Evidence:
            clause, m = found
            return doc.evidence(clause.start + m.start(), clause.start + m.end())

        lost = self._lost(doc)
        if lost is not None and not lost[2]:
            return StageResult(Stage.LOST, ev((lost[0], lost[1])))
        signed_elsewhere = self._signed_elsewhere(doc)
        if signed_elsewhere is not None:
            return StageResult(Stage.LOST, ev(signed_elsewhere))
        found = self._first(
            doc,
            self.won,
            blockers=self.won_blockers,
            skip_questions=True,
            reject=lambda clause, m: _bare_without_document(doc, clause, m) or _conditioned(clause, m),
        )
        if found:
            clause, m = found
            if _THIRD_PARTY.search(clause.text[: m.start()]):  # someone else signed: the deal is lost
                return StageResult(Stage.LOST, ev(found))
            return StageResult(Stage.WON, ev(found))
        found = self._first(doc, self.won_fulfilment, blockers=self.won_blockers, skip_questions=True)
        if found:
            return StageResult(Stage.WON, ev(found))
        found = self._first(
            doc,
            _EN_DOCUMENT_DONE,
            blockers=self.won_blockers,
            skip_questions=True,
            reject=_conditioned,
        )
        if found:
            return StageResult(Stage.WON, ev(found))
        regretted = self._regretted(doc)
        if regretted is not None:
            return StageResult(Stage.LOST, ev(regretted))
        if lost is not None and self._progressed(doc, customer):
            # softened ("今年先不做了"), but the deal had got past a lead (a need, a proposal or terms
            # here, an open deal past the lead stage in the CRM, or a customer known before today):
            # the customer declined
            return StageResult(Stage.LOST, ev((lost[0], lost[1])))
        # '被客户罚了违约金' in the customer's story of their own problems negotiates nothing
        stories = frozenset(pain_story_segments(doc, self.pain))
        found = self._first(
            doc,
            self.negotiation,
            skip_segments=stories,
            reject=lambda clause, m: self._enquiry_without_offer(doc, clause, customer),
        )
        if found:
            return StageResult(Stage.NEGOTIATION, ev(found))
        found = self._first(
            doc,
            self.proposal,
            blockers=self.proposal_blockers,
            reject=lambda clause, m: _after_presale_step(doc, clause, m),
        )
        if found:
            return StageResult(Stage.PROPOSAL, ev(found))
        # a proposal planned after a survey, demo or test: the customer agreed to that step
        found = self._first(doc, self.proposal, blockers=self.proposal_blockers)
        if found:
            return self._floor(StageResult(Stage.INTENT, ev(found)), customer)
        # the customer saying they have no need yet outweighs asking for material or showing interest
        # ('not really looking at anything ... send me something'); a mere deferral ('到时候再说') does not
        no_need = self._first(doc, self.no_need, skip_questions=True, customer_only=True)
        if no_need:
            return self._floor(StageResult(Stage.LEAD, ev(no_need)), customer)
        found = self._intent(doc)
        if found:
            return self._floor(StageResult(Stage.INTENT, ev(found)), customer)
        if lost is not None:  # softened on a fresh lead: "暂时不考虑了" is a lead with no need yet
            return StageResult(Stage.LEAD, ev((lost[0], lost[1])))
        found = self._first(doc, self.no_need_soft, skip_questions=True, customer_only=True)
        if found:
            return StageResult(Stage.LEAD, ev(found))
        found = self._first(doc, self.intent_weak, blockers=self.intent_blockers)
        if found:
            return self._floor(StageResult(Stage.INTENT, ev(found)), customer)
        if engaged is not None:
            return self._floor(StageResult(Stage.INTENT, engaged), customer)
        if customer.current_stage is not None:
            return StageResult(customer.current_stage, None, "crm")
        first = doc.clauses[0] if doc.clauses else None
        return StageResult(Stage.LEAD, doc.evidence(first.start, first.end) if first else None)

    @staticmethod
    def _regretted(doc: Doc) -> tuple[Clause, re.Match[str]] | None:
        """The customer's regret said beside a decision or another party, in one turn and within two
        clauses of it ('不好意思啊，我们老板亲戚也做这个，已经给他做了'), unless the turn only puts the deal
        off; a courtesy ('sorry for the late reply') is no regret."""
        for _, clauses in groupby(doc.clauses, key=lambda c: c.seg):
            turn = [c for c in clauses if not c.is_question]
            if not turn or (doc.kind is not InputKind.DICTATION and turn[0].speaker is not Speaker.CUSTOMER):
                continue
            found = next(((c, m) for c in turn if (m := _REGRET.search(c.text))), None)
            if found is None or any(_PUT_OFF.search(c.text) for c in turn):
                continue
            regret = found[0]
            if any(_DECIDED_ELSEWHERE.search(c.text) for c in turn if abs(c.index - regret.index) <= 2):
                return found
        return None

    @staticmethod
    def _signed_elsewhere(doc: Doc) -> tuple[Clause, re.Match[str]] | None:
        """The customer's side saying they signed with someone named ('对方说已经跟海康的代理签了'):
        said by the customer in a chat or call, or reported ('说') in a dictation."""
        for clause in doc.clauses:
            if clause.is_question:
                continue
            m = _ZH_SIGNED_WITH.search(clause.text)
            if m is None:
                continue
            if doc.kind is InputKind.DICTATION:
                if "说" not in clause.text[: m.start()]:
                    continue
            elif clause.speaker is not Speaker.CUSTOMER:
                continue
            return clause, m
        return None

    def _enquiry_without_offer(self, doc: Doc, clause: Clause, customer: CustomerContext) -> bool:
        """Whether a haggling cue is only asked ('有没有折扣？', 'any discount?') with no offer on the table.

        Terms are negotiated over an offer: a quote or proposal made before the question, or a deal
        the CRM already has at proposal or later. Before that, asking about a discount is an enquiry."""
        if not clause.is_question or _PRICE.search(clause.text):
            return False  # a counter-offer ('can do 620?') answers a price already given
        current = customer.current_stage
        if current is not None and current.rank >= Stage.PROPOSAL.rank:
            return False
        return not any(self._offer_in(doc, earlier) for earlier in doc.clauses[: clause.index])

    def _offer_in(self, doc: Doc, clause: Clause) -> bool:
        """Whether a clause puts an offer on the table: a proposal or quote, or our price."""
        if self._price_given(doc, clause):
            return True
        m = self.proposal.search(clause.text)
        return m is not None and not _blocked(clause.text[: m.start()], self.proposal_blockers)

    @staticmethod
    def _price_given(doc: Doc, clause: Clause) -> bool:
        """Whether a clause gives our price: an amount said by the rep, not the customer's budget."""
        if not _PRICE.search(clause.text) or _BUDGET.search(clause.text):
            return False
        return doc.kind is InputKind.DICTATION or clause.speaker is Speaker.REP

    def _intent(self, doc: Doc) -> tuple[Clause, re.Match[str]] | None:
        return self._first(
            doc,
            self.intent_strong,
            blockers=self.intent_blockers,
            skip_questions=True,
            customer_only=True,  # the rep's "您有兴趣的话" confirms nothing
            skip_conditional=True,
        )

    def _progressed(self, doc: Doc, customer: CustomerContext) -> bool:
        current = customer.current_stage
        if current is not None and current.is_open and current.rank > Stage.LEAD.rank:
            return True
        # a customer the CRM already knew before today is no fresh lead: their soft no is a decline
        first = customer.known_first_contact_date
        if first is not None and first < doc.interaction.reference_time.date():
            return True
        stories = frozenset(pain_story_segments(doc, self.pain))
        return bool(
            self._first(doc, self.negotiation, skip_segments=stories)
            or self._first(doc, self.proposal, blockers=self.proposal_blockers)
            or self._intent(doc)
        )

    def support(self, doc: Doc, stage: Stage) -> tuple[Evidence, ...]:
        """Every cue in the input for a stage (the summary favours these clauses)."""
        patterns = {
            Stage.WON: (self.won,),
            Stage.LOST: (self.lost,),
            Stage.NEGOTIATION: (self.negotiation,),
            Stage.PROPOSAL: (self.proposal,),
            Stage.INTENT: (self.intent_strong, self.intent_weak),
            Stage.LEAD: (self.no_need, self.no_need_soft, self.lost),
        }[stage]
        out: list[Evidence] = []
        for clause in doc.clauses:
            for pattern in patterns:
                for m in pattern.finditer(clause.text):
                    out.append(doc.evidence(clause.start + m.start(), clause.start + m.end()))
        return tuple(out)

    @staticmethod
    def _floor(result: StageResult, customer: CustomerContext) -> StageResult:
        """Weak evidence never moves an open deal backwards from what the CRM already knows."""
        current = customer.current_stage
        if current is not None and current.is_open and current.rank > result.stage.rank:
            return StageResult(current, result.evidence, "crm")
        return result
