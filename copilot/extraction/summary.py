"""A one-sentence extractive summary: the clauses that carry what happened and what was agreed.

Clauses are ranked by the business content the other rules found in them (the stage cue, the
agreed next step, buying signals, the deal's recurring topic words) and penalised for
questions, greetings and how-we-met context; the best are kept in input order within the
length limit (80 characters for Chinese, 40 words for English), with filler words removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from copilot.domain import Evidence, InputKind
from copilot.extraction.lexicon import Lexicon
from copilot.extraction.text import Clause, Doc
from copilot.nlp.words import is_content_word, word_edges

ZH_MAX_CHARS = 80
EN_MAX_WORDS = 40
_GREETING = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,4}(?:您好|你好|早上好|早)|hi\b|hello\b|hey\b|thanks\b|thank you\b)", re.I
)
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z0-9](?:-[A-Z0-9]+)?\b")
_EN_WORD = re.compile(r"[A-Za-z]{5,}")
_EN_STOP = {
    "about", "after", "again", "their", "there", "these", "those", "which", "would", "could", "should",
    "today", "right", "thanks", "really", "every", "other", "where", "being", "because", "before",
    "until", "while", "honestly", "think", "thing", "things", "going", "people", "little", "first",
}  # fmt: skip
# Chinese turns that carry nothing: an address, thanks, an acknowledgement ('鲍科长', '谢谢邢总告知',
# '收到', '好的 理解').
_ZH_TITLES = "总|经理|科长|主任|处长|部长|院长|所长|主管|厂长|总监|总工|老师|工|姐|哥|师傅|先生|女士"
_ZH_EMPTY = re.compile(
    r"^(?:(?:好的?|收到了?|查到了?|看到了?|嗯+|哦+|啊+|OK|ok|理解|明白了?|了解了?|不好意思啊?|抱歉|您好|你好|谢谢|感谢|"
    r"麻烦了?|没问题|(?:那|好)?先这样(?:吧)?|拜拜|再见|欢迎)[\u4e00-\u9fff]{0,2}?(?:"
    + _ZH_TITLES
    + r")?(?:告知|了|啊|哈|呀|吧)?[ \t]*)+$"
    r"|^(?:可以|行|好嘞|1)[吧啊的呀]?$"
    r"|^[\u4e00-\u9fff]{1,3}(?:" + _ZH_TITLES + r")$"
    # a bare attachment or placeholder: '[图片]', '[语音转文字]', '[文件] 报价单V2.pdf', 'overview.pdf'
    r"|^(?:\[[^\]\n]{1,8}\]\s*)*(?:[^\s，。,;；]{1,40}\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|zip))?$"
)
_OPINION = re.compile(r"觉得|认为|嫌|\bfelt\b|\bfeel\b|\bthinks?\b", re.I)
_DECISION = re.compile(
    r"要求|希望|决定|确认|要(?:采|买|换|上|新增|做)|采购|需要|\bwants?\b|\bdecided\b|\bconfirmed\b|\bneeds?\b",
    re.I,
)
# A quantity of goods ('三十套', '两台液相色谱', '300 units') is usually the scope of the deal.
_QUANTITY = re.compile(
    r"[0-9一二两三四五六七八九十百千万]+(?:台|套|件|箱|瓶|条|批|辆|部|个工位|把|张)"
    r"|\b\d[\d,]* (?:units|cases|seats|licenses|trucks)\b",
    re.I,
)
# What the deal is about: the product the customer wants or asked about ('要用我们的防水卷材',
# '在官网看到运输管理系统', 'want to add a second ultrasound unit'). How-we-met context naming it stays.
_OBJECT = re.compile(
    r"(?:要用|想用|要买|想买|要采购?|想了解|想问下|想咨询|看到(?:了)?(?:你们|我们)?的?|(?:我们|你们)(?:的|投的|家的))"
    r"(?!老?客户|经销商|代理商|渠道|销售|同事|领导|老板|法务|技术|工程师)[^，。！？\s的]{2,}"
    r"|\b(?:want|wants|need|needs|looking) to (?:add|buy|replace|upgrade|get)\b"
    r"|\b\d[\d,]* (?:pallets|units|trailers|licenses|seats|tons)\b",
    re.I,
)
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# English objects of buying and wanting ('about payroll software', 'want fleet telematics',
# 'install commercial solar', 'adding seats'): the nouns a deal is about, even when said once.
_EN_OBJECT = re.compile(
    r"\b(?:about|on|want|wants|wanted|need|needs|install|installs|installing|adding|add|buy|buying|"
    r"replace|replacing|upgrade|upgrading|looking at|interested in|switch to|move to)\s+"
    r"(?=(?:the |our |your |their |a |an |some |more |new |two |three )?"
    r"((?:[a-z][a-z-]{2,} ){0,2}[a-z][a-z-]{2,}))",
    re.I,
)
# Chinese topic frames: the object of 买/采购/换/用/试/装/推 ('想装全屋净水', '增购两百台智能门禁') and the
# name of the matter ('MES项目', '布草洗涤的事', '校车定位这个单子').
_ZH_NOUN = (
    r"[^\s，。！？、；：,.!?的了是我你他她们在有和就也都说这那个一不要还会到把给吗呢吧啊嗯呃么再让想能去来过]"
)
# a product named before a deal document ('聚氨酯胶 合同', '轴承座的报价', '那批尼龙扣的样品')
_ZH_DEAL_OBJECT = re.compile(
    rf"{_ZH_NOUN}{{2,8}}的?\s?(?:报价单?|方案|合同|样品|小样|样板|订单|选型单|框架协议|框架合同)"
    r"(?<!单子报价)(?<!项目方案)"
)
_NAMED_BONUS = 3.0
_ZH_NUM = r"[0-9一二两三四五六七八九十百千万几]+"
_ZH_MEASURE = r"(?:台|套|件|箱|吨|批|辆|片|只|支|把|张|卷|桶|袋|根|组|块|部|条|瓶|盒|公斤)"
# Words a product name may hold although their characters are function words alone ('智能门锁',
# '能源管理系统').
_ZH_NOUN_WORDS = "能源|能耗|智能|节能|储能|产能|功能|性能|热能|电能|光能|动能|再生|来料"
_ZH_NP = rf"(?:{_ZH_NOUN_WORDS}|{_ZH_NOUN})"
# The deal's object as Chinese speakers point at it, even when said once: the demonstrative of a
# thing already discussed ('那批聚丙烯粒子', '上次说的那套污水处理的MBR设备'), a quantity of it
# ('两台八十吨的折弯机', '输液泵十五台'), or what a deal document or price is for ('折弯机的价格').
_ZH_POSSESSOR = r"(?:你们|您们|我们|咱们|贵司|他们)(?:的|家)?"
_ZH_POINTED: tuple[tuple[re.Pattern[str], int], ...] = (
    # a thing already discussed: '那批聚丙烯粒子', '我们那个活性染料', 'PCB那批'
    (
        re.compile(
            rf"(?:那|这)(?:一)?(?:批|套|台|款|种|份|辆|条|组|部|批次)(?:{_ZH_NOUN}{{2,6}}的)?({_ZH_NP}{{2,10}})"
            rf"|{_ZH_POSSESSOR}(?:那个|这个)(?:{_ZH_NOUN}{{2,6}}的)?({_ZH_NP}{{2,10}})"
            rf"|(?:上次|之前|上回|前面|前几天)(?:说|聊|提|谈|问|看)(?:到|过)?的(?:那个|那台|那套|那批|那款)?({_ZH_NP}{{2,10}})"
            rf"|的(?:那个|这个)({_ZH_NP}{{2,10}})的?(?:项目|单子|事)"
        ),
        3,
    ),
    (re.compile(rf"({_ZH_NP}{{2,10}})(?=那批|这批|那套|这套|那单|这单|那部分|那块|这块)"), 2),
    # a quantity of it: '两台八十吨的折弯机', '输液泵十五台'
    (
        re.compile(
            rf"{_ZH_NUM}{_ZH_MEASURE}(?:[^\s，。！？的]{{1,6}}的)?({_ZH_NP}{{2,10}})"
            rf"|({_ZH_NP}{{2,10}}){_ZH_NUM}{_ZH_MEASURE}"
        ),
        2,
    ),
    # what is sold, sought or wanted: '我们做仓储的温湿度监测', '找不锈钢阀门的厂家', '要上MES'
    (
        re.compile(
            rf"{_ZH_POSSESSOR}(?:是)?(?:做|卖|供应)(?:{_ZH_NOUN}{{2,6}}的)?({_ZH_NP}{{2,10}})"
            rf"|找({_ZH_NP}{{2,10}})的?(?:供应商|厂家|厂商)"
            rf"|(?:要上|想上|准备上|打算上|要换|想换|要买|想买)({_ZH_NP}{{2,10}})"
            # what the customer asked about: '留言问的防火门', '咨询的环氧地坪'
            rf"|(?:问|咨询|了解|打听|看中|看上)(?:过)?的({_ZH_NP}{{2,10}})"
            # a bare want closing its clause: '要盘扣架，租半年'
            rf"|(?:^|[，,\s])要({_ZH_NP}{{2,8}})(?=[，。！？,\s]|$)"
        ),
        2,
    ),
    # what a deal document or price is for: '折弯机的价格'
    (
        re.compile(
            rf"({_ZH_NP}{{2,10}})的?(?:报价单?|方案|合同|样品|样机|订单|价格|试用|演示|标段|标(?![准签注]))"
        ),
        1,
    ),
)
# Heads of product classes: a noun ending in one names a thing sold ('磁力泵', '通风柜', '网关').
_ZH_PRODUCT_HEAD = re.compile(
    r"(?:机组|机|泵|阀门?|器|系统|设备|仪|柜|管|网关|电机|砖|箱|炉|软件|平台|模块|传感器|计|表|灯|锁|膜|"
    r"剂|卷材|板|材料|芯片|APP|SaaS|ERP|MES|WMS|车|线缆|电缆|涂料|胶|树脂|粒子|纸|袋|瓶)(?![\u4e00-\u9fff])"
)
_ZH_NOUN_RUN = re.compile(rf"(?:{_ZH_NOUN_WORDS}|(?![^\u4e00-\u9fffA-Za-z0-9]){_ZH_NOUN}){{3,14}}")
# verbs and measure words that open a noun run but are not part of the product's name
_ZH_LEADING_VERB = set("买卖换装用上做出发加配选订采购需推荐介绍试看问谈报给送拿带找自己新旧增添租求")
_ZH_LEADING_VERB |= set("套台批件条款种")
_ZH_GENERIC_HEAD = re.compile(r"(?:这|那|新|旧|老|整)?(?:系统|设备|机器|软件|平台|产品|东西)")
_HEAD_BONUS = 2  # a phrase ending in a product-class head is the likelier object
_HEAD_ONLY = 1  # frame weight of a product-class noun found without a pointing frame
# Words that never sit inside a product's name: time, discourse, the parties.
_ZH_NOT_IN_OBJECT = re.compile(
    r"今天|明天|昨天|上午|下午|晚上|今年|明年|去年|上次|这次|刚才|然后|所以|但是|就是|还有|另外|客户|领导|老板"
    r"|周[一二三四五六日天]|星期|礼拜|[0-9一二三四五六七八九十]号|事情|问题|情况|拍板|主管|厂长|总监|工程师|师傅|报价|方案|合同|订单|发票|视频|资料|经费|预算|案例"
    r"|^[负正]?[零一二两三四五六七八九十百千万0-9.]+(?:度|吨|米|公斤|毫米|寸|层|年|月|天|号|点|分|台|套|个|件|块)"
    # a document's qualifier, not its object ('技术方案', '修改后的方案')
    r"|(?:技术|初步|最终|正式|修改|修订|详细|整体|完整|实施|解决|优化|具体|商务|新版|大概)$"
)
# Heads that are people, places, firms or time, never the product.
_ZH_NOT_OBJECT = re.compile(
    r"(?:公司|集团|医院|学校|工厂|厂家|总|经理|主任|科长|老板|领导|同事|客户|老师|部门|科室|车间|"
    r"这边|那边|时候|今天|明天|后天|昨天|上次|下次|月份?|年|周|号|天|点|分钟|小时|钱|块|万|元|"
    r"东西|问题|情况|事情|意思|一下|之前|之后|以后|以前|资料|材料|文件|邮箱|电话|微信)$"
)
_ZH_TOPIC = re.compile(
    r"(?:买|采购|增购|订购|换|想上|要上|上一[台套]|用|试|装|推|进|谈|了解|咨询)(?:一下|下|了|过)?"
    r"(?:我们的|你们的|[0-9一二两三四五六七八九十百千几]+(?:台|套|个|支|箱|批|辆)|一[台套批])?"
    rf"({_ZH_NOUN}{{2,8}})"
    rf"|({_ZH_NOUN}{{2,8}})(?:这个|那个)?(?:项目(?![部组经])|单子|的事|这块)"
)
_EN_OBJECT_STOP = {
    "that", "this", "with", "from", "into", "after", "before", "anything", "something", "about", "over",
    "thing", "things", "call", "phone", "email", "board", "calendar", "track", "time", "and", "but",
    "the", "for", "it", "them", "us", "you", "site", "linkedin", "same", "yesterday", "today", "tomorrow",
    "next", "last", "week", "month", "year", "our", "your", "their", "its", "his", "her", "what", "how",
    "all", "any", "both", "each", "more", "less", "who", "why", "when", "where", "now", "then", "too",
    "current", "other", "there", "here", "without", "budget", "price", "pricing", "cost", "costs",
}  # fmt: skip
# English noun phrases that name what a deal is about, read from the frames a rep or buyer puts
# the product in: the object of a sales document or activity ('the quote for the 3 spray
# robots', 'a demo of the WMS'), of wanting, planning or using ('planning two new vacuum
# furnaces', 'rolling out shelf labels', 'clicked your ad about TMS'), and the name of the
# matter ('the keg tracking project', 'the grinding machine deal').
_EN_DET = (
    r"(?:(?:the|a|an|our|your|their|its|this|these|those|some|more|new|another|extra|additional|"
    r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|a few|several)\s+)*"
)
_EN_NP = r"((?:[A-Za-z][\w-]*(?:\s+|(?=[\s.,;:!?)]|$))){1,5})"
_EN_FRAME_DOC = re.compile(
    r"\b(?:quote|quotes|quotation|offer|proposal|estimate|SOW|order|RFQ|RFP|RFI|tender|bid|brochure|"
    r"demo|webinar|trial|pilot|sandbox|samples?|datasheet|catalogue|catalog|spec|specs|"
    r"project|deal|contract|agreement|paperwork|pricing|price|delivery|shipment|installation)\s+(?:for|on|of|about)\s+"
    + _EN_DET
    + _EN_NP
)
_EN_FRAME_WANT = re.compile(
    r"\b(?:need|needs|needed|want|wants|wanted|planning|plan|plans|rolling out|roll out|interested in|"
    r"looking for|looking at|evaluating|asked about|asking about|calling about|regarding|about|"
    r"replace|replacing|upgrade|upgrading|add|adding|buy|buying|ordering|order|purchase|"
    r"try|trying|test|testing|install|installing|expanding|expand|"
    r"(?:you|your company)\s+(?:have|sell|make|offer|supply|produce|carry))\s+" + _EN_DET + _EN_NP,
    re.I,
)
_EN_FRAME_MATTER = re.compile(
    r"(?i:\b(?:the|this|our|your|ur)\s+((?:[A-Za-z][\w-]*\s+){1,4})(?:project|deal|opportunity|order|system|"
    r"line|quote|quotation|offer|proposal|tender|brochure|demo|samples?|datasheet)\b)"
    r"|\b([A-Z][A-Z0-9-]+\s+)(?:system|software|platform|solution|module|project|units?|machines?)\b",
)
# What the seller already supplied ('the door sensors you installed last year').
_EN_FRAME_SUPPLIED = re.compile(
    r"\bthe\s+((?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*)\s+(?:you|your team)\s+"
    r"(?:installed|supplied|sold us|delivered|fitted|put in)\b",
    re.I,
)
# Nouns of product classes, and the compound before one names what is sold.
_EN_PRODUCT_NP = re.compile(
    r"\b(?:the|a|an|our|your|their|its|these|those|some|new|more|\d+|two|three|four|five|six|eight|ten|twelve|"
    r"twenty|hundred|of|for|on|about|with)\s+((?:(?!(?:the|a|an|and|or|of|to|times|more)\s)[a-z][a-z-]+\s+){1,3}?)(valves?|panels?|gauges?|sensors?|erectors?|wrappers?|coils?|pumps?|"
    r"chillers?|compressors?|boilers?|dryers?|furnaces?|ovens?|robots?|scanners?|printers?|meters?|"
    r"transmitters?|actuators?|motors?|generators?|conveyors?|packers?|labell?ers?|presses|lathes?|mixers?|"
    r"heaters?|fans?|filters?|cameras?|forklifts?|racking|shelving|trackers?|controllers?|inverters?|"
    r"batteries|chargers?|dressings?|sorters?|machines?)\b"
)
_EN_HEAD_WEIGHT = 3
# Words that end a product noun phrase: function words, verbs and time words.
_EN_NP_STOP = _EN_OBJECT_STOP | {
    "is", "are", "was", "were", "be", "been", "will", "would", "can", "could", "should", "may",
    "might", "must", "do", "does", "did", "have", "has", "had", "not", "no", "yes", "by", "in",
    "at", "to", "of", "on", "or", "so", "as", "if", "we", "i", "he", "she", "they", "me", "him",
    "which", "who", "said", "says", "asked", "sent", "send", "get", "got", "make", "made", "take",
    "uh", "um", "er", "ok", "okay", "please", "just", "also", "only", "still", "very", "really",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "end", "early",
    "soon", "asap", "later", "quarter", "information", "info", "details", "offer", "quote",
    "quotation", "proposal", "contract", "deal", "project", "number", "numbers", "possible",
    "because", "since", "until", "like", "instead", "either", "already", "again", "yet", "well",
    "this", "these", "those", "one", "few", "lot", "lots", "bit", "way", "help", "meeting", "hear",
    "being", "getting", "going", "having", "doing", "website", "portal", "site", "january", "february",
    "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "million", "thousand", "hundred", "dollars", "yuan", "euros", "point", "two", "three", "four",
    "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty", "manager", "director",
    "engineer", "team", "office", "head", "department", "colleague", "boss", "company", "plant",
    "factory", "side", "people", "staff", "board", "procurement", "legal", "needs", "feedback",
    "old", "existing", "legacy", "percent", "discount", "warranty", "payment", "credit", "terms",
    "delivery", "days", "weeks", "months", "years", "hours", "minutes", "time", "new",
}  # fmt: skip
# Business acronyms that are roles, terms or documents, never the product.
_EN_ACRONYM_STOP = {
    "PO", "CEO", "CFO", "COO", "CIO", "CTO", "GM", "VP", "MD", "IT", "OK", "RMB", "USD", "EUR", "JPY",
    "SLA", "SOW", "RFQ", "RFP", "RFI", "FAT", "SAT", "ARO", "QA", "QC", "HR", "PM", "AM", "ASAP", "NDA",
    "MOQ", "FOB", "CIF", "EXW", "DDP", "ROI", "KPI", "TCO", "ETA", "HQ", "R&D", "I", "CNY", "GBP",
}  # fmt: skip


_EN_FILLER = re.compile(r"\b(?:uh|um|er|erm|uhm)\b,?\s*", re.I)
_EN_NUMBER_WORD = re.compile(
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|"
    r"nine)teenth|(?:twen|thir|for|fif|six|seven|eigh|nine)tieth)$",
    re.I,
)
# Heads that need a modifier to say what the product is.
_EN_GENERIC = {
    "system",
    "systems",
    "solution",
    "solutions",
    "software",
    "platform",
    "product",
    "products",
    "equipment",
    "machine",
    "machines",
    "units",
    "unit",
    "team",
    "thing",
    "stuff",
    "service",
    "option",
    "options",
}


# Places where a lead is found or met: a phrase ending in one names a venue, not a product.
_EN_VENUE = {
    "portal",
    "platform",
    "website",
    "site",
    "show",
    "expo",
    "booth",
    "fair",
    "conference",
    "directory",
}


def _np_words(raw: str) -> list[str]:
    """The leading words of a candidate noun phrase, up to the first function word."""
    words: list[str] = []
    for w in raw.split():
        if (
            w.lower() in _EN_NP_STOP
            or _EN_NUMBER_WORD.match(w)
            or (words and w[:1].isupper() and not w.isupper())
        ):
            if w.lower().strip(".,;:!?") in _EN_VENUE:
                return []  # 'the tender on the XYZ portal': a venue, not a product
            break
        words.append(w)
    if words and words[0][:1].isupper() and not words[0].isupper() and len(words) == 1:
        return []  # a name ('Nebraska'), not a product
    if words and words[-1].lower() in _EN_VENUE:
        return []  # 'the tender on the XYZ portal': a venue, not a product
    return words


# Content-free chat turns and openers ('Sure.', 'Will do', 'I did', 'Thanks Fiona,').
_EN_ACK = re.compile(
    r"^(?:(?:sure|understood|great|perfect|got it|totally fair|fair enough|makes sense|will do|i did|"
    r"yeah|yes|yep|right|that could work|sounds good|works for (?:me|us)|thanks|thank you|hi|hello|hey|"
    r"noted|welcome|bye|goodbye|bye for now|talk soon|cheers|no problem|of course|ok|okay|"
    r"(?:nice|great|good) (?:to meet|meeting|talking to|to talk to) you)"
    r"(?:\s+(?:everyone|all|both|team|guys))?(?-i:\s+[A-Z][a-z]+)?\s*(?:[,.!;]+\s*|$))+",
    re.I,
)
# A Chinese topic phrase is grown around its bigram over characters that are not function words.
_PHRASE_STOP = set("的了是我你他她们在有和就也都说这那个一不要还会到把给吗呢吧啊嗯呃么再让想能去来过")
_PHRASE_MAX = 8
_ASCII_CODE = re.compile(r"[A-Z][A-Za-z0-9-]*[A-Z0-9]")
# Clauses scored this high (a stage cue, the next step, signals) are never dropped to name the topic.
_KEEP_SCORE = 6
_RECENCY = 2.0  # the bonus of a conversation's last clause over its first
_EN_LEADING = re.compile(r"^(?:and|but|so|also|then|plus)\b\s*", re.I)
_EN_UNIT_WORDS = 30
# Function-word bigrams that repeat in any note and say nothing about the deal.
# Titles are excluded too: '孙老师' repeated is a person, not what the deal is about.
_STOP_CHARS = set(
    "的了是我你他她们在有和就也都说这那个一不要还会到把给吗呢吧啊嗯呃么就再让想能去来过上下里师经理总姐哥"
)


@dataclass(frozen=True)
class SummaryInputs:
    """Spans the other rules found, used as ranking features."""

    stage: tuple[Evidence, ...]  # every cue of the stage decided
    next_step: Evidence | None
    signals: tuple[tuple[str, Evidence], ...]  # (signal, cue) for every cue
    questions: tuple[Evidence, ...]
    intro: tuple[Evidence, ...]  # how-we-met context
    commitment: Callable[[Clause], int]  # how much a clause reads as an agreed next action
    customer: str = ""  # the customer's name in the CRM; named in the summary when the input names it


class SummaryRules:
    """Ranks clauses and writes the summary sentence."""

    def __init__(self, lex: Lexicon) -> None:
        self.leading = re.compile(
            r"^(?:\s*(?:" + lex.pattern("fillers", "leading").pattern + r")\s*)+", re.IGNORECASE
        )
        self.inline = lex.pattern("fillers", "inline")
        self.slack = lex.pattern("fillers", "slack")  # '我们这边先看一下那个方案' -> '先看方案'

    def _clean(self, text: str) -> str:
        text = self.leading.sub("", text)
        text = self.inline.sub("", text)
        text = _EN_LEADING.sub("", text)
        text = _EN_ACK.sub("", text)
        text = self.slack.sub("", text)
        return re.sub(r"\s{2,}", " ", text).strip(" ，,。.")

    @staticmethod
    def _topic_counts(doc: Doc) -> Counter[str]:
        counts: Counter[str] = Counter()
        for seg in doc.interaction.segments:
            text = seg.text
            for run in _HAN_RUN.findall(text):  # Han bigrams without function characters
                counts.update(
                    run[i : i + 2]
                    for i in range(len(run) - 1)
                    if run[i] not in _STOP_CHARS and run[i + 1] not in _STOP_CHARS
                )
            for m in _ACRONYM.finditer(text):
                counts[m.group(0)] += 2
            for m in _EN_WORD.finditer(text):
                word = m.group(0).lower()
                if word not in _EN_STOP:
                    counts[word[:6]] += 1
        return counts

    @staticmethod
    def _topics(counts: Counter[str]) -> set[str]:
        return {t for t, n in counts.items() if n >= (3 if t.islower() else 2)}

    @staticmethod
    def _main_topic(doc: Doc, counts: Counter[str]) -> tuple[str, str] | None:
        """(key, phrase) of what the deal is about: the most repeated noun, weighted up when it is
        the object of buying or wanting; None when nothing stands out."""
        text = doc.text
        if doc.lang == "en":
            return _en_main_topic(text, counts)
        best_zh: tuple[int, int, str, str] | None = None
        for m in _ZH_TOPIC.finditer(text):
            phrase = m.group(1) or m.group(2)
            if _ZH_NOT_IN_OBJECT.search(phrase):
                continue
            phrase = _zh_whole_phrase(text, m.start(1) if m.group(1) else m.start(2), phrase) or ""
            if len(phrase) < 2:
                continue
            freq = {phrase[i : i + 2]: counts[phrase[i : i + 2]] for i in range(len(phrase) - 1)}
            # a product code inside Han text ('的MES项目') has no word boundary for _ACRONYM
            freq.update({a: 2 * text.count(a) for a in _ASCII_CODE.findall(phrase)})
            freq = {g: n for g, n in freq.items() if n > 0}
            if not freq:
                continue
            key = max(freq, key=lambda g: freq[g])
            weight = 2 + freq[key]
            if best_zh is None or weight > best_zh[0]:
                best_zh = (weight, m.start(), key, phrase)
        # a noun said once is no topic, unless it is a product code ('MES', 'DR') or pointed at
        pointed = _zh_pointed_object(text, counts)
        if pointed is not None:
            return pointed
        if best_zh is not None and (best_zh[0] >= 4 or best_zh[2].isascii()):
            return best_zh[2], best_zh[3]
        return None

    def _score(self, clause: Clause, inputs: SummaryInputs, topics: set[str], product: str = "") -> float:
        def inside(ev: Evidence | None) -> bool:
            return ev is not None and ev.start < clause.end and clause.start < ev.end

        score = 0.0
        if any(inside(ev) for ev in inputs.stage):
            score += 5
        if inside(inputs.next_step):
            score += 5
        elif inputs.commitment(clause) >= 3:
            score += 3
        score += 2 * len({sig for sig, ev in inputs.signals if inside(ev)})
        if any(inside(ev) for ev in inputs.questions):
            score -= 3
        about = bool(_OBJECT.search(clause.text))
        if about:
            score += 2
        # a clause naming what the deal is about is no mere how-we-met context
        names_product = bool(product) and product in clause.text.lower()
        if any(inside(ev) for ev in inputs.intro) and not about and not names_product:
            score -= 2
        if _GREETING.match(clause.text):
            score -= 3
        if _ZH_EMPTY.match(clause.text.strip()):
            score -= 6
        if _OPINION.search(clause.text):
            score += 2
        if _DECISION.search(clause.text):
            score += 1
        if _QUANTITY.search(clause.text):
            score += 2
        lowered = clause.text.lower()
        score += min(3, sum(1 for t in topics if (t if t.islower() else t.lower()) in lowered))
        return score

    def summarize(self, doc: Doc, inputs: SummaryInputs) -> tuple[str, Evidence | None]:
        """The summary sentence and the span of the input it was drawn from."""
        all_units = _units(doc)
        clean = {c.start: self._clean(c.text) for c in all_units}  # each clause cleaned once
        units = [c for c in all_units if len(clean[c.start]) >= 3]
        if not units:
            return "", None
        counts = self._topic_counts(doc)
        topics = self._topics(counts)
        main = self._main_topic(doc, counts)
        # a product named in several words or by its code ('X-ray inspection system', 'WMS')
        product = (
            main[1].lower()
            if main is not None and doc.lang == "en" and (" " in main[1] or main[1].isupper())
            else ""
        )
        scores = {c.start: self._score(c, inputs, topics, product) for c in units}
        if doc.kind is not InputKind.DICTATION and len(units) > 1:
            # a conversation ends with where it got to: later turns carry the outcome and the
            # agreed step, the opening ones how it started
            last = len(units) - 1
            for i, c in enumerate(units):
                scores[c.start] += _RECENCY * i / last
            # ... except the turn naming what the customer is after, wherever it is
            asked = next((c for c in units if _OBJECT.search(c.text)), None)
            if asked is not None:
                scores[asked.start] += _RECENCY
        if doc.lang == "zh":
            # the clause naming what a deal document is for ('板式换热器 报价和配置单发您了')
            naming = next((c for c in units if _ZH_DEAL_OBJECT.search(c.text)), None)
            if naming is not None:
                scores[naming.start] += _NAMED_BONUS
        ranked = sorted(units, key=lambda c: (-scores[c.start], c.start))
        zh = doc.lang == "zh"
        chosen: list[Clause] = []
        seen: set[str] = set()  # the content of the chosen clauses
        for clause in ranked:
            if scores[clause.start] < 0 and chosen:
                break  # questions, greetings and how-we-met context never pad the summary
            own = _content(clean[clause.start], zh)
            if _already_said(own, seen):
                continue  # said again in other words ('首付三成' twice, a time confirmed back)
            trial = sorted([*chosen, clause], key=lambda c: c.start)
            if _fits(_render([clean[c.start] for c in trial], zh), zh):
                chosen = trial
                seen |= own
        if not chosen:
            first = clean[units[0].start]
            text = first[: ZH_MAX_CHARS - 1] if zh else " ".join(first.split()[: EN_MAX_WORDS - 1])
            return text + ("。" if zh else "."), doc.evidence(units[0].start, units[0].end)
        sentence = _render([clean[c.start] for c in chosen], zh)
        # the best clause always stays: a topic alone is no summary
        best = max(chosen, key=lambda c: (scores[c.start], -c.start))
        protected = [c for c in chosen if scores[c.start] >= _KEEP_SCORE or c is best]

        def lead_with(topic: str, kept: list[Clause]) -> tuple[str, list[Clause]] | None:
            """The sentence after a leading topic, dropping the weakest clauses until it fits."""
            kept = list(kept)
            while True:
                named = _render([clean[c.start] for c in kept], zh, topic=topic)
                droppable = [c for c in kept if c not in protected]
                if _fits(named, zh) or not droppable:
                    break
                kept.remove(min(droppable, key=lambda c: (scores[c.start], -c.start)))
            return (named, kept) if _fits(named, zh) else None

        topic = ""
        if main is not None and main[1 if doc.lang == "en" else 0].lower() not in sentence.lower():
            # the topic was said only in a clause that did not make it: name it up front
            done = lead_with(main[1], chosen)
            if done is not None:
                (sentence, chosen), topic = done, main[1]
        who = _customer_mention(doc.text, inputs.customer, zh)
        if who and who.lower() not in sentence.lower():
            # whom it was with, as the input calls them, when there is room for it
            named = _render(
                [clean[c.start] for c in chosen],
                zh,
                topic=f"{who}的{topic}" if zh and topic else f"{who} {topic}".strip(),
            )
            if _fits(named, zh):
                sentence = named
        return sentence, doc.evidence(chosen[0].start, chosen[-1].end)


# Words in many company names that name nobody in particular; a part ending in 公司, 集团 or 有限
# (or made of punctuation) is generic by its pattern.
_GENERIC_NAME_PARTS = frozenset({
    "股份", "科技", "实业", "贸易", "工程", "学校", "中学", "小学", "医院", "食堂", "餐饮", "物流", "机械",
    "工厂", "合作社", "农场", "酒店", "管理", "设备", "技术", "电子", "制造", "中心", "门店", "总部", "学院",
})  # fmt: skip
_GENERIC_ZH_PART = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+|.*(?:公司|集团|有限)")
_EN_GENERIC_NAME_PARTS = frozenset({
    "the", "of", "and", "group", "inc", "ltd", "llc", "co", "company", "corp", "corporation", "limited",
    "services", "solutions", "systems", "holdings", "international", "industries", "gmbh", "plc", "pty",
    "sa", "de", "cv",
})  # fmt: skip


def _customer_mention(text: str, name: str, zh: bool) -> str:
    """The longest part of the customer's name that the input itself says, or ''."""
    if not name:
        return ""
    if zh:
        best = ""
        for i in range(len(name)):
            for j in range(len(name), i + 1, -1):
                part = name[i:j]
                if j - i <= len(best):
                    break
                if part in text and part not in _GENERIC_NAME_PARTS and not _GENERIC_ZH_PART.fullmatch(part):
                    best = part
                    break
        return best
    words = re.findall(r"[A-Za-z][\w&'-]*", name)
    best = ""
    for i in range(len(words)):
        for j in range(len(words), i, -1):
            run = words[i:j]
            phrase = " ".join(run)
            if len(phrase) <= len(best):
                break
            if all(w.lower() in _EN_GENERIC_NAME_PARTS for w in run):
                continue
            if re.search(rf"\b{re.escape(phrase)}\b", text):
                best = phrase
                break
    return best


