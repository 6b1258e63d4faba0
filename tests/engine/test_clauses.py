"""The clause table of a description and the statements read from it (matcher/engine/clauses.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.engine import clauses
from matcher.engine.clauses import (
    _CUES,
    APPLICATION,
    HEAD,
    METHOD,
    PLAIN,
    SEPARATOR,
    clause_contexts,
    clause_table,
    core_spans,
    customer_spans,
)

_STATEMENT_PIECES = [
    "is a ",
    "are one of the ",
    "we design ",
    "we also make ",
    "designs ",
    "develops ",
    "makes ",
    "builds ",
    "manufactures ",
    "produces ",
    "supplies ",
    "provides ",
    "offers ",
    "specializing in ",
    "specialises in ",
    "focuses on ",
    "maker of ",
    "providers of ",
    "distributes ",
    "resellers ",
    "trading ",
    "sourcing ",
    "servo motors",
    " for ",
    " to ",
    "re",
    "x",
    "公司",
    "该企业",
    "自主",
    "研发",
    "生产",
    "的",
    "芯片",
    "已",
    "，",
    "。",
    "；",
    " ",
]


@given(st.lists(st.sampled_from(_STATEMENT_PIECES), max_size=14))
def test_start_checked_patterns_find_what_their_plain_definition_finds(pieces):
    """The English statement, the English trade and the made-it phrase are searched by their bodies, the character
    before checked after: they find what the plain patterns (a look-behind in front) find."""
    text = "".join(pieces)
    for rx in (clauses._EN_CORE_RX, clauses.EN_TRADE_RX, clauses._MADE_RX):
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in rx.plain.finditer(text)]
        assert [m.groups() for m in rx.finditer(text)] == [m.groups() for m in rx.plain.finditer(text)]


@given(st.text(alphabet="ab-z 芯片-0.", max_size=40))
def test_hyphens_are_found_as_the_plain_pattern_finds_them(text):
    """The hyphen replacement by positions gives what the plain pattern gives."""
    data = text.encode("utf-8")
    plain = clauses._HYPHEN_RX.sub(" ", text).encode("utf-8")
    assert clauses._hyphens_read_as_spaces(data) == plain


def test_an_english_sentence_ends_at_a_full_stop():
    """A full stop and a space end an English sentence: a head or application cue governs its own sentence only."""
    starts, ctx = clauses.clause_table(
        clauses.prepare_texts(["portfolio companies include chipmakers. we design smart meters"]).decode()
    )
    assert ctx[0] == clauses.APPLICATION and ctx[-1] != clauses.APPLICATION


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "本公司是一家专业从事锂电池研发的企业，产品广泛应用于新能源汽车，通过自主技术降低成本。",
            [HEAD, HEAD, APPLICATION, METHOD],  # 产品广泛|应用于…: a cue of use starts the application where it stands
        ),
        ("公司主营伺服电机，兼营贸易。另有咨询业务", [HEAD, HEAD, PLAIN]),  # HEAD lasts to the sentence end
        ("集研发、生产、服务于一体，客户包括多家车企", [PLAIN, APPLICATION]),  # 服务于一体 is no customer
        ("开发码头操作系统等行业软件，客户包括多家港口", [PLAIN, APPLICATION]),  # 等行业软件 lists products
        ("产品用于电力、交通等行业，并提供运维服务", [PLAIN, APPLICATION, APPLICATION]),  # 等行业 alone names customers
        ("为培训机构提供排课和收费管理软件，已服务3000余家校外培训机构", [PLAIN, APPLICATION]),
        ("公司负责小镇的开发建设，小镇聚集了大量云计算企业", [PLAIN, APPLICATION]),  # a park's tenants
        ("公司并通过合作开展业务：主要利用视觉算法", [PLAIN, METHOD]),  # one lead word at most before the cue
        ("生产芯片，但非主要通过自建产线", [PLAIN, PLAIN]),
        ("公司是一家检测企业，致力于通过大数据技术服务客户", [HEAD, METHOD]),  # a purpose may stand before the means
        (
            "公司是一家检测企业，致力于大数据，通过云计算降本",
            [HEAD, HEAD, METHOD],
        ),  # a means cue counts only where the clause opens with it
        # an application cue governs the list after it, to the sentence end …
        ("产品应用于电动汽车，手机，电动工具等领域。公司生产正极材料", [PLAIN] + [APPLICATION] * 3 + [PLAIN]),
        # … or to a clause with a head or means cue of its own
        ("产品应用于电力行业，主要产品包括变压器，开关柜", [PLAIN, APPLICATION, HEAD, HEAD]),
        ("公司主要生产牵引变流器，产品用于地铁", [HEAD, HEAD, APPLICATION]),  # 主要生产 states the business
        # what stands before a cue of use in its clause is the firm's own product; what follows it, the use
        ("公司生产的伺服电机广泛应用于工业机器人和数控机床", [PLAIN, APPLICATION]),
        ("诚聘AI运营专员（熟练使用大模型工具）", [APPLICATION]),  # a job ad's requirements govern their clause
        ("致力于区块链技术在金融、医疗等领域的广泛应用", [APPLICATION]),  # 的广泛应用: the fields stand before it
        # a means ends at the verb that names the product: the rest reads as its sentence does
        ("公司基于大模型为企业提供智能客服系统", [METHOD, PLAIN]),
        ("公司是一家软件企业，利用人工智能技术开发影像诊断软件", [HEAD, METHOD, HEAD]),
        ("公司采用自主研发的传感器技术", [METHOD]),  # 研发的…: still the means
        ("公司基于开源基座训练了法律大模型", [METHOD, PLAIN]),  # 训练 names the product as 开发 does
        ("公司凭借以人为本的管理机制为客户服务", [METHOD]),  # no product verb: all of it the means
        ("本公司代理多个国际品牌的传感器和MCU", [METHOD]),  # goods resold, whoever says it (本公司 / 我司 / 我们)
        ("我们代理日本品牌的伺服电机", [METHOD]),
        ("公司生产显示模组，客户为车载中控厂商", [PLAIN, APPLICATION]),  # 客户为 names the customers
        ("以客户为中心，生产锂电池", [PLAIN, PLAIN]),  # a motto names none
        ("主营快充充电器，快充芯片采购自国内厂商", [HEAD, APPLICATION]),  # what a firm buys in is an input
        ("主营户外电源，磷酸铁锂电芯外购", [HEAD, APPLICATION]),  # bought in from outside: an input
        ("公司生产定制家具，工厂引入了数控开料中心", [PLAIN, APPLICATION]),  # what a plant brought in: its tools
        # English statements (lower case, as texts are matched) state the business too
        ("founded in 2005, acme is a maker of gear motors, used in cranes", [PLAIN, HEAD, APPLICATION]),
        ("we design servo drives; our offices are in suzhou", [HEAD, PLAIN]),
        ("acme co, ltd; manufactures gear motors", [PLAIN, PLAIN, HEAD]),
        ("this analysis is based on data", [PLAIN]),  # no statement
        ("", []),
    ],
)
def test_clause_contexts(text, expected):
    assert [ctx for _, ctx in clause_contexts(text)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("甲科技是一家动力电池研发商，产品应用于汽车", ["动力电池"]),
        ("公司是国内领先的锂电池隔膜专业生产企业。另是一家贸易公司", ["领先的锂电池隔膜专业生产", "贸易"]),
        ("是一家，动力电池企业", []),  # a core phrase stays inside one clause
        ("是一家动力电池" + SEPARATOR + "企业", []),  # and inside one text
        ("专注动力电池研发", []),
        # the business statement of the annual-report form
        ("公司主要从事锂离子动力电池的研发、生产和销售", ["锂离子动力电池"]),
        ("专注于财务软件的开发，并提供服务", ["财务软件"]),
        ("公司专注谐波减速器的研发和制造", ["谐波减速器"]),  # 专注 without 于 opens it too
        ("主要从事动力电池，并负责其研发", []),  # no "的 + verb" in the clause: no object named
        ("主要从事电池贸易", []),
        ("公司从事地铁车辆空调的研发与制造", ["地铁车辆空调"]),  # 从事 alone opens it too
        ("致力于服务机器人的研发和推广", ["服务机器人"]),
        ("公司主营业务为动力电池的研发、生产和销售", ["动力电池"]),
        # the statement that leads with its verb
        ("公司主要生产牵引变流器，产品用于地铁", ["牵引变流器"]),
        ("公司专业研发和生产伺服电机", ["伺服电机"]),
        ("公司成立于2003年，公司生产伺服电机", []),  # a bare verb states no business, but …
        ("公司生产伺服电机，产品出口欧美", ["伺服电机"]),  # … where it opens the description
        ("研发针对阿尔茨海默病的小分子创新药，并开展临床前研究", ["针对阿尔茨海默病的小分子创新药"]),
        ("我们设计制造低地板有轨电车" + SEPARATOR + "公司生产电机", ["低地板有轨电车", "电机"]),  # each text opens
        # … or by the firm's short name, before a verb that is not "…的"
        ("光瞰传感研发车规级固态激光雷达，已获三家主机厂定点", ["车规级固态激光雷达"]),
        ("华庭置业开发的住宅项目主打智慧社区", []),  # a developer's project, not a statement of its making
        ("自主研发千亿参数通用大模型", []),  # an adverb is no short name
        ("深耕研发领域二十年", []),
        ("公司主营动力电池的研发与销售", ["动力电池"]),
        ("致力于成为行业领先企业", []),  # a mission names no object
        # overlapping phrases merge into one span (the spans stay sorted and disjoint)
        ("是一家专注于动力电池的研发企业", ["专注于动力电池的研发"]),
        # what the firm supplies its customers, to the end of the clause
        ("公司主要为制造企业提供MES系统和工业APP，质量可靠", ["MES系统和工业APP"]),
        ("面向车企推出电池管理系统", ["电池管理系统"]),  # 车企 names the customers
        ("面向车辆推出电池管理系统", []),  # 车辆 is no customer noun
        ("帮助制造企业实现数字化转型", []),  # a benefit, not a product
        # the headline: a description that opens with the kind of firm it is
        ("医学教育信息化服务商，开发临床技能教学系统", ["医学教育信息化"]),
        ("慧眸科技：零售门店视觉算法提供商。", ["零售门店视觉算法"]),
        ("一家做陪伴机器人的初创公司，产品面向老人", ["一家做陪伴机器人的初创"]),
        ("公司成立于2003年，" + SEPARATOR + "动力电池生产企业", ["动力电池生产"]),  # each text opens its own
        ("公司成立于2003年，动力电池生产企业", []),  # not a later clause
        ("锂电池回收企业众多", []),  # the kind of firm ends the clause
        # a focus that names its object and nothing more
        ("三十年专注受电弓。公司另有检修业务", ["受电弓"]),
        ("聚焦国产中大型PLC和分布式IO模块，产品已替代进口", ["国产中大型PLC和分布式IO模块"]),
        # what the firm says it makes: the object of its own making verb, up to its use, sales or awards
        ("成立于2005年。公司生产的铁路扣件用弹性垫板已在多条高铁干线使用", ["铁路扣件用弹性垫板"]),
        ("外地企业研发的芯片", []),  # not the firm's own statement
        # the English self-description (lower case, as texts are matched): up to a word that turns to customers,
        # places or means, or the clause's end
        (
            "acme is a leading manufacturer of traction motors for city buses",
            [" leading manufacturer of traction motors"],
        ),
        ("we design and build servo presses, and we ship worldwide", [" and build servo presses"]),
        ("acme co; manufactures hydraulic cylinders in ningbo", [" hydraulic cylinders"]),
        ("we specialize in wafer cleaning equipment", [" wafer cleaning equipment"]),
        ("we provide consulting services to chip makers", [" consulting services"]),
        ("acme remakes old furniture", []),  # a verb inside a longer word opens nothing
        ("founded in 2010, acme has 300 staff", []),
    ],
)
def test_core_spans(text, expected):
    starts, ends = core_spans(text)
    assert [text[a:b] for a, b in zip(starts, ends)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("是一家SaaS服务提供商，为餐饮企业提供收银系统", ["餐饮企业"]),
        ("致力于为金融机构提供风控软件", ["金融机构"]),
        ("面向新能源汽车企业推出电池管理系统", ["新能源汽车企业"]),
        ("帮助制造企业实现数字化转型", ["制造企业"]),
        ("为银行和消费金融公司提供风控系统", ["银行和消费金融公司"]),
        ("为各省电网公司提供调度自动化系统", ["各省电网公司"]),
        ("为农业企业和合作社提供水肥控制系统", ["农业企业和合作社"]),
        ("面向培训机构和民办学校销售教务管理系统", ["培训机构和民办学校"]),  # whom it sells to
        ("为客户提供一站式服务，为用户的出行提供便利", ["客户"]),  # 用户的出行 is no customer noun before the verb
        ("致力于成为行业领先的企业，提供工业机器人", []),  # 成为 is not 为
        ("作为高新技术企业提供就业岗位", []),
        ("为餐饮企业，提供收银系统", []),  # one clause
        ("公司主要产品为电池管理系统", []),  # no customers, no verb of supply
        # the customers whose work a firm takes on: 承接 / 服务 … 客户的 / 用户的
        ("主要承接日本金融、保险和制造业客户的软件开发外包项目", ["日本金融、保险和制造业客户"]),
        ("服务银行和证券客户的数据中心运维", ["银行和证券客户"]),
        ("承接半导体设备和医疗器械厂商的精密零部件加工业务", ["半导体设备和医疗器械厂商"]),  # any noun of customers
        ("主要承接铁路工程的施工", []),  # no customers named
        ("为银行提供系统，承接保险客户的开发", ["银行", "保险客户"]),
        # the customers a product is aimed at: 面向 … a noun of customers 的
        ("是一款面向课外培训机构和艺术培训学校的SaaS管理软件", ["课外培训机构和艺术培训学校"]),
        ("是一家面向中小学的在线教育平台", []),  # 中小学 names no customer noun: the firm's own trade
        # sellers, developers and the makers a supplier serves are customers
        ("为跨境电商卖家提供SaaS化ERP系统", ["跨境电商卖家"]),
        ("为新能源汽车制造商提供电池管理系统", ["新能源汽车制造商"]),
        # a clause that opens with 服务 names its customers to its end; not 服务 inside a statement
        ("提供无尘服清洗，服务上海及周边十余家芯片制造企业。", ["上海及周边十余家芯片制造企业"]),
        ("公司已服务300余家医院。", ["300余家医院"]),
        ("公司是一家服务机器人企业", []),
        ("服务机器人研发企业", []),  # 服务 opens the clause but names the product
        ("服务型制造企业", []),
        # the places a firm serves are its customers (a hotel, an office block, a mall)
        ("为宾馆、商场和写字楼提供楼宇配送机器人", ["宾馆、商场和写字楼"]),
        # the trades a list closes with 等行业 are its customers' (wherever the list stands)
        ("银行、证券等行业应用软件开发", ["银行、证券"]),
        ("金融和政务等行业的数据库", ["金融和政务"]),
        ("锂电池、储能电池等产品", []),  # 等产品 lists the firm's own goods
    ],
)
def test_customer_spans(text, expected):
    starts, ends = customer_spans(text)
    assert [text[a:b] for a, b in zip(starts, ends)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # three or more frontier fields in one run: a slogan's claims, not a product
        ("立足人工智能、大数据、区块链等前沿领域", ["人工智能、大数据、区块链"]),
        ("集AI、大数据、区块链与新能源于一体", ["AI、大数据、区块链与新能源"]),
        ("研发人工智能和大数据平台", []),  # two fields and a product
        ("人工智能、智能网联汽车、区块链", []),  # a product breaks the run
    ],
)
def test_field_spans(text, expected):
    from matcher.engine.clauses import field_spans

    starts, ends = field_spans(text)
    assert [text[a:b] for a, b in zip(starts, ends)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # a fleet or machine park owned, counted by the unit: the goods a service firm works with
        ("公司拥有挖掘机、装载机60余台，承接土方工程", [True, False]),
        ("拥有植保无人机120架", [True]),
        ("我司拥有纯电动网约车 2800 余辆", [True]),
        ("公司拥有年产10万辆整车的产能，生产纯电动乘用车", [False, False]),  # what it makes by the unit
        ("公司累计销售工业机器人2000台", [False]),  # what it sold, no owning
        ("公司拥有发明专利30项，生产伺服电机", [False, False]),  # no unit of goods
        ("生产伺服电机，拥有数控机床40台", [False, True]),
        # the process lines a job shop works with: the processes it sells
        ("提供精密钣金加工，拥有激光切割、数控折弯和焊接生产线", [False, True]),
        ("拥有注塑、压铸等生产线", [True]),
        ("拥有全自动锂电池生产线", [False]),  # a line named by its product
    ],
)
def test_owned_clauses(text, expected):
    starts, _ = clause_table(text)
    assert clauses.owned_clauses(text, starts).tolist() == expected


@settings(max_examples=300)
@given(
    st.lists(
        st.lists(
            st.sampled_from(list(_CUES) + ["，", "。", "；", "\n", " ", "电池", "并", "一体", "a"]), max_size=12
        ).map("".join),
        min_size=1,
        max_size=5,
    )
)
def test_clause_table_of_joined_texts_is_the_texts_one_by_one(texts):
    starts, ctx = clause_table(SEPARATOR.join(t for t in texts))
    offset, expected = 0, []
    for t in texts:
        expected += [(offset + s, c) for s, c in clause_contexts(t)]
        offset += len(t) + 1
    assert list(zip(starts.tolist(), ctx.tolist())) == expected


def test_clause_table_marks_the_clauses_that_state_the_business():
    text = "公司是一家专业生产动力电池的企业，营销中心位于上海。平台致力于提供预约服务，包括体检预约，可随时预约"
    starts, ctx, own = clause_table(text, cued=True)
    plain = clause_table(text)
    assert np.array_equal(starts, plain[0]) and np.array_equal(ctx, plain[1])
    clauses = [text[a:b].rstrip("，。") for a, b in zip(starts.tolist(), [*starts.tolist()[1:], len(text)])]
    stated = [c for c, o in zip(clauses, own.tolist()) if o]
    assert stated == ["公司是一家专业生产动力电池的企业", "平台致力于提供预约服务", "包括体检预约"]


@pytest.mark.parametrize(
    "intro", ["公司专注工业视觉检测设备，产品用于汽车行业。", "公司专注于工业视觉检测设备，产品用于汽车行业。"]
)
def test_zhuanzhu_states_the_business_with_or_without_yu(intro):
    """专注 opens the business statement whether 于 follows or not (专注工业视觉… is as common as 专注于…)."""
    starts, ctx, own = clauses.clause_table(intro, cued=True)
    assert ctx[0] == clauses.HEAD and own[0]


def test_a_plant_is_a_customer():
    """为…厂提供 names a plant as the customer (晶圆厂, 整车厂), as 为…企业提供 does: the fab's cleaners are not a fab."""
    starts, ends = clauses.customer_spans("公司为多家12英寸晶圆厂提供厂区保洁服务。")
    assert len(starts) == 1


