"""The offline parser's vocabulary: how managers say each part of a plan, in Chinese and English.

Patterns match the normalised question (NFKC, lower case, Chinese numerals as digits). They name
concepts of the plan schema and the domain's synonyms (商机/单子/项目, 没跟进/没动静/没联系,
stuck/stalled/sitting), never a particular question.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), _I)


# -- the entity a question is about ------------------------------------------------------------
ENTITY_WORDS: dict[str, re.Pattern[str]] = {
    "rep": rx(
        r"销售(?:人员|员|代表|同事|们)?(?!额|线索|阶段|机会|跟进|漏斗|金额)",
        r"业务员|客户经理(?!.{0,2}参与)|业务代表|销售经理",
        r"\breps?\b|sales ?(?:people|persons?|reps?|staff|team members?)|salespeople|salesperson|\bsellers?\b",
        r"account executives?|\baes?\b|\bowners?\b",
    ),
    "customer": rx(
        r"客户(?!经理|预算|方|的?(?:决策人|预算|联系人))|客户公司|甲方|(?<![一二三四五六七八九十\d])家(?:客户|公司)?(?![庭里])",
        r"\baccounts?\b|\bcustomers?\b|\bclients?\b|\bcompan(?:y|ies)\b|\blogos?\b",
    ),
    "deal": rx(
        r"商机|单子|(?<![订报])单(?!价|位|据)|项目|订单|机会|生意|盘子",
        r"\bdeals?\b|\bopportunit(?:y|ies)\b|\bopps?\b|\bpipeline\b",
    ),
    "activity": rx(
        r"活动(?:记录)?|跟进记录|沟通记录|互动|触达|拜访(?:记录|次数)?|电话|通话|会议|邮件",
        r"\bactivit(?:y|ies)\b|\btouch(?:es|points?)?\b|\binteractions?\b|\bvisits?\b|\bcalls?\b|\bmeetings?\b|"
        r"\bemails?\b",
    ),
}

# -- what to compute -----------------------------------------------------------------------------
LIST_WORDS = rx(
    r"哪些|哪个|哪家|哪几|哪位|有哪|是哪|列出|列一下|名单|清单",
    r"\bwhich\b|\bwhat\b|\blist\b|\bshow\b|\bwho\b|\bname\b",
)
COUNT_WORDS = rx(
    r"多少(?:个|家|单|条|次|位|笔|项)|(?<!哪)几(?:个|家|单|条|次|位|笔|项)|数量|次数|条数|笔数|个数|家数|总数|多少(?=(?:商机|客户|活动|记录|拜访|电话|会议|项目|订单))",
    r"how many|number of|\bcount of\b|\bthe count\b|how often",
)
SUM_WORDS = rx(
    r"总额|总金额|合计|总共|加起来|一共|总计|总和|总值|多少钱|盘子|体量|规模|营收|业绩|成交额|签约额|销售额|(?<!平均)金额(?:是|有)?多少|值多少|多大",
    r"\btotal\b|\bsum\b|how much|\bcombined\b|\baggregate\b|value of|what(?:'s| is) .{0,40} worth|\bacv\b|\btcv\b|\bbookings\b|\brevenue\b",
)
AVG_WORDS = rx(r"平均|均值|均价|人均|单均", r"\baverage\b|\bmean\b|\bavg\b|\btypical\b")
MAX_WORDS = rx(
    r"最多|最高|最大|最长|最久|最贵|最晚|排名第一|第一名|排第一|排在第一|排在最前|排名最前",
    r"(?<!at )\bmost\b|\bhighest\b|\blargest\b|\bbiggest\b|\blongest\b|\bgreatest\b|\btop\b(?! of)",
)
MIN_WORDS = rx(
    r"最少|最低|最小|最短|最便宜|垫底|最早",
    r"(?<!at )\bleast\b|\bfewest\b|\blowest\b|\bsmallest\b|\bbottom\b",
)
TOP_N = rx(
    r"(?<![目之以提事面日年月从])前\s*(\d+)\s*(?:名|个|家|位|大|单|笔|条)(?![天日周月年小])|(?:最大|最高|最多|最小|最少|最早|最晚|最久)的\s*(\d+)\s*(?:个|家|位|单|笔|条|项)",
    r"\btop\s*(\d+|two|three|four|five|ten)\b|\b(\d+|two|three|four|five|ten)\s+(?:of\s+)?(?:\S+\s+){0,7}?(?:biggest|largest|highest|most|lowest|smallest)\b",
)
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
COMPARE_WORDS = rx(
    r"比(?:上|前|去)|相比|对比|环比|同比|比较|较(?:上|前)|比[^，,。？?]{0,12}(?:多|少|高|低)",
    r"compared (?:to|with)|\bversus\b|\bvs\.?\b|than (?:the )?(?:last|previous|prior|week before|month before)|than in the",
)
MORE_WORDS = rx(r"多了|增加|上升|多出|涨|比[^，,。？?]{0,12}(?:多|高)", r"\bmore\b|increase|\bup\b|\bgrew\b")
LESS_WORDS = rx(
    r"少了|减少|下降|降低|少于|跌|比[^，,。？?]{0,12}(?:少|低)",
    r"\bfewer\b|\bless\b|decrease|\bdown\b|\bdropped\b",
)
PRIORITISE = rx(
    r"优先(?:保|跟|投入|维护|照顾)|该保|保哪些|保住|重点保",
    r"prioriti[sz]e|\bprotect\b|\bkeep\b.{0,30}(?:customers|accounts)|which .{0,20}(?:to keep|to protect)",
)
CUT = rx(
    r"(?:砍|削减|缩减|减少|压缩|降低)(?:掉)?\s*(\d+(?:\.\d+)?)\s*%",
    r"(?:cut|reduc\w*|trim\w*|slash\w*)\D{0,30}?(\d+(?:\.\d+)?)\s*%",
)
TRAVEL = rx(r"差旅|出差|拜访预算|路费", r"\btravel\b|\btrips?\b|visit budget")

# -- stages ----------------------------------------------------------------------------------------
STAGES: dict[str, re.Pattern[str]] = {
    "lead": rx(r"线索", r"\bleads?\b(?! to)|\bprospect(?:s|ing)?\b"),
    "intent": rx(r"意向", r"\bintent\b|\binterest(?:ed)? stage\b|\bqualified\b"),
    "proposal": rx(
        r"方案(?!工程师|同事|负责人|团队|部|经理|支持)|报价阶段", r"\bproposals?\b|\bquot(?:e|ing) stage\b"
    ),
    "negotiation": rx(r"谈判|商务谈判|议价|谈价|砍价|压价|谈条款|谈合同|磨价格", r"\bnegotiat\w*"),
    "won": rx(
        r"赢单|已赢|赢了|赢下|成交|签约(?!流程)|签单|签下|拿下|中标|签了|落袋|搞定|拿单",
        r"\bwon\b|\bwins?\b|closed[- ]won|\bsigned\b|\bclosed\b(?! ?-?lost)",
    ),
    "lost": rx(
        r"丢单|丢了|输单|输了|输给|流失|黄了|没签成|丢掉|飞了|飞单",
        r"\blost\b|closed[- ]lost|\blosses\b|\blose\b",
    ),
}
AT_LEAST = rx(
    r"^\s*(?:阶段)?\s*(?:及|或)?(?:以上|以后|之后|往后|或更后|及更后|\+)",
    r"^\s*(?:stage)?\s*(?:\+|or later|or beyond|and (?:above|beyond|later)|or (?:above|higher|further)|onwards?)",
)
AT_LEAST_BEFORE = rx(r"(?:at least|beyond|past|after)\s*(?:the\s*)?$")
AT_MOST = rx(
    r"^\s*(?:阶段)?\s*(?:及|或)?(?:以前|之前|或更早|及更早|以下)",
    r"^\s*(?:stage)?\s*(?:or (?:earlier|before|lower|below)|and (?:below|earlier)|or less)",
)
OPEN = rx(
    r"进行中|未结|在跟|未关闭|没关闭|在途|未成交|还没签|跟进中|活跃|开放|在手|盘子",
    r"\bopen\b|\bactive\b|in progress|\bongoing\b|\blive\b|\bin[- ]flight\b|not (?:yet )?(?:closed|won)|\bpipeline\b",
)

# -- the risk rules ---------------------------------------------------------------------------------
STALE = rx(
    r"没(?:有)?(?:人)?跟(?:进|踪)?|未跟进|无跟进|没(?:有)?联系|未联系|没动静|没有动静|没(?:有)?互动|没(?:有)?沟通|没(?:有)?(?:任何)?(?:活动|动作|记录|触达)|"
    r"没碰|没理|晾|冷落|沉默|失联|没消息|没回访|没去|静默|没管|没(?:有)?人(?:跟|联系|碰|理|管|问|去|拜访)|"
    r"(?:一点|任何)?动静(?:都|也)?没(?:有)?|没(?:有)?(?:任何|一点)?(?:动静|音讯|消息|往来)|搁着|冷掉|没走动|没(?:有)?(?:任何)?[^，,。？?]{0,4}?(?:跟进|联系|沟通)(?:记录)?|未(?:有)?(?:任何)?(?:跟进|联系)",
    r"no follow[- ]?ups?|not (?:been )?followed[- ]up|without (?:a )?follow[- ]?up|(?:no|zero) (?:touchpoints?|contacts?|activity|activities|touch(?:es)?)\b|"
    r"not (?:been )?(?:contacted|touched|called|visited)|(?:haven'?t|hasn'?t|have not|has not|nobody has|no one has)\s+(?:been\s+)?"
    r"(?:contacted|touched|called|reached|talked|spoken|followed|heard)|gone (?:quiet|cold|dark|silent)|\bsilent\b|\bidle\b|"
    r"\buntouched\b|\bneglected\b|\bstale\b|\bdormant\b|\bquiet\b|no one (?:has )?(?:talked|spoken|contacted|touched|called)|"
    r"nobody (?:has )?(?:talked|spoken|contacted|touched|called)|without (?:any )?(?:contact|activity)|not heard from",
)
STUCK = rx(
    r"卡住|卡着|卡在|停滞|推不动|没(?:有)?推进|未推进|没(?:有)?进展|停留|滞留|超时|没动(?!静)|不动(?!静)|拖着|一直停在",
    r"\bstuck\b|\bstalled\b|\bsitting\b|not moving|no progress|\bstagnant\b|\blanguishing\b|\bparked\b|\bdragging\b|"
    r"\bstuck past\b|\bstage limit\b|haven'?t moved|hasn'?t moved|not advanced|no movement|been in .{0,20}(?:stage|negotiation|proposal|intent) for",
)
STAGE_LIMITS = rx(r"停留时限|时限|limit", r"stage limits?|time limits?")
DECISION_MAKER = rx(
    r"决策人|拍板(?:的人|人)?|关键决策|决策者|决策层",
    r"decision[- ]?makers?|economic buyers?|who signs off|signing authority",
)
LETTER = rx(r"确认函|确认书|确认信", r"confirmation letters?|letters? of confirmation|confirmation document")
LEGAL = rx(r"法务|律师|法律", r"\blegal\b|\blawyers?\b|\bcounsel\b")
FINANCE_ROLE = rx(
    r"财务",
    r"\bfinance (?:team|staff|people|colleagues?|department|dept|involvement|side)\b|\bcfo\b|\baccounting\b",
)
FINANCE_NEAR_LEGAL = rx(r"legal (?:or|and|/|&) finance|finance (?:or|and|/|&) legal")
REQUIREMENT_CHANGE = rx(
    r"需求变更|需求改动|变更确认|双签", r"requirement changes?|change requests?|scope changes?"
)
CONTRACT_DIFF = rx(
    r"合同差异|合同偏差|合同.{0,4}不一致|差异未确认",
    r"contract (?:differences?|deviations?|discrepanc\w+|mismatch\w*)",
)

# -- what people do --------------------------------------------------------------------------------
KINDS: dict[str, re.Pattern[str]] = {
    "visit": rx(
        r"拜访|上门|走访|面访|见面|现场|去了?客户",
        r"\bvisit(?:s|ed|ing)?\b|on-?site|in[- ]person|face[- ]to[- ]face",
    ),
    "call": rx(
        r"(?<!陌拜)电话(?!陌拜)|通话|打(?:了)?电话|致电|语音", r"\bcalls?\b|\bcalled\b|\bphone\b|\bcalling\b"
    ),
    "meeting": rx(r"会议|开会|会面|碰头|会谈", r"\bmeetings?\b|\bmet\b"),
    "email": rx(r"邮件|电邮", r"\be-?mails?\b|\bmailed\b"),
    "chat": rx(r"微信|聊天|企微|消息", r"\bchats?\b|\bmessages?\b|\bwechat\b|\bim\b"),
    "quote": rx(
        r"报出去|报了价|(?:发|出|给|做)(?:了)?(?:个|份)?报价|报价(?:单|记录|活动)", r"\bquotes?\b(?! stage)"
    ),
    "note": rx(r"备注|笔记|纪要", r"\bnotes?\b"),
}
ACTIVITY = rx(
    r"活动|跟进记录|沟通记录|动作|互动|触达|跟进(?:了|过|条数|次数)|记录|记(?:了|的)?[^，,。？?]{0,4}跟进|条跟进|跟(?:了|过)(?!进)|联系过|拜访过",
    r"\bactivit(?:y|ies)\b|\btouch(?:es|points?)?\b|\binteractions?\b|\blogged\b|\blog\b|\brecorded\b|\bfollow[- ]ups?\b",
)
ROLES: dict[str, re.Pattern[str]] = {
    "solution": rx(
        r"售前|方案(?:工程师|同事|负责人|团队|支持)|解决方案",
        r"\bsolutions? (?:team|engineers?|architects?|consultants?)\b|\bpre-?sales\b|\bsolution\b",
    ),
    "delivery": rx(
        r"交付(?!周期|期|时间|日期)|实施(?!周期)",
        r"\bdelivery (?:team|staff|people)\b|\bimplementation team\b",
    ),
    "manager": rx(
        r"(?<!客户)经理(?:参与|跟进|出面)|主管(?:参与|跟进)|领导(?:参与|出面)",
        r"\bmanagers? (?:involved|joined)\b|\bmanagement involvement\b",
    ),
    "sales": rx(r"销售(?:自己|本人)?跟进(?!记录)", r"\bsales (?:activity|activities|touches)\b"),
}

INDUSTRIES: dict[str, re.Pattern[str]] = {
    "finance": rx(
        r"金融|银行|保险|证券|基金|融资|租赁|信托|券商",
        r"\bfinanc(?:e|ial)(?![- ](?:team|staff|people|colleagues?|department|dept|involvement|side))\b|\bbank(?:s|ing)?\b|\binsurance\b|\bfintech\b",
    ),
    "manufacturing": rx(
        r"制造|工厂|工业|机械|加工|汽车|机电|精工|装备",
        r"\bmanufactur\w*|\bfactor(?:y|ies)\b|\bindustrial\b|\bautomotive\b",
    ),
    "saas": rx(
        r"saas|软件|互联网|科技公司|it行业",
        r"\bsaas\b|\bsoftware\b|\binternet\b|\btech (?:companies|firms|sector)\b",
    ),
    "retail": rx(
        r"零售|快消|商超|连锁|餐饮|门店|消费品",
        r"\bretail\w*|\bfmcg\b|\bconsumer\b|\brestaurants?\b|\bstores?\b",
    ),
    "healthcare": rx(
        r"医疗|医院|医药|口腔|诊所|药企|制药|卫生",
        r"\bhealth\s*care\b|\bmedical\b|\bhospitals?\b|\bclinics?\b|\bdental\b|\bpharma\w*",
    ),
    "education": rx(
        r"教育|学校|高校|学院|大学|培训",
        r"\beducation\w*|\bschools?\b|\buniversit(?:y|ies)\b|\bcolleges?\b|\btraining\b",
    ),
    "energy": rx(
        r"能源|电力|光伏|新能源|储能|电网|风电",
        r"\benergy\b|\bpower\b|\bsolar\b|\butilit(?:y|ies)\b|\brenewables?\b",
    ),
    "construction": rx(
        r"建筑|建工|施工|基建|地产|建设", r"\bconstruction\b|\bbuilding\b|\breal estate\b|\bcontractors?\b"
    ),
}

CHANNELS: dict[str, re.Pattern[str]] = {
    "trade_show": rx(r"展会|博览会|展览", r"trade ?shows?|\bexpos?\b|\bexhibitions?\b|\bfairs?\b"),
    "referral": rx(
        r"转介绍|介绍来|推荐来|老客户介绍|朋友介绍|介绍的", r"\breferr(?:al|als|ed)\b|word of mouth"
    ),
    "website": rx(
        r"官网|网站|400热线|400电话|网页|线上留言",
        r"\bwebsite\b|\bweb (?:form|inquir\w+|leads?)\b|\binbound\b",
    ),
    "cold_outreach": rx(
        r"陌拜|陌生拜访|电话陌拜|扫楼|陌call|冷启动",
        r"cold (?:calls?|calling|outreach|emails?|visits?)|\boutbound\b",
    ),
    "online_ads": rx(
        r"广告|推广|信息流|投放|百度|竞价", r"\bads?\b|\badvertis\w*|paid (?:search|social)|\bppc\b|\bsem\b"
    ),
    "social_media": rx(
        r"抖音|小红书|公众号|视频号|知乎|社交媒体|自媒体|微博",
        r"social media|\blinkedin\b|\bsocial\b|\bdouyin\b",
    ),
    "partner": rx(
        r"渠道商|代理商|合作伙伴|经销商|渠道伙伴",
        r"\bpartners?\b|\bresellers?\b|\bdistributors?\b|\bchannel partners?\b",
    ),
    "existing_customer": rx(
        r"老客户(?!介绍)|复购|增购|续约|续费",
        r"existing customers?|\brepeat\b|\brenewals?\b|\bupsell\w*|\bexpansion\b",
    ),
    "tender": rx(
        r"招标|投标|招投标|政府采购|采购公告", r"\btenders?\b|\bbids?\b|\brfps?\b|\bprocurement notices?\b"
    ),
}
AMBIGUOUS_CHANNELS = frozenset({"existing_customer", "partner", "online_ads"})
CHANNEL_CONTEXT = rx(
    r"来源|渠道|来的|进来|获客|来自|途径|介绍",
    r"\bsource\b|\bsourced\b|came (?:in )?(?:from|through|via)|\bchannel\b|\bfrom\b|\bvia\b",
)

COMPETITOR = rx(r"竞争对手|竞品|对手|友商|别家", r"\bcompetitors?\b|\bcompetition\b|\brivals?\b")
OVER_BUDGET = rx(
    r"超(?:过|出)?(?:了)?(?:客户)?(?:的)?预算|高于(?:客户)?预算|比(?:客户)?(?:的)?预算(?:还|更)?(?:高|多|大)|预算(?:不够|不足)",
    r"over (?:the |their |its )?budget|above (?:the |their |its )?budget|exceed\w* (?:the |their |its )?budget|more than (?:the |their )?budget",
)
WITHIN_BUDGET = rx(
    r"预算(?:以内|之内|内)|不超(?:过)?预算", r"within (?:the |their )?budget|under (?:the |their )?budget"
)
EXPECTED_CLOSE = rx(
    r"预计.{0,8}?(?:成交|签约|签单|关单|落地|结单|拿下|赢单)|预期成交|计划.{0,4}(?:成交|签约)|成交日期|预计关单|预计结束",
    r"expect(?:ed|s|ing)? (?:it |them |to )?(?:to )?(?:close|sign|land)|expected close|close date|closing date|due to close|slated to close|forecast(?:ed)? to close|set to close|should close|planned close",
)
NEW_DEALS = rx(
    r"新增|新建|新开|新进|新来|新商机|新项目|新的商机",
    r"\bnew (?:deals?|opportunit\w+|opps?)\b|\bopened\b|\bcreated\b|\bcame in\b",
)
ENTERED = rx(
    r"进入(?=.{0,6}(?:阶段|谈判|方案|意向))|推进到|转入|推到|升到|走到",
    r"moved (?:in)?to|\bentered\b|advanced to|progressed to|got to",
)
FIRST_CONTACT = rx(
    r"首次(?:接触|联系|拜访|沟通)|第一次(?:接触|联系|沟通)|初次(?:接触|联系)|新(?:认识|接触)的客户",
    r"first (?:made |make |making )?(?:contacted|contact|touched|met|engaged)|initial contact|new (?:customers|accounts|logos|clients)",
)
HEALTH_WEIGHT = rx(r"健康(?:度)?(?:权重|系数)|权重", r"health weights?|\bweights?\b(?!ed)")
CONTACT_WORD = rx(r"联系人|对接人|对口|窗口|负责人|在档|角色", r"\bcontacts?\b|on file|\bperson\b|\bpeople\b")
CONTACT_ROLES: dict[str, re.Pattern[str]] = {
    "technical": rx(
        r"技术(?=.{0,3}(?:联系人|对接人|负责人|人员|对口|的人))|工程师|it部门|信息中心",
        r"technical|\btech(?:nical)? (?:contact|person|lead)|\bit contact|\bengineer",
    ),
    "legal": rx(r"法务(?=.{0,3}(?:联系人|对接人|负责人|对口|的人))", r"legal (?:contact|counsel|person)"),
    "finance": rx(r"财务(?=.{0,3}(?:联系人|对接人|负责人|对口|的人))", r"finance (?:contact|person)|\bcfo\b"),
    "procurement": rx(
        r"采购(?=.{0,3}(?:联系人|对接人|负责人|对口|的人|经理|总监|主管))",
        r"procurement|purchasing|\bbuyer contact",
    ),
    "user": rx(
        r"使用部门|用户(?:方|代表|部门)|业务部门", r"\buser contacts?\b|end[- ]users?|\buser department"
    ),
    "influencer": rx(r"影响者|影响人|推荐人|内线", r"\binfluencers?\b|\bchampions?\b"),
}
RELATIONSHIP = rx(
    r"合作(?:年限|时间|关系)?(?:在|有|满|超过|了)?\s*(\d+(?:\.\d+)?)\s*年(?:以上|及以上|多)?|(\d+(?:\.\d+)?)\s*年(?:以上|及以上)?(?:的)?(?:老)?(?:合作|关系|老客户)",
    r"(\d+(?:\.\d+)?)\+?\s*(?:or more )?years?(?: or more)? (?:of )?(?:relationship|with us|partnership|working together|customer)|relationship of (\d+)\+? years",
)
WEIGHTED = rx(r"健康度|加权|权重", r"health[- ]?weighted|\bweighted\b|health weight|\bhealth\b")
BUDGET_FIELD = rx(r"预算", r"\bbudgets?\b")
AMOUNT_FIELD = rx(
    r"金额|合同额|单额|额度|盘子|体量|价值|大单|单值", r"\bamount\b|\bvalue\b|\bworth\b|\bsize\b|\bbig\b"
)

# -- comparisons, negation, windows ------------------------------------------------------------------
NONE_OF = rx(
    r"(?:一个|一家|一条|一次|1个|1家|1条|1次|1单|任何)[^，,。？?]{0,16}(?:都|也)(?:没有|没|无)|零个",
    r"\bno\s+(?:\w+\s+){0,2}(?:customers|accounts|clients|deals|activities|visits)\b|\bnone\b|\bzero\b|not (?:a single|one|any)",
)
NEGATED_AFTER = rx(
    r"^[^，,。？?]{0,4}(?:没|未|不)(?:有|拿|收|到|齐|全)?(?:全|齐|完整)?|^[^，,。？?]{0,3}(?:不全|不完整|缺|不齐)",
    r"^\W{0,2}(?:is |are )?(?:missing|incomplete|lacking|not complete)",
)
NEGATION = rx(
    r"没有任何|没有|没|无|未|缺少|缺|还没|尚未|从未|零|不曾",
    r"\bno\b|\bnot\b|\bwithout\b|\black\w*|\bmissing\b|haven'?t|hasn'?t|\bnever\b|\bzero\b|(?:don'?t|doesn'?t|do not|does not) (?:yet )?have|not yet have|yet to|\bnone\b|did not|didn'?t",
)
WINDOW_BEFORE = rx(
    r"(?:过去|最近|近|这|前|上)\s*$",
    r"(?:last|past|previous|recent|in the last|within the last|over the last|during the last|in the past|over the past|within the past|for the past|the last|the past)\s*$",
)
WINDOW_AFTER = rx(r"^\s*(?:内|以内|之内|里|来|以来|当中|中)", r"^\s*(?:ago)")
DURATION = re.compile(
    r"(?<![月\d.])(\d+(?:\.\d+)?)\s*(小时|钟头|天|日(?![前后内])|周|星期|礼拜|个月|h\b|hrs?\b|hours?\b|days?\b|weeks?\b|months?\b)",
    _I,
)
HALF_MONTH = rx(r"半个月", r"half a month|two weeks")
A_WEEK = rx(r"(?<!\d)(?:一|1)\s*(?:周|星期|礼拜)(?!\d)", r"\ba week\b|\bone week\b")
A_MONTH = rx(r"(?<!\d)一个月|(?<!\d)1个月", r"\ba month\b|\bone month\b")
PERIODS: dict[str, re.Pattern[str]] = {
    "today": rx(r"(?<![到至止截])今天(?!为止)|今日", r"\btoday\b"),
    "yesterday": rx(r"昨天|昨日", r"\byesterday\b"),
    "this_week": rx(r"本周|这周|这一周|这个星期|本星期|这礼拜", r"this week"),
    "last_week": rx(
        r"上周|上一周|上个星期|上星期|上礼拜", r"last week|previous week|the week before|prior week"
    ),
    "this_month": rx(r"本月|这个月|这月|当月", r"this month|month to date|\bmtd\b"),
    "last_month": rx(r"上个月|上月", r"last month|previous month|the month before|prior month"),
    "this_quarter": rx(r"本季度|这个季度|本季", r"this quarter|quarter to date|\bqtd\b"),
    "last_quarter": rx(r"上季度|上个季度", r"last quarter|previous quarter"),
    "this_year": rx(r"今年|本年度|年初至今", r"this year|year to date|\bytd\b"),
}
UNSUPPORTED = rx(
    r"利润|毛利|净利|利润率|满意度|nps|回款|应收|账款|发票|预测|会不会|能不能成|概率|为什么|原因是什么|天气|股价|汇率|工资|提成|绩效考核|库存",
    r"\bprofit\w*|\bmargins?\b|satisfaction|\bnps\b|receivables?|\bforecast\w*|\bpredict\w*|\bprobabilit\w*|\blikel(?:y|ihood)\b|\bwhy\b|"
    r"\bweather\b|stock price|exchange rate|\bsalar\w+|\bcommissions?\b|\binventory\b|\bchurn rate\b",
)

INCLUDED = rx(
    r"(?:含|包括|包含|连同)(?:了)?\s*$|^\s*(?:也算|也包括|也计入|在内|都算)",
    r"(?:including|include|includes|incl\.?)\s*$|^\s*(?:count|included|too|as well|also count)",
)
EXCLUDED = rx(
    r"(?:不含|不包括|除了|除去|排除|去掉)\s*$|^\s*(?:不算|除外|以外|之外)",
    r"(?:excluding|exclude|except|other than|besides|not counting)\s*$|^\s*(?:excluded|not included|aside)",
)
NON_SALES = rx(r"非销售|销售以外|销售之外|除销售外", r"non-?sales|other than sales|not sales")
OVER_BY = rx(
    r"超(?:出去|出|了|过)?多少|多出(?:去)?多少|超支多少",
    r"how much over|by how much|how far over|the overage",
)
UPLIFT = rx(
    r"加权(?:后)?(?:比|较)(?:原始|原来|实际|原)?(?:金额)?多|加权.{0,6}多出",
    r"add(?:s|ed)? on top|uplift|on top of (?:the |their )?raw",
)
ONE_CONTACT = rx(
    r"只(?:有|留了?)?\s*(?:1|一)\s*个联系人|就\s*(?:1|一)\s*个联系人|唯一(?:的)?联系人",
    r"(?:only|just) (?:a single|one|1) contact|single contact",
)
NEXT_DAYS = rx(r"(?:未来|接下来|之后|后面)\s*$", r"(?:next|coming|following)\s*$")