def _en_main_topic(text: str, counts: Counter[str]) -> tuple[str, str] | None:
    """(key, phrase) of the product an English interaction is about: the best-framed noun phrase,
    weighted by how often its words recur; None when no frame names one."""
    cands: list[tuple[float, int, list[str]]] = []
    text = _EN_FILLER.sub("", text)  # 'asked me about uh sprue pickers'
    for frame, frame_weight in (
        (_EN_FRAME_SUPPLIED, 3),
        (_EN_FRAME_DOC, 3),
        (_EN_FRAME_MATTER, 3),
        (_EN_FRAME_WANT, 2),
        (_EN_OBJECT, 2),
    ):
        for m in frame.finditer(text):
            weight = frame_weight
            if m.group(0)[:6].lower() == "about " and m.group(0)[6:7].isdigit():
                continue  # 'about 300 rolls' is a quantity, not what the talk is about
            if frame is _EN_OBJECT and m.group(0)[:3].lower() == "on ":
                weight = 1  # 'depends on', 'work on': a bare preposition is a weak frame
            raw = m.group(1) or m.group(m.lastindex or 1)
            words = _np_words(raw)
            if frame is _EN_FRAME_MATTER and len(words) < len(raw.split()):
                continue  # 'your team test the sample': no noun phrase before the head
            if all(w.lower() in _EN_GENERIC for w in words):
                continue  # 'a system', 'the software' say nothing about which
            if words:
                cands.append((weight, m.start(), words))
    # a compound ending in a product-class noun ('cold room panels', 'soil moisture sensors')
    for m in _EN_PRODUCT_NP.finditer(text):
        words = [w for w in m.group(1).split() if w.lower() not in _EN_NP_STOP] + [m.group(2)]
        if len(words) >= 2 and not _EN_NUMBER_WORD.match(words[0]):
            cands.append((_EN_HEAD_WEIGHT, m.start(), words))
    for m in _ACRONYM.finditer(text):
        word = m.group(0)
        if word.isupper() and word not in _EN_ACRONYM_STOP and counts[word] >= 4:  # said twice
            cands.append((1, m.start(), [word]))
    best: tuple[float, int, str, str] | None = None
    for base, start, words in cands:
        keys = [w if w.isupper() else w.lower()[:6] for w in words if len(w) >= 4 or w.isupper()]
        keys = [k for k in keys if k not in _EN_ACRONYM_STOP]
        if not keys:
            continue
        score = base + max(counts[k] for k in keys) + (2 if any(k.isupper() for k in keys) else 0)
        score += min(1.0, (len(words) - 1) / 2)  # a compound ('smart water meters') names a product
        if best is None or score > best[0] or (score == best[0] and start < best[1]):
            best = (score, start, max(keys, key=lambda k: counts[k]), " ".join(words))
    return (best[2], best[3]) if best is not None else None


