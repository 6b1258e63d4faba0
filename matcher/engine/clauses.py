"""How a description is read before its words are weighed: the texts of a field joined and normalised as they are
matched, and the clause table of a 简介 — where each clause starts, what context its cue gives it (head: "是一家…/
专注于…", application: "应用于/服务于…", method: "通过/基于…", plain) — with the statements that only trade or service
what they name, what a firm owns, the core phrases ("是一家【…】提供商"), the customers ("为【餐饮企业】提供…") and
quoted news names. Pure functions of text; `SegmentMatcher` (matcher/engine/match.py) weighs keywords by them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import ahocorasick_rs
import numpy as np

from ..ingest.scope import alternation, boilerplate
from ..knowledge.fields import CONTEXTS

SEPARATOR = "\x00"  # joins the texts of a field; no pattern contains it, so no match crosses texts

# Clause cues for free-text descriptions (公司简介): where a keyword sits says how much it tells.
# "是一家…/专注于…/主要从事…" states the business (weak words count there); "产品应用于…/服务于…/
# 客户包括…" names the customers' industries; "通过/利用/基于…技术" names a means.
_SENTENCE_BREAKS = "。！？!?；;\n" + SEPARATOR
_CLAUSE_BREAKS = "，,：:"
_BREAKS = re.escape(_SENTENCE_BREAKS + _CLAUSE_BREAKS)  # every break, escaped for a character class
# head cues that also open a core phrase (是一家…的研发企业)
CORE_OPENERS = ("是一家", "是一个", "是一所", "是国内", "是中国", "是全球", "是国际", "是专业")
# a statement that leads with its verb, "主要生产… / 专业研发…": a head cue, and its object a core phrase (_STATED_RX)
STATED_LEADS = ("主要", "专业", "专门")
STATED_VERBS = ("生产", "研发", "研制", "设计", "开发", "制造", "提供")  # 提供: a service firm's statement
HEAD_CUES = CORE_OPENERS + (
    "致力于",
    "专注",  # 专注于… and 专注工业视觉… alike
    "专业从事",
    "主要从事",
    "专门从事",
    "主营",
    "主要产品",
    "核心产品",
    "是一款",
    "主要业务",
    *(a + v for a in STATED_LEADS for v in STATED_VERBS),
    # English (lower case, as texts are matched): "acme is a leading …", "we design …", "specializing in …"
    " is a ",
    " is an ",
    " is one of ",
    "we are a ",
    "we are an ",
    "we are one of ",
    "specializ",
    "specialis",
    "focuses on",
    "focused on",
    "focusing on",
    *(f"we {v}" for v in ("design", "develop", "manufacture", "make", "build", "produce")),
    *(f" {v}s " for v in ("design", "develop", "manufacture", "make", "build", "produce")),
)
APPLICATION_CUES = (
    # English: whom the firm sells to or invests in (lower case, as texts are matched)
    "investing",
    "invests in",
    "invest in",
    "portfolio",
    "used in",
    "for use in",
    "sold to",
    "customers include",
    "clients include",
    "our customers",
    "等行业",
    "应用于",
    "应用在",
    "广泛应用",
    "广泛用于",
    "可用于",
    "适用于",
    "用于",
    "服务于",
    "已服务",  # 已服务3000余家校外培训机构: the customers, not the firm's trade
    "累计服务",
    "聚集了",  # 小镇聚集了大量云计算企业: a park's tenants, not its trade
    # what a firm has bought and uses (车间引进焊接机器人120台, 仓内部署了AGV): its tools, not its trade
    "引进",
    "引入了",  # 工厂引入了数控开料中心: what a plant brought in
    "部署了",
    "启用",  # 物流仓启用200台AGV搬运机器人: put into use
    "投用",
    "购置",
    "配备了",
    "配备",  # what a project or a plant is equipped with (冷链物流园…配备AGV搬运机器人…): its user's words
    "承接了",  # 承接了多个高铁站房…工程: projects done for customers
    # where a fund's money goes (基金将重点投向大模型…), and what a firm says it does not do (未开展售电业务)
    "投向",
    "投资于",
    "未开展",
    "未从事",
    "不从事",
    # a job advertisement's requirements (熟练使用大模型工具): the tools staff use, not the trade (not the posts it
    # offers: a CRO's 诚聘药物化学、药代动力学方向研究员 names its own work)
    "任职要求",
    "岗位要求",
    "熟练使用",
    "客户包括",
    "客户为",  # 客户为车载中控和工业HMI厂商: whom a display maker sells to
    "客户是",
    # what a firm buys in (快充芯片采购自国内外芯片厂商): its inputs, not its trade
    "采购自",
    "采购于",
    "外购",  # 磷酸铁锂电芯外购: bought in from outside
    "外采",
    "客户主要是",  # 客户主要是银行和保险公司: the customers' trades, not the firm's
    "客户主要为",
    "客户主要有",
    "主要客户",
    "客户群体",
    "客户涵盖",
    "客户遍及",
    "客户覆盖",
    "合作伙伴",
    "合作客户",
    "涉及",
    "覆盖",
    "涵盖",
)
# no customer named: "集研发、生产、服务于一体"; "码头操作系统、集装箱管理系统等行业软件" lists the firm's products; 覆盖件
# (car body panels) holds 覆盖 and names a product; 以客户为中心 is a motto (each starts where its cue starts)
NOT_APPLICATION = ("服务于一体", "等行业软件", "等行业应用软件", "覆盖件", "客户为中心", "客户为本", "客户为导向")
# 代理 / 经销 opening a clause name goods resold, not made ("代理多品牌AI智能摄像头"): weighed as a means, and where the
# clause makes nothing its goods rank and never file (trade_clauses)
RESALE_CUES = ("代理", "经销")
# means cues: 通过 / 利用 / 基于 … a technology; 引入 / 引进 / 配备 AGV搬运机器人: equipment a firm put to work, its tools
METHOD_CUES = (
    *("通过", "利用", "运用", "借助", "依托", "结合", "采用", "融合", "凭借", "基于", "应用"),
    *RESALE_CUES,
    *("引入", "引进", "配备"),
)
# what may stand before a means cue at the start of its clause: one connective, then optionally a
# statement of purpose ("致力于通过大数据技术……" names a means, not the business)
_METHOD_CONNECTIVES = ("", "并", "同时", "主要", "公司", "本公司", "我司", "我们", "还", "并且", "产品")
_METHOD_PURPOSES = ("", "致力于", "专注于", "旨在")
METHOD_LEADS = frozenset(c + p for c in _METHOD_CONNECTIVES for p in _METHOD_PURPOSES)
# where a means ends in its clause: "基于大模型为企业【提供智能客服】" / "利用人工智能技术【开发影像诊断软件】" /
# "基于开源基座【训练了法律大模型】" —
# the verb and what follows name the firm's own product (not "自主研发的…", which is still the means)
METHOD_ENDS = ("开发", "研发", "研制", "生产", "制造", "推出", "打造", "提供", "设计", "训练", "构建")
_METHOD_END_RX = re.compile(f"(?:{'|'.join(METHOD_ENDS)})(?!的)")
HEAD, PLAIN, METHOD, APPLICATION = (CONTEXTS.index(c) for c in ("head", "plain", "method", "application"))
# what opens a clause that goes on stating the business the clause before it states: its list ("提供预约服务，
# 【包括】体检预约、体检指导") or how it trades ("是一家智能玩具品牌商，…，【主要】在电商平台销售")
LIST_LEADS = ("包括", "主要包括", "包含", "涵盖", "业务包括", "服务包括", "产品包括", "主要", "主营", "专门")
# The core phrase of a self-description: "X是一家【人脸识别技术】提供商 / 是国内【锂电池隔膜】的专业生产企业".
# The words between the opener (a head cue, see CORE_OPENERS) and the noun that names the kind of
# firm say what the firm is.
CORE_NOUNS = ("提供商", "供应商", "服务商", "研发商", "生产商", "制造商", "开发商", "运营商", "厂商", "企业", "公司")
# kinds of firm that trade what they name: a statement that ends with one only trades (我们是一家工控产品代理商)
ARM_NOUNS = ("子公司", "分公司")  # a group's arm: 是某集团在华的销售子公司 names the arm's trade before it
TRADER_NOUNS = (
    "代理商",
    "经销商",
    "分销商",
    "贸易商",
    "批发商",
    "零售商",
    "进口商",
    "供货商",
    "综合供应商",  # 实验室耗材与仪器的综合供应商: a catalogue house, not a maker (解决方案供应商 makes)
    "代理公司",
    "经销公司",
    "贸易公司",
)


_CLAUSE_TEXT = f"[^{_BREAKS}]"  # a character that stays in its clause
# a fleet or a machine park a firm owns, counted by the unit (拥有各类挖掘机、装载机60余台, 拥有纯电动网约车2800余辆, 拥有
# 植保无人机120架): the goods it works with, not its products — a service firm's tools, read as a clause that only
# services what it names (owned_clauses). Not what it makes or sells by the unit (拥有年产10万辆整车的产能, 累计销售2000台)
OWNED_UNITS = ("台套", "台", "辆", "架", "艘")
OWNED_NOT = ("产", "销", "交付", "订单", "装机")
# … and the process lines a job shop works with (拥有激光切割、数控折弯和焊接生产线): the processes it sells, not machines
OWNED_PROCESSES = ("切割", "折弯", "焊接", "冲压", "喷涂", "注塑", "压铸", "电镀", "机加工")
_OWNED_RX = re.compile(
    f"拥有(?:(?!{'|'.join(OWNED_NOT)}){_CLAUSE_TEXT}){{0,40}}?\\d+\\s*余?\\s*(?:{'|'.join(OWNED_UNITS)})"
    f"|拥有{_CLAUSE_TEXT}{{0,30}}?(?:{'|'.join(OWNED_PROCESSES)})等?(?:生产线|产线|加工线)"
)


def _phrase_rx(openers, ends, longest: int) -> re.Pattern:
    """Group 1: the shortest run (≤ `longest` characters) of one clause between an opener and an end word."""
    return re.compile(f"(?:{'|'.join(openers)})({_CLAUSE_TEXT}{{1,{longest}}}?)(?:{'|'.join(ends)})")


_CORE_RX = _phrase_rx(CORE_OPENERS, CORE_NOUNS, 60)
# A vertical word before a product word names the product's users ("酒店送物机器人"): at most USER_GAP characters
# between them, none of them a break or a link word (SegmentMatcher._product_users)
USER_GAP = 2
USER_STOPS = frozenset(_SENTENCE_BREAKS + _CLAUSE_BREAKS + "、和及与或是为的等")
# a verb between them makes the product what the vertical business offers, not what its users use (学校【开设】高铁乘务
# 专业, 门店【销售】机器人): the vertical word names the business
USER_VERBS = frozenset(("开设", "开展", "举办", "组织", "销售", "代理", "经营", "租赁", "出租", "维修", "培训"))
# how a report names its source in its opening clause (据报道 / 据当地媒体报道 / 据介绍): not the business
OPENING_SOURCES = ("据",)
OPENING_SOURCE_BYTES = tuple(w.encode("utf-8") for w in OPENING_SOURCES)
# where the noun phrase that opens a description ends: its first verb of supply or making (为…提供 / 开发 / 生产 …)
OPENING_VERBS = (
    "为",
    "提供",
    "打造",
    "推出",
    "定制",
    "开发",
    "研发",
    "研制",
    "生产",
    "制造",
    "设计",
    "销售",
    "面向",
    "帮助",
)
OPENING_VERB_RX = re.compile("|".join(OPENING_VERBS))
# a slogan: a first sentence of at most 40 characters that ends with an exclamation mark
SLOGAN_RX = re.compile(f"(?:^|(?<={SEPARATOR}))[^{re.escape(_SENTENCE_BREAKS)}]{{1,40}}[！!]")
# A venue word at most VENUE_GAP characters after a keyword, in its clause, makes the keyword a park's, a fair's or a
# fund's ("半导体设备与材料展览会"): SegmentMatcher._before_venue
VENUE_GAP = 6
BREAK_BYTES_RX = re.compile(b"|".join(re.escape(c.encode("utf-8")) for c in _SENTENCE_BREAKS + _CLAUSE_BREAKS))
# what a vertical business sells as well ("整合营销解决方案", "在线教育app"): after a vertical word they name no product
GENERIC_OFFERS = frozenset(
    ("解决方案", "行业解决方案", "整体解决方案", "软件", "软件开发", "app", "小程序", "云平台", "管理系统")
)
# The business statement of the annual-report form: "公司主要从事【锂离子动力电池】的研发、生产和销售". The
# object of the statement, between a BUSINESS_OPENERS word and "的" + a BUSINESS_VERBS word in one clause,
# says what the firm does, as a core phrase does.
# 从事 also opens 主要从事 / 专业从事; the longer 主营 forms come first, so the object starts after them
BUSINESS_OPENERS = ("从事", "专注于", "专注", "致力于", "主营业务为", "主营业务是", "主营")
BUSINESS_VERBS = ("研发", "研制", "研究", "生产", "制造", "设计", "开发", "销售")
_BUSINESS_RX = _phrase_rx(BUSINESS_OPENERS, [f"的{v}" for v in BUSINESS_VERBS], 40)
# A customer phrase: "为【餐饮企业】提供… / 面向【金融行业】推出… / 帮助【制造企业】实现…" names whom the firm serves,
# as an application clause does, though the clause goes on to state the business: its words count as
# APPLICATION words (a 餐饮 customer does not make a software firm a catering business). The opener is
# 为 (not in 作为 / 成为 / 因为 …), 面向 or 帮助; the customers end in a noun of customers, followed by a verb
# of supply, all in one clause.
CUSTOMER_OPENERS = ("(?<![作成因认以称视更])为", "面向", "帮助")
CUSTOMER_NOUNS = (
    "企业",
    "行业",
    "机构",
    "客户",
    "用户",
    "商户",
    "商家",
    "门店",
    "医院",
    "酒店",  # 为酒店、医院和写字楼提供配送机器人: the places served, not the firm's trade
    "宾馆",
    "写字楼",
    "楼宇",
    "商场",
    "超市",
    "园区",
    "社区",
    "景区",
    "机场",
    "场馆",
    "学校",
    "院校",
    "高校",
    "驾校",
    "中心",  # 为数据中心 / 医院培训中心提供…
    "基地",
    "厂",  # 工厂, 晶圆厂, 整车厂, 电厂: a plant is a customer
    "单位",
    "部门",
    "公司",
    "银行",
    "车企",
    "厂商",
    "厂家",
    "政府",
    "合作社",
    "农户",
    "经销商",
    "运营商",
    "制造商",
    "供应商",
    "集成商",
    "服务商",
    "零售商",
    "品牌商",
    "卖家",  # 为跨境电商卖家提供ERP系统: the sellers are the customers, not the firm's trade
    "开发者",
)
_CUSTOMER_NOUN = "|".join(CUSTOMER_NOUNS)
CUSTOMER_VERBS = ("提供", "打造", "推出", "定制", "开发", "实现", "解决", "赋能", "销售")
_CUSTOMERS = f"(?:{'|'.join(CUSTOMER_OPENERS)})({_CLAUSE_TEXT}{{0,16}}?(?:{_CUSTOMER_NOUN}))(?:的)?"
_CUSTOMER_RX = re.compile(f"{_CUSTOMERS}(?:{'|'.join(CUSTOMER_VERBS)})")
# … and the customers whose work a firm takes on: "承接【日本金融、保险和制造业客户】的软件开发…外包项目"
_CUSTOMERS_OF_RX = re.compile(f"(?:承接|服务)({_CLAUSE_TEXT}{{0,16}}?(?:{_CUSTOMER_NOUN}))的")
# … and those a clause that opens with 服务 names to its end: "…，【已】服务【上海及周边十余家芯片制造企业】。" (not 服务机器人企业
# inside a statement: 服务 must open its clause)
_SERVED_RX = re.compile(
    f"(?:^|(?<=[{_BREAKS}]))(?:公司|我们|我司|本公司)?(?:已|累计|先后|目前|主要)?服务(?!机器人|型|业|外包|商)(?:于)?"
    f"({_CLAUSE_TEXT}{{0,20}}?(?:{_CUSTOMER_NOUN}))(?=$|[{_BREAKS}])"
)
# … and the trades a list closes with 等行业 names: "【保险、政务】等行业应用软件开发" (customers' trades, wherever they stand),
# read back from each 等行业 over at most SECTORS_REACH characters (_sector_spans)
SECTORS_END = "等行业"
SECTORS_REACH = 48
_SECTORS_RX = re.compile(r"(?:[^\W\d_]{1,6}[、和及与])*[^\W\d_]{1,6}$")
# … and the customers a product is aimed at: "是一款面向【课外培训机构和艺术培训学校】的SaaS管理软件"
_AIMED_AT_RX = re.compile(f"面向({_CLAUSE_TEXT}{{0,16}}?(?:{_CUSTOMER_NOUN}))的")
# What the firm supplies its customers, "为制造企业提供【MES系统】", says what it does, as a core phrase does:
# the rest of the clause after a customer phrase and a verb of supply (group 2)
SUPPLY_VERBS = ("提供", "打造", "推出", "定制", "开发")
_SUPPLY_RX = re.compile(f"{_CUSTOMERS}(?:{'|'.join(SUPPLY_VERBS)})({_CLAUSE_TEXT}{{1,40}})")
# The business statement that leads with its verb: "公司主要生产【牵引变流器】 / 专业研发【人脸识别算法】" — the rest
# of the clause after 主要 / 专业 / 专门 and a making verb (with more verbs joined: 主要研发和生产…)
# (not "专业生产企业 / 专业生产商" ending the clause: a kind of firm, the core phrase before it says what it makes)
# a kind of firm right after the verb, ending its clause (专业生产企业，… / 专业研发商。): no object follows; a noun of
# firms that opens an object (研发企业ERP软件, 开发企业级SaaS) is the object's first word
_KIND_NEXT = f"(?:{'|'.join(CORE_NOUNS)}|商|厂)(?:之一)?(?=[{_BREAKS}]|$)"
_STATED_RX = re.compile(
    f"(?:{'|'.join(STATED_LEADS)})(?:{'|'.join(STATED_VERBS)})(?:[和与及、]?(?:{'|'.join((*STATED_VERBS, '销售'))}))*"
    f"(?!{_KIND_NEXT})({_CLAUSE_TEXT}{{1,40}})"
)
# The headline: a description that opens with the kind of firm it is, "【医学教育信息化】服务商，…" or, after a
# short name and a colon, "慧眸科技：【零售门店客流统计与商品识别视觉算法】提供商。" — the whole opening clause,
# up to a CORE_NOUNS word that ends it, with no head cue in it (是一家… / 致力于成为…企业 are read as such)
_NO_CUE_TEXT = f"(?:(?!{'|'.join(HEAD_CUES)}){_CLAUSE_TEXT})"
_HEADLINE_RX = re.compile(
    f"(?:^|(?<={SEPARATOR}))(?:{_CLAUSE_TEXT}{{1,12}}[：:])?({_NO_CUE_TEXT}{{1,40}}?)(?:{'|'.join(CORE_NOUNS)})"
    f"(?=[{_BREAKS}]|$)"
)
# A description that opens with its verb, the subject left out or plain (研发针对…的小分子创新药 / 我们设计制造低地板有轨电车 /
# 该企业研发的视觉识别算法…): the rest of the opening clause, as a statement led by 主要 / 专业 is
# who a statement of the firm's own making names as its subject (公司生产… / 该企业研发的… / 我们团队设计…)
STATEMENT_SUBJECTS = ("公司", "本公司", "该公司", "我们", "我司", "企业", "本企业", "该企业", "团队", "我们团队")
# — or by the firm's short name, three to six characters with no word of grammar in them and no adverb or verb
# of means leading them, before a verb that is not "…的"
# ("光瞰传感研发车规级激光雷达", not "华庭置业开发的住宅项目" nor an adverb, "自主研发…")
_SHORT_NAME = "[\u4e00-\u9fff](?<![的为在与和及将已被由对向把是从等并也都其所以可能])"
NOT_SHORT_NAMES = (
    *("自主", "自行", "独立", "联合", "合作", "共同", "深耕", "专注", "聚焦", "致力", "持续", "不断"),
    *("帮助", "协助", "通过", "利用", "采用", "依托", "基于", "面向", "支持", "负责", "承接", "参与", "主要", "专业"),
)
_STATED_CHAIN = f"(?:{'|'.join(STATED_VERBS)})(?:[和与及、]?(?:{'|'.join((*STATED_VERBS, '销售'))}))*"
OPENING_STATED_RX = re.compile(
    f"(?:^|(?<={SEPARATOR}))(?:(?:{'|'.join(STATEMENT_SUBJECTS)})?{_STATED_CHAIN}"
    f"|(?!{'|'.join(NOT_SHORT_NAMES)})(?:{_SHORT_NAME}){{3,6}}?{_STATED_CHAIN}(?!的))"
    f"(?!{_KIND_NEXT})({_CLAUSE_TEXT}{{1,40}})"
)
# A focus that names its object and nothing more: "三十年专注【受电弓】。", "聚焦【国产中大型PLC和分布式IO模块】，" —
# the rest of the clause after 专注 / 聚焦 / 深耕, a bare noun phrase to the clause's end (no 的, no verb of business
# or trade, no means: 专注动力电池研发 and 专注…的研发 are other forms, _BUSINESS_RX reads the second; 专注于通过… a means)
_FOCUS_STOPS = ("的", *BUSINESS_VERBS, *METHOD_CUES, "贸易", "服务", "业务")
_FOCUS_RX = re.compile(
    f"(?:专注于|专注|聚焦于|聚焦|深耕于|深耕)((?:(?!{'|'.join(_FOCUS_STOPS)}){_CLAUSE_TEXT}){{1,30}})(?=[{_BREAKS}]|$)"
)
# The news form of the statement: the kind of firm before its quoted name, "车载激光雷达企业「光棱智感」完成B轮融资" /
# "协作机器人厂商“灵臂科技”…": what stands before the noun of firms says what the firm is
# (found by its end, the noun and the quote, and read back to the clause's start: news_spans)
_NEWS_END = f'(?:{"|".join(CORE_NOUNS + ("品牌", "独角兽"))})[「“"《『]'  # the noun of firms, then the quote
_NEWS_END_RX = re.compile(_NEWS_END)
_NEWS_LONGEST = 24
_CLAUSE_START_RX = re.compile(f"[{_BREAKS}]")
# The English self-description (texts are matched in lower case): "… is a leading 【manufacturer of precision
# bearings】", "we 【design and build compact electric suvs】", "… manufactures 【p4 precision bearings】", "specializing in
# 【…】" — what follows the opener names the business, up to the clause's end or a word that turns from it to customers,
# places or means (for, to, in, using …)
_EN_LETTER_LEFT, _EN_LETTER_RIGHT = "(?<![a-z])", "(?![a-z])"
EN_MAKING_VERBS = ("design", "develop", "make", "build", "manufacture", "produce", "supply", "provide", "offer")
EN_CORE_OPENERS = (
    "(?:is|are) (?:a|an|one of the)",
    f"we (?:(?:also|mainly|primarily) )?(?:{'|'.join(EN_MAKING_VERBS)})",
    f"(?:{'|'.join(v + ('es' if v.endswith('s') else 's') for v in EN_MAKING_VERBS)})",
    "speciali[sz](?:es|ed|ing|e) in",
    "focus(?:es|ed|ing)? on",
    "(?:manufacturer|maker|producer|developer|designer|supplier|provider)s? of",
)
EN_CORE_TURNS = "for|to|in|at|with|from|since|by|that|which|who|whose|serving|across|used|using|through|based"


class _StartChecked:
    """A pattern whose match must start where the character before it passes `ok` (or at the text's start): the
    plain definition is the pattern with a look-behind in front (`plain`), which re tries at every character of the
    field; searching for the body lets re skip to the characters it can start with (tests check both agree)."""

    def __init__(self, body: str, behind: str, ok, first: str = ""):
        # `first`: the characters a match can start with, as a look-ahead re skips by (the plain pattern has none)
        self.rx = re.compile((f"(?=[{first}])" if first else "") + body)
        self.plain, self._ok = re.compile(behind + body), ok

    def finditer(self, text: str) -> Iterator[re.Match]:
        pos = 0
        while (m := self.rx.search(text, pos)) is not None:
            i = m.start()
            if i == 0 or self._ok(text[i - 1]):
                yield m
                pos = max(m.end(), i + 1)
            else:
                pos = i + 1


def _not_latin(c: str) -> bool:
    return not ("a" <= c <= "z")


_EN_CORE_RX = _StartChecked(
    f"(?:{'|'.join(EN_CORE_OPENERS)}){_EN_LETTER_RIGHT}({_CLAUSE_TEXT}{{1,80}}?)"
    f"(?= (?:{EN_CORE_TURNS}){_EN_LETTER_RIGHT}|[{_BREAKS}]|$)",
    _EN_LETTER_LEFT,
    _not_latin,
    "iawdmbpsof",  # is / are, we, designs …, specializ…, offers, focus…, maker of …
)
# An English statement of trade (… is a distributor of industrial automation products: plcs, …): the firm resells what
# the clause and the ones after it in its sentence name, up to one that makes something (EN_MAKING_RX). Not
# "distribution" (power distribution is the grid's), nor rental or leasing (gpu leasing is a trade of its own)
EN_TRADE_RX = _StartChecked(
    f"(?:distribut(?:e|es|ed|ing|ors?)|resell(?:s|ing|ers?)?|trad(?:es|ing)|sourcing){_EN_LETTER_RIGHT}",
    _EN_LETTER_LEFT,
    _not_latin,
)
EN_MAKING_RX = re.compile(
    f"{_EN_LETTER_LEFT}(?:manufactur[a-z]*|design(?:s|ed|ing)?|develop(?:s|ed|ing)?|produc(?:e|es|ed|ing)|"
    f"mak(?:e|es|ing)|build(?:s|ing)?|fabricat[a-z]*|r&d|engineer(?:s|ed|ing)?){_EN_LETTER_RIGHT}"
)
# What the firm says it makes, "公司生产的【铁路扣件用弹性垫板】已在多条高铁干线使用" / "企业自主研发的【视觉检测设备】…": the
# object of its own making verb, its subject opening a clause (not 外地企业研发的…), up to a word that goes on to its
# use, sales or awards (已 / 广泛 / 用于 / 远销 …)
MADE_ENDS = (
    "已",
    "在",
    "被",
    "广泛",
    "应用",
    "用于",
    "主要",
    "远销",
    "出口",
    "销往",
    "获",
    "通过",
    "均",
    "先后",
    "累计",
)
_MADE_RX = _StartChecked(
    f"(?:{'|'.join(STATEMENT_SUBJECTS)})(?:自主|自行|独立)?(?:{'|'.join(STATED_VERBS)})"
    f"(?:[和与及、]?(?:{'|'.join(STATED_VERBS)}))*的({_CLAUSE_TEXT}{{2,30}}?)"
    f"(?={'|'.join(MADE_ENDS)}|[{_BREAKS}]|$)",
    f"(?:^|(?<=[{_BREAKS}]))",
    frozenset(_SENTENCE_BREAKS + _CLAUSE_BREAKS).__contains__,
)
# every form of a core phrase: (pattern, the group that is the phrase)
_CORE_PHRASES = (
    (_EN_CORE_RX, 1),
    (_MADE_RX, 1),
    (_FOCUS_RX, 1),
    (_CORE_RX, 1),
    (_BUSINESS_RX, 1),
    (_SUPPLY_RX, 2),
    (_STATED_RX, 1),
    (_HEADLINE_RX, 1),
    (OPENING_STATED_RX, 1),
)
_CUES = HEAD_CUES + APPLICATION_CUES + NOT_APPLICATION + METHOD_CUES
# application cues that say where the firm's product is used or whom it serves: inside a clause they start the
# application there, and what stands before them is the firm's own ("公司生产的【伺服电机】广泛应用于工业机器人");
# the others govern their whole clause (a job ad's 诚聘AI运营专员（熟练使用…）, a list closed by 等行业, the fields named
# before 的广泛应用: 致力于区块链技术在金融、医疗等领域的广泛应用)
APPLICATION_SPLITS = (
    "应用于",
    "应用在",
    "广泛用于",
    "可用于",
    "适用于",
    "用于",
    "服务于",
    "已服务",
    "累计服务",
    "覆盖",
    "涵盖",
    "涉及",
    "used in",
    "for use in",
    "sold to",
)
_APPLICATION_SPLIT_IDS = np.array([_CUES.index(c) for c in APPLICATION_SPLITS], dtype=np.int64)
_CUE_KIND = np.repeat([0, 1, 2, 3], [len(HEAD_CUES), len(APPLICATION_CUES), len(NOT_APPLICATION), len(METHOD_CUES)])
_CUE_AUTOMATON = ahocorasick_rs.AhoCorasick(_CUES, matchkind=ahocorasick_rs.MatchKind.Standard)  # all cues, one pass
_SENTENCE_CODES = np.array([ord(c) for c in _SENTENCE_BREAKS], dtype=np.uint32)
_CLAUSE_CODES = np.array([ord(c) for c in _CLAUSE_BREAKS], dtype=np.uint32)


def code_points(text: str) -> np.ndarray:
    """The code points of a text, by one C-level encode instead of ord() per character."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def clause_table(text: str, codes: np.ndarray | None = None, cued: bool = False) -> tuple[np.ndarray, ...]:
    """(start offsets, contexts) of every clause of a description, or of many descriptions joined
    by SEPARATOR, in one pass. Sentences end at 。！？；, newlines and SEPARATOR; clauses at ，：
    too. A clause is APPLICATION when it holds an application cue ("应用于/服务于/客户包括…"),
    else METHOD when it opens with a means cue ("通过/利用/基于…"), else HEAD when a head cue
    ("是一家/专注于/主要从事…") occurs in it or earlier in its sentence, else PLAIN. The clauses after
    an APPLICATION clause in its sentence are APPLICATION too (the list it opens), up to one with a head
    or means cue of its own. With `cued`, a third array: whether each clause holds a head cue itself (the
    clause that states the business, not the ones after it in its sentence)."""
    codes = code_points(text) if codes is None else codes
    sent_break = np.isin(codes, _SENTENCE_CODES)
    brk = sent_break | np.isin(codes, _CLAUSE_CODES)
    starts = np.flatnonzero(~brk & np.r_[True, brk[:-1]])
    found = np.array(
        _CUE_AUTOMATON.find_matches_as_indexes(text, overlapping=True) if len(starts) else [], dtype=np.int64
    ).reshape(-1, 3)
    if len(found):  # an application cue of use inside a clause starts the application there (APPLICATION_SPLITS)
        kind, pos = _CUE_KIND[found[:, 0]], found[:, 1]
        app = (kind == 1) & ~np.isin(pos, pos[kind == 2]) & np.isin(found[:, 0], _APPLICATION_SPLIT_IDS)
        clause = np.searchsorted(starts, pos, side="right") - 1
        first_cue = {}
        for p_, c_ in zip(pos[app].tolist(), clause[app].tolist()):
            if text[starts[c_] : p_].strip() and (c_ not in first_cue or p_ < first_cue[c_]):
                first_cue[c_] = p_
        if first_cue:
            starts = np.unique(np.r_[starts, list(first_cue.values())])
    k = len(starts)
    has_head, has_app, is_method = (np.zeros(k, dtype=bool) for _ in range(3))
    means_at = np.zeros(k, dtype=np.int64)
    if len(found):
        kind, pos = _CUE_KIND[found[:, 0]], found[:, 1]
        clause = np.searchsorted(starts, pos, side="right") - 1  # cue characters never break a clause
        has_head[clause[kind == 0]] = True
        app = (kind == 1) & ~np.isin(pos, pos[kind == 2])
        # an application cue belongs to the clause its last character stands in (广泛应用 overlaps the 应用于 that
        # starts the application: "产品广泛|应用于…")
        has_app[np.searchsorted(starts, found[app, 2] - 1, side="right") - 1] = True
        for p, c in zip(pos[kind == 3], clause[kind == 3]):
            if not is_method[c] and text[starts[c] : p].lstrip() in METHOD_LEADS:
                is_method[c] = True
                means_at[c] = p + 3  # the cue (two characters) and at least one of the means
    # a head cue makes the rest of its sentence HEAD: count head cues since the sentence began
    sentence = np.cumsum(~sent_break & np.r_[True, sent_break[:-1]])[starts]
    first = np.ones(k, dtype=bool)
    first[1:] = sentence[1:] != sentence[:-1]
    seen = np.cumsum(has_head)
    before_sentence = (seen - has_head)[first][np.cumsum(first) - 1]
    # an application cue governs the list that follows it in its sentence ("应用于电动汽车，手机，电动工具等领域")
    # until a clause with a head cue of its own ("，主要产品包括…") or a means cue
    marks = np.where(has_app | has_head | is_method | first, np.arange(k), 0)
    has_app = has_app | has_app[np.maximum.accumulate(marks)] if k else has_app
    ctx = np.where(has_app, APPLICATION, np.where(is_method, METHOD, np.where(seen > before_sentence, HEAD, PLAIN)))
    method = np.flatnonzero(ctx == METHOD)
    own = has_head
    if cued and k:  # a HEAD clause that opens a list or says how it trades (LIST_LEADS) goes on stating the business
        own = has_head.copy()
        for c in np.flatnonzero((ctx == HEAD) & ~has_head).tolist():
            own[c] = text.startswith(LIST_LEADS, starts[c])
    if len(method):  # a means ends at the verb that names the product: the rest reads as its sentence does
        ends = np.r_[starts[1:], len(text)]
        rest = np.where(seen > before_sentence, HEAD, PLAIN)
        at = [
            (m.start(), rest[c], has_head[c])
            for c in method.tolist()
            if (m := _METHOD_END_RX.search(text, means_at[c], ends[c]))
        ]
        if at:
            starts = np.r_[starts, [a for a, _, _ in at]]
            ctx = np.r_[ctx, [r for _, r, _ in at]]
            own = np.r_[own, [h for _, _, h in at]]
            order = np.argsort(starts, kind="stable")
            starts, ctx, own = starts[order], ctx[order], own[order]
    return (starts, ctx, own) if cued else (starts, ctx)


# what may close a business statement after its activity: 主营…租赁业务 / …的维修、维护服务
_STATEMENT_TAILS = ("业务", "服务", "工程")  # 工程: …配电柜安装调试工程 (an installer's project)
# (and what ends a clause: its breaks, and the SEPARATOR after the last clause of each of many joined texts)
_STATEMENT_TRIM = " \t\u3000，,：:；;。.、等！？!?\n" + SEPARATOR


def owned_clauses(text: str, starts: np.ndarray) -> np.ndarray:
    """bool per clause (character starts `starts`): it says what the firm owns by the unit (拥有各类挖掘机、装载机60余台,
    拥有纯电动网约车2800余辆): the fleet or machine park a service firm works with, not its products."""
    out = np.zeros(len(starts), dtype=bool)
    if len(starts) and "拥有" in text:
        for m in _OWNED_RX.finditer(text):
            out[np.searchsorted(starts, m.start(), side="right") - 1] = True
    return out


def trade_clauses(text: str, starts: np.ndarray, ctx: np.ndarray, own: np.ndarray) -> np.ndarray:
    """bool per clause (clause_table's starts, contexts and own-cue flags): a HEAD clause that states the business
    with its own cue but only trades or services what it names — it ends with a trade activity of the 经营范围
    rules (销售, 租赁, 维修, 安装 …, after a 业务 / 服务 tail) and holds no making one (生产, 研发, 设计 …):
    "公司主营挖掘机、起重机租赁", "专业从事数控机床维修和数控系统维护服务" —, and the HEAD clauses that go on
    with it in its sentence; and a PLAIN clause that opens with a trade verb, after the firm as subject at most
    ("…，批发各品牌断路器、接触器…"), or a METHOD one led by a resale cue (公司代理… / 经销…). The prose twin of a 经营范围
    that makes nothing (matcher.ingest.scope.scope_makes)."""
    out = np.zeros(len(starts), dtype=bool)
    rules = boilerplate()
    if not rules.trade_activities or not len(starts):
        return out
    head = ctx == HEAD
    ends = np.r_[starts[1:], len(text)]
    for c in np.flatnonzero(head).tolist():
        if not own[c]:  # a clause that goes on with the statement before it in its sentence
            out[c] = c > 0 and out[c - 1]
            continue
        out[c] = only_trades(text[starts[c] : ends[c]], rules)
    # the plain clauses (…位于柳市低压电器市场，【批发各品牌断路器】…, 【某某维修有限公司专业维修各品牌PLC】), found from the trade
    # words' places (one C-level search), not by reading every clause
    for m in _plain_trade_rx(rules.trade_activities).finditer(text):
        c = int(np.searchsorted(starts, m.start(), side="right")) - 1
        if c >= 0 and ctx[c] == PLAIN and _TRADE_LEAD_RX.fullmatch(text[starts[c] : m.start()].strip(_STATEMENT_TRIM)):
            out[c] = only_trades(text[m.start() : ends[c]], rules)
    # a clause led by a resale cue (代理 / 经销, a means among METHOD_CUES), after the firm as subject at most, that makes
    # nothing: the goods it names are resold ("公司代理多个品牌加工中心和数控车床的销售…", "经销力士乐液压泵阀")
    for c in np.flatnonzero(ctx == METHOD).tolist():
        clause = text[starts[c] : ends[c]].lstrip(_STATEMENT_TRIM)
        if clause.startswith(RESALE_CUES, _TRADE_LEAD_RX.match(clause).end()):
            out[c] = not makes_something(clause, rules)
    return out


# trade words that open a clause as a noun as often as a verb: a customer's or a kind of business (零售门店客流统计…,
# 经营理念…, 贸易公司…), so a plain clause is not read as a trade by them
_NOUN_FIRST_TRADES = ("零售", "经营", "贸易")


@lru_cache(maxsize=4)
def _plain_trade_rx(trade: tuple[str, ...]) -> re.Pattern:
    """The trade words that may open a plain clause as its trade (all but _NOUN_FIRST_TRADES)."""
    return re.compile(alternation(w for w in trade if w not in _NOUN_FIRST_TRADES))


# words that open a clause turning from what came before ("我们不做课程，而是…", "…，同时自主研发…")
TURN_WORDS = ("而是", "但", "同时", "另外", "此外", "并且", "还")
# what a statement that says what the firm does not do opens with: it states no trade ("我们不做面向家长的课程")
_NOT_DONE_RX = re.compile("不做|不是|并非|不从事|不卖")
# what may stand before a trade that leads a business statement: 公司主营销售… / 专业维修… / 本店经营…
# (the firm as its subject: 公司 / 本公司, or its full name — 某某自动化设备维修有限公司专业维修各品牌PLC…)
_TRADE_LEAD_RX = re.compile(
    "(?:[^，,。；;：:！!？?]{0,40}?公司|我司|我们|本店)?(?:专业|主要|长期|常年|主营|专门)?(?:从事)?"
)


# products whose names hold a making activity: a machine, not the activity (代理…加工中心的销售 makes nothing)
_ACTIVITY_PRODUCTS = ("加工中心",)


_NEGATIONS = tuple(w.encode("utf-8") for w in ("不", "未", "非"))  # one character each: 3 bytes
_EXCEPTS = tuple(w.encode("utf-8") for w in ("以外", "之外"))  # two characters each: 6 bytes


def _three_bytes(u8: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The 3 bytes from each offset `at` as one int (a CJK character in UTF-8)."""
    return (u8[at].astype(np.int32) << 16) | (u8[at + 1].astype(np.int32) << 8) | u8[at + 2]


def negated(data: bytes, beg: np.ndarray, end: np.ndarray) -> np.ndarray:
    """bool per match (byte starts `beg`, ends `end` in UTF-8 `data`): the character right before it negates it
    ("我们只提供软件，不【代运营】", "未【售电】"), or 以外 / 之外 right after it sets it aside ("主攻【两轮车】以外的乘用车
    市场"): what the firm says it does not do is none of its own words. Byte compares over all matches at once
    (no Python step per match); `negated_plain` is the definition, and the test holds them equal."""
    u8 = np.frombuffer(data, dtype=np.uint8)
    out = np.zeros(len(beg), dtype=bool)
    ok = beg >= 3
    if ok.any():
        out |= ok & np.isin(_three_bytes(u8, np.where(ok, beg - 3, 0)), [int.from_bytes(w, "big") for w in _NEGATIONS])
    ok = end + 6 <= len(u8)
    if ok.any():
        at = np.where(ok, end, 0)
        first, second = _three_bytes(u8, at), _three_bytes(u8, at + 3)
        for w in _EXCEPTS:
            out |= ok & (first == int.from_bytes(w[:3], "big")) & (second == int.from_bytes(w[3:], "big"))
    return out


def negated_plain(text: str, spans: list[tuple[int, int]]) -> list[bool]:
    """negated's definition on characters: each (start, end) span of `text` is preceded by 不 / 未 / 非 or followed
    by 以外 / 之外."""
    return [(a > 0 and text[a - 1] in "不未非") or text[b : b + 2] in ("以外", "之外") for a, b in spans]


def makes_something(text: str, rules, customers: bool = True) -> bool:
    """Whether a text names a making activity (生产, 研发, 设计 …: making_activities of the 经营范围 rules), not
    inside a product's name (_ACTIVITY_PRODUCTS) — nor, without `customers`, in its customers' (为【电子制造企业】提供…
    的现货供应: customer_spans), where what the firm itself does is asked."""
    for product in _ACTIVITY_PRODUCTS:
        text = text.replace(product, "")
    if not customers:
        starts, ends = customer_spans(text)
        for a, b in reversed(list(zip(starts.tolist(), ends.tolist()))):
            text = text[:a] + text[b:]
    return any(w in text for w in rules.making_activities)


def only_trades(clause: str, rules, led: bool = True) -> bool:
    """Whether a clause that states a business only trades or services what it names: it ends with a trade
    activity (after a kind of firm and a 业务 / 服务 tail are taken off: 一家专注机床附件贸易的公司) or, where `led`,
    leads with one (出租挖掘机、装载机… / 专业维修挖掘机), and holds no making activity. A clause after the statement
    is read by its ending only: one that opens with 零售 may name a customer (零售门店客流统计…)."""
    clause = clause.rstrip(_STATEMENT_TRIM)
    if _NOT_DONE_RX.search(clause):
        return False
    if clause.endswith(TRADER_NOUNS):  # 一家电子元器件代理商: the kind of firm is a trader's
        return not makes_something(clause, rules)
    # 一家专注机床附件贸易的公司 / 集团在华的销售子公司: the kind of firm after its trade (子公司 tried before 公司)
    for noun in ARM_NOUNS + CORE_NOUNS:
        if clause.endswith(noun):
            clause = clause.removesuffix(noun).removesuffix("的").rstrip(_STATEMENT_TRIM)
            break
    for tail in _STATEMENT_TAILS:
        clause = clause.removesuffix(tail).rstrip(_STATEMENT_TRIM)
    if makes_something(clause, rules):
        return False
    # the trade ends the statement (…挖掘机租赁) or leads it (出租挖掘机… / 专业维修挖掘机 / 公司主营销售…)
    if clause.endswith(rules.trade_activities):
        return not _trade_listed_apart(clause, rules.trade_activities)
    return led and clause.startswith(rules.trade_activities, _TRADE_LEAD_RX.match(clause).end())


_LIST_JOINS = ("以及", "及", "和", "与")


def _trade_listed_apart(clause: str, trade: tuple[str, ...]) -> bool:
    """Whether the trade that ends a clause is a list member of its own after goods that no trade word binds
    ("提供电动塞拉门、门控单元及维保": the doors and their upkeep), not the goods' trade ("挖掘机、装载机租赁",
    "销售断路器、接触器及维修") nor the last of the activities done to them ("锂辉石和碳酸锂的采购与贸易",
    "设备的电气改造和调试")."""
    end = max((len(w) for w in trade if clause.endswith(w)), default=0)
    head = clause[: len(clause) - end]
    join = next((j for j in _LIST_JOINS if head.endswith(j)), None)
    if join is None:
        return False
    goods = head[: len(head) - len(join)]
    return len(goods) >= 2 and "的" not in goods and not any(w in goods for w in trade)


_FIRST_CLAUSE_RX = re.compile(f"[^{_BREAKS}]*")


def intro_only_trades(text: str, rules) -> bool:
    """Whether a 简介 states a business that only trades: its opening clause only trades or services what it names
    (only_trades: 销售西门子、三菱PLC… / 一家电子元器件分销商) and nothing in it makes anything."""
    text = str(text)
    first = _FIRST_CLAUSE_RX.match(text).group()
    return only_trades(first, rules) and not makes_something(text, rules)


def going_on(text: str, starts: np.ndarray, ctx: np.ndarray, c: int, first: int, stop) -> Iterator[int]:
    """The clauses from `first` on that go on in the sentence of clause `c` (PLAIN or HEAD ones, with no sentence
    break before them after `c`), up to one for whose (start, end) `stop` is true: the goods a trade statement
    lists (低压电器批发：断路器、接触器…，品牌齐全), up to a clause that makes something."""
    n = first
    while n < len(starts) and ctx[n] in (PLAIN, HEAD):
        if n > c and any(b in _SENTENCE_BREAKS for b in text[starts[n - 1] : starts[n]]):
            return
        # the clause's end, read here: an array of ends over the whole field was built on every call
        if stop(int(starts[n]), int(starts[n + 1]) if n + 1 < len(starts) else len(text)):
            return
        yield n
        n += 1


def only_makes(clause: str, rules) -> bool:
    """Whether a clause ends with a making activity (研发制造 / 生产 / 研发 …, after a 业务 tail is taken off) and trades
    nothing: a description that opens "金属3D打印设备及球形粉末材料研发制造" names what the firm makes, as a core phrase."""
    clause = clause.rstrip(_STATEMENT_TRIM).removesuffix("业务").rstrip(_STATEMENT_TRIM)
    return clause.endswith(rules.maker_activities) and not any(w in clause for w in rules.trade_activities)


def news_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each kind of firm named before a quoted name ("车载激光雷达企业「…」"): the 2 to 24 characters
    of its clause before the noun of firms (a literal search for the noun and the quote, then back to the clause's
    start, rather than a pattern tried at every character)."""
    spans, after = [], 0  # after: where the last phrase's quote ended (phrases do not overlap)
    for m in _NEWS_END_RX.finditer(text):
        end = m.start()
        lo = max(end - _NEWS_LONGEST, after)
        breaks = [b.end() for b in _CLAUSE_START_RX.finditer(text, lo, end)]
        start = breaks[-1] if breaks else lo
        if end - start >= 2:
            spans.append((start, end))
            after = m.end()
    return spans


# the plain definition news_spans follows (tests/engine/test_match.py checks one against the other)
NEWS_RX = re.compile(f"({_CLAUSE_TEXT}{{2,{_NEWS_LONGEST}}}?){_NEWS_END}")


def core_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) character offsets of the core phrases of a description (or of many joined by
    SEPARATOR), sorted and disjoint: the shortest run of one clause between a CORE_OPENERS word and a
    CORE_NOUNS word, or between a BUSINESS_OPENERS word and "的" + a BUSINESS_VERBS word, or the rest of a
    clause after a customer phrase and a SUPPLY_VERBS word."""
    # "是一家专注于…的研发企业": overlapping phrases are one
    return _disjoint([m.span(group) for rx, group in _CORE_PHRASES for m in rx.finditer(text)] + news_spans(text))


def customer_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) character offsets of the customer phrases of a description (or of many joined by
    SEPARATOR), sorted and disjoint: the customers between 为 / 面向 / 帮助 and a verb of supply, between 承接 /
    服务 and a noun of customers with 的 (承接…厂商的…加工), between 面向 and a noun of customers with 的
    (面向培训机构的SaaS管理软件), after a 服务 that opens its clause, to the clause's end (…，服务十余家芯片制造企业), and
    the list a 等行业 closes (保险、政务等行业应用软件)."""
    return _disjoint(
        [m.span(1) for rx in (_CUSTOMER_RX, _CUSTOMERS_OF_RX, _AIMED_AT_RX, _SERVED_RX) for m in rx.finditer(text)]
        + _sector_spans(text)
    )


def _sector_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the list each 等行业 closes, found back from it (a window, not the whole text: the list's
    items may hold 和 / 与 / 及 themselves, which a forward search would try at every character)."""
    out, at = [], text.find(SECTORS_END)
    while at >= 0:
        a = max(at - SECTORS_REACH, 0)
        m = _SECTORS_RX.search(text, a, at)
        if m:
            out.append((m.start(), at))
        at = text.find(SECTORS_END, at + len(SECTORS_END))
    return out


# Frontier fields a slogan lists ("立足人工智能、大数据、区块链等前沿领域", "集人工智能、大数据、区块链、新能源于一体"): three
# or more of them in one run name fields the firm claims, not a product it makes (field_spans)
FRONTIER_FIELDS = (
    "人工智能",
    "AI",
    "大数据",
    "区块链",
    "云计算",
    "元宇宙",
    "物联网",
    "新能源",
    "5G",
    "Web3.0",
    "Web3",
    "数字孪生",
    "虚拟现实",
    "量子计算",
    "数字经济",
)
_FIELD = alternation(FRONTIER_FIELDS)
_FIELDS_RX = re.compile(f"(?:{_FIELD})(?:[、和与及](?:{_FIELD})){{2,}}", re.IGNORECASE)


def field_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) character offsets of the runs of three or more frontier fields (FRONTIER_FIELDS joined by 、 / 和 /
    与 / 及) in a description: a slogan's claims, read as application words, as a customer's are."""
    return _disjoint([m.span() for m in _FIELDS_RX.finditer(text)])


def _disjoint(spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of (start, end) spans sorted, overlapping ones merged into one: disjoint, as callers read them."""
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out = np.array(merged, dtype=np.int64).reshape(-1, 2)
    return out[:, 0], out[:, 1]


def clause_contexts(text: str) -> list[tuple[int, int]]:
    """(clause start, context) for every clause of one description (see clause_table)."""
    starts, ctx = clause_table(text)
    return list(zip(starts.tolist(), ctx.tolist()))


# a hyphen between two Latin letters reads as a space, in words and texts alike (fast-charging = fast charging,
# autonomous-driving platform = autonomous driving platform): same length, so every offset holds
_HYPHEN_RX = re.compile("(?<=[a-z])-(?=[a-z])")


def _hyphens_read_as_spaces(data: bytes) -> bytes:
    """_HYPHEN_RX's replacement over the joined texts, by the positions of the hyphens (a pattern that opens with
    a look-behind is tried at every byte of the field)."""
    if b"-" not in data:
        return data
    a = np.frombuffer(data, dtype=np.uint8)
    at = np.flatnonzero(a[1:-1] == ord("-")) + 1
    at = at[(a[at - 1] >= ord("a")) & (a[at - 1] <= ord("z")) & (a[at + 1] >= ord("a")) & (a[at + 1] <= ord("z"))]
    if not len(at):
        return data
    out = a.copy()
    out[at] = ord(" ")
    return out.tobytes()


def prep_text(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):  # canonical frames are normalised already
        text = unicodedata.normalize("NFKC", text)
    text = text.lower().replace(SEPARATOR, " ")
    return _HYPHEN_RX.sub(" ", text) if "-" in text else text


def prepare_texts(texts: list[str], ascii_case: bool = False) -> bytes:
    """All texts as matched (NFKC, lower case), joined by SEPARATOR, as UTF-8. Canonical frames hold
    NFKC text already, so the usual path is C-level passes over the joined text; with `ascii_case`
    (every cased letter of the vocabulary is ASCII, so no other letter can take part in a match)
    only the ASCII bytes are lower-cased. Anything else goes text by text."""
    big = SEPARATOR.join(texts)
    # one C-level pass over the whole field instead of a normalisation per text
    if big.count(SEPARATOR) == max(len(texts) - 1, 0) and unicodedata.is_normalized("NFKC", big):
        data = big.encode("utf-8").lower() if ascii_case else big.lower().encode("utf-8")
    else:
        data = SEPARATOR.join(prep_text(t) for t in texts).encode("utf-8")
    data = _hyphens_read_as_spaces(data)
    # an English sentence ends at a full stop and a space: read as a sentence break of the same length (";")
    return data.replace(b". ", b"; ")


def byte_offsets(codes: np.ndarray) -> np.ndarray:
    """The UTF-8 byte offset of every character offset (0 … len) of a text whose code points are
    `codes`: index it with character offsets."""
    width = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    return np.concatenate([[0], np.cumsum(width)])