def test_shi_yi_suo_states_the_business():
    """是一所 (a school, a hospital) opens a business statement as 是一家 does."""
    starts, ctx, own = clauses.clause_table("学校是一所职业培训学校，开设工业机器人编程课程。", cued=True)
    assert ctx[0] == clauses.HEAD and own[0]


def test_body_panels_are_no_application_cue():
    """覆盖 names a market (产品覆盖全国), but 汽车覆盖件 are body panels: the press-line maker's clause states its
    business."""
    starts, ctx, own = clauses.clause_table("专业制造伺服压力机和汽车覆盖件冲压生产线。", cued=True)
    assert ctx[0] == clauses.HEAD
    starts, ctx = clauses.clause_table("产品覆盖全国三十个省市。")
    assert ctx[-1] == clauses.APPLICATION  # 产品|覆盖全国…: the market it covers


@pytest.mark.parametrize(
    "text, traded",
    [
        ("公司主营挖掘机、汽车起重机和高空作业车租赁，自有设备300余台。", [True, True]),  # the sentence goes on
        ("公司专业从事数控机床维修和数控系统维护服务。", [True]),
        ("公司主要从事工业机器人的代理销售业务。", [True]),
        ("公司主要从事锂离子动力电池的研发、生产和销售。", [False]),  # makes what it sells
        ("公司设有销售中心，负责挖掘机租赁。", [False, False]),  # no statement of the business
        ("公司主营挖掘机租赁。公司另有装载机生产线。", [True, False]),  # a new sentence is read on its own
        ("一家专注数控刀具与机床附件贸易的公司，代理德国品牌。", [True, True]),  # the kind of firm after its trade
        # a clause led by a resale cue resells what it names, unless it makes something
        ("公司代理多个品牌的伺服电机，同时自主研发生产减速器。", [True, False]),
        ("经销力士乐液压泵阀和密封件。", [True]),
        ("公司代理日本品牌加工中心和数控车床的销售与售后服务。", [True]),  # 加工中心 is a machine, not 加工
        ("公司代理生产锂电池隔膜的进口设备。", [False]),
        ("一家专注数控刀具研发的企业。", [False]),
        ("公司主营销售工业机器人和协作机器人。", [True]),  # the trade leads the statement
        ("公司主要从事销售和出租工程机械。", [True]),
        (
            "某某自动化设备维修有限公司专业维修各品牌PLC、变频器和伺服驱动器。",
            [True],
        ),  # the firm's full name as subject
        # a plain clause that opens with its trade trades what it names (not the clause before it)
        ("某某电器批发有限公司位于柳市低压电器市场，批发各品牌断路器、接触器和配电箱。", [False, True]),
        ("公司位于柳市，研发生产断路器和接触器。", [False, False]),
        # packaging makes the devices it names (封装 is a making activity of the 经营范围 rules)
        ("公司主营功率半导体器件的封装测试与销售。", [False]),
        ("公司主营功率半导体器件的代理与销售。", [True]),
        # a catalogue house that calls itself a general supplier trades what it names
        ("公司是一家实验室耗材与仪器的综合供应商。", [True]),
        ("公司是一家工业软件解决方案供应商。", [False]),
        # an installer's project (…安装调试工程) trades what it installs, as a 业务 / 服务 tail does
        ("公司主营配电柜安装调试工程。", [True]),
        ("公司主营智能电网工程。", [False]),
        # an emergency repair service (抢修) repairs others' lines, as 维修 does
        ("公司主营配电线路抢修服务。", [True]),
    ],
)
def test_trade_clauses_are_statements_that_only_trade(text, traded):
    """A clause that states the business but ends with a trade or service activity and names no making one is a
    reseller's or a servicer's statement (the prose twin of a 经营范围 that makes nothing)."""
    starts, ctx, own = clauses.clause_table(text, cued=True)
    assert clauses.trade_clauses(text, starts, ctx, own).tolist() == traded