def _zh_head_nouns(text: str) -> list[tuple[int, str]]:
    """(offset, phrase) of every noun run ending in a product-class head ('温湿度传感器', '磁力泵')."""
    out: list[tuple[int, str]] = []
    for m in _ZH_NOUN_RUN.finditer(text):
        run = m.group(0)
        for h in _ZH_PRODUCT_HEAD.finditer(run):
            phrase, start = run[: h.end()], m.start()
            while phrase and phrase[0] in _ZH_LEADING_VERB:
                phrase, start = phrase[1:], start + 1
            if 3 <= len(phrase) <= 10 and not _ZH_GENERIC_HEAD.fullmatch(phrase):
                out.append((start, phrase))
    return out


# A topic is a name: never a question ('设备大概什么') or a negation ('根本没人管'); 不锈钢 is a name.
_ZH_NOT_A_NAME = re.compile(r"什|怎|哪|多少|几[个台套]|吗|呢|没|(?<!不锈)不(?!锈)")
_EDGE_CONTEXT = 6  # characters read on each side of a topic to find the words around its edges


def _zh_whole_phrase(text: str, at: int, phrase: str) -> str | None:
    """A candidate topic set on word edges where it stands (`at`): a content word cut at its start is
    completed ('线监测系统' -> '在线监测系统'), any other word cut there or at its end is dropped
    ('次水泵' -> '水泵', '包装机现' -> '包装机'); None when it holds a question or negation word or
    fewer than two characters are left."""
    if _ZH_NOT_A_NAME.search(phrase):
        return None
    if at < 0:
        return phrase
    lo, hi = at, at + len(phrase)
    a = max(0, lo - _EDGE_CONTEXT)
    for s, e in word_edges(text[a : min(len(text), hi + _EDGE_CONTEXT)], a):
        if s < lo < e:
            lo = s if is_content_word(text[s:e]) else e
        if s < hi < e:
            hi = s
    return text[lo:hi] if hi - lo >= 2 else None


def _zh_pointed_object(text: str, counts: Counter[str]) -> tuple[str, str] | None:
    """(key, phrase) of the thing a Chinese interaction points at as the deal's object; the most
    repeated of them, the earliest on a tie; None when nothing is pointed at."""
    best: tuple[int, int, str] | None = None
    found = [
        (frame_weight, m.start(), next(g for g in m.groups() if g))
        for pattern, frame_weight in _ZH_POINTED
        for m in pattern.finditer(text)
    ]
    # a noun of a product class ('…传感器', '…泵', '…系统') names the object without a frame
    found += [(_HEAD_ONLY, start, phrase) for start, phrase in _zh_head_nouns(text)]
    for frame_weight, start, phrase in found:
        if _ZH_NOT_OBJECT.search(phrase) or _ZH_NOT_IN_OBJECT.search(phrase) or len(phrase) < 2:
            continue
        phrase = _zh_whole_phrase(text, text.find(phrase, start), phrase) or ""
        if len(phrase) < 2:
            continue
        grams = [phrase[i : i + 2] for i in range(len(phrase) - 1)]
        weight = frame_weight + max(counts[g] for g in grams)
        if _ZH_PRODUCT_HEAD.search(phrase[-3:]):
            weight += _HEAD_BONUS
        if best is None or (weight, -start) > (best[0], -best[1]):
            best = (weight, start, phrase)
    if best is None:
        return None
    return best[2], best[2]