_NEWS_PIECES = [
    "甲",
    "乙车",
    "企业",
    "公司",
    "厂商",
    "品牌",
    "「",
    "“",
    "《",
    "」",
    "，",
    "。",
    "\x00",
    "甲乙丙丁戊己庚辛壬癸子丑",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_NEWS_PIECES), max_size=30).map("".join))
def test_news_spans_follow_the_plain_pattern(text):
    """news_spans (a literal search read backwards) finds what the plain pattern NEWS_RX finds."""
    assert clauses.news_spans(text) == [m.span(1) for m in clauses.NEWS_RX.finditer(text)]


def test_the_customers_making_is_not_the_firms():
    """A customer phrase's making words (为电子【制造】企业提供…) are what the customers do: a supplier whose statement
    names no making of its own makes nothing; one that names its own still does."""
    rules = clauses.boilerplate()
    supply = "为中小电子制造企业提供MCU、电源芯片的现货供应"
    assert not clauses.makes_something(supply, rules, customers=False)
    assert clauses.makes_something(supply, rules)  # the customers' words counted (a statement's own test)
    assert clauses.makes_something("为汽车制造企业提供零部件加工", rules, customers=False)
    assert clauses.makes_something("电子制造企业", rules, customers=False)  # no customer phrase: read as they stand