def _render(cleaned: list[str], zh: bool, topic: str = "") -> str:
    """The summary sentence from cleaned clause texts, in input order, after the topic if given."""
    parts = [p for p in cleaned if p]
    if zh:
        return (f"{topic}：" if topic else "") + "，".join(parts) + "。"
    sentence = (f"{topic}: " if topic else "") + "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def _content(text: str, zh: bool) -> set[str]:
    """Content bigrams of a Chinese text, content words of an English one."""
    if zh:
        return {
            text[i : i + 2]
            for i in range(len(text) - 1)
            if _phrase_char(text[i]) and _phrase_char(text[i + 1])
        }
    return {w.lower()[:6] for w in _EN_WORD.findall(text) if w.lower() not in _EN_STOP}


_REPEAT_SHARE = 0.6  # a clause this much inside the chosen ones adds nothing


def _already_said(own: set[str], seen: set[str]) -> bool:
    """Whether most of a clause's content (`own`) is already in the chosen clauses' (`seen`)."""
    return bool(own) and len(own & seen) >= _REPEAT_SHARE * len(own)


def _repeats(text: str, chosen: list[str], zh: bool) -> bool:
    """Whether most of a clause's content is already in the chosen clauses."""
    return _already_said(_content(text, zh), set().union(*(_content(c, zh) for c in chosen)))


def _phrase_char(ch: str) -> bool:
    return ("\u4e00" <= ch <= "\u9fff" and ch not in _PHRASE_STOP) or (ch.isascii() and ch.isalnum())


def _fits(text: str, zh: bool) -> bool:
    if zh:
        return len(text) <= ZH_MAX_CHARS
    return len(text.split()) <= EN_MAX_WORDS


def _units(doc: Doc) -> list[Clause]:
    """Clauses for Chinese; for English whole sentences, split at commas only when long. A unit
    longer than the summary itself (an unpunctuated dictation) is cut where a new action starts."""
    if doc.lang == "zh":
        out = list(doc.clauses)
    else:
        out = []
        for sentence in doc.sentences:
            if len(sentence.text.split()) <= _EN_UNIT_WORDS:
                out.append(sentence)
            else:
                out.extend(c for c in doc.clauses if sentence.start <= c.start < sentence.end)
    zh = doc.lang == "zh"
    return [part for unit in out for part in (_cut_run_on(unit, zh) if not _fits(unit.text, zh) else [unit])]


# Where a new action starts inside a run-on: a sequencing word or a new subject with its verb.
_ZH_RUN_ON_CUT = re.compile(
    r"(?=然后|所以|但是|不过|结果|另外|而且|后来|最后|因为|还有|今天|现在|目前|我(?:问|说|跟|就|这边|们|先|再|回头|下周|明天|周[一二三四五六日天])"
    r"|他(?:们|说|讲|问)|她(?:说|讲|问))"
)
_EN_RUN_ON_CUT = re.compile(
    r"(?<=\s)(?=(?:and |so |but |then |because )?(?:I|we|they|he|she)\b"
    r"(?:'ll|'d|'re|'ve|'m| will| said| asked| want| need| told| think| have| had| are| were| was| is| can|"
    r" could| should| would| got| sent| agreed)\b)"
    r"|(?<=\s)(?=(?:so|but|then|because|also)\b)",
    re.I,
)
_RUN_ON_MIN = 6  # characters of the shortest part


def _cut_run_on(unit: Clause, zh: bool) -> list[Clause]:
    """A unit too long for the summary, cut into parts where a new action starts."""
    pattern = _ZH_RUN_ON_CUT if zh else _EN_RUN_ON_CUT
    cuts = (
        [0] + [m.start() for m in pattern.finditer(unit.text) if m.start() >= _RUN_ON_MIN] + [len(unit.text)]
    )
    parts: list[Clause] = []
    begin = 0
    for end in cuts[1:]:
        if end - begin < _RUN_ON_MIN and end != len(unit.text):
            continue
        text = unit.text[begin:end].rstrip()
        if text:
            parts.append(
                Clause(
                    unit.start + begin,
                    unit.start + begin + len(text),
                    text,
                    unit.seg,
                    unit.speaker,
                    unit.index,
                    unit.asks,
                )
            )
        begin = end
    return parts or [unit]