_NEGATION_PIECES = ["不", "未", "非", "以外", "之外", "以", "外", "代运营", "两轮车", "a", "，", "\x00", "電"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NEGATION_PIECES), min_size=1, max_size=12), st.data())
def test_negated_is_its_plain_definition(pieces, data):
    """negated (byte compares over the joined texts) finds what negated_plain finds on characters."""
    text = "".join(pieces)
    cuts = [0, *np.cumsum([len(p) for p in pieces]).tolist()]  # matches start and end between pieces
    spans = data.draw(st.lists(st.tuples(st.sampled_from(cuts), st.sampled_from(cuts)).map(sorted), max_size=6))
    byte_at = [len(text[:i].encode("utf-8")) for i in range(len(text) + 1)]
    beg = np.array([byte_at[a] for a, _ in spans], dtype=np.int64)
    end = np.array([byte_at[b] for _, b in spans], dtype=np.int64)
    assert clauses.negated(text.encode("utf-8"), beg, end).tolist() == clauses.negated_plain(text, spans)


def test_negated_words():
    text = "我们只提供软件，不代运营；主攻两轮车以外的乘用车市场；代运营。"
    spans = [(text.index("代运营"), text.index("代运营") + 3), (text.index("两轮车"), text.index("两轮车") + 3)]
    spans.append((text.rindex("代运营"), text.rindex("代运营") + 3))
    assert clauses.negated_plain(text, spans) == [True, True, False]
