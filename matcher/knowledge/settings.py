"""Scoring settings: every weight and threshold, its default and its help text, in one place.

`Settings` is a frozen dataclass; each field's metadata carries a Chinese label and help text, a
range, a step and the stage that uses it (MATCH: matching and the component table; RANK: the
total score `rank` recomputes from stored components). The CLI builds its `--help` and flags from
it, the app builds its sliders from it (grouped by stage), the matcher and the scorer read their
parameters from it and the session derives which settings re-rank and which re-match from the
stages (`stage_settings`); the API accepts overrides by field name (`Settings().replace(w_fit=0.8)`),
so a setting is declared exactly once. Paths to the shipped data live here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..errors import MatcherError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PACKAGE_DIR.parent / "data"
CHAINS_DIR = DATA_DIR / "chains"
ZONES_DIR = DATA_DIR / "zones"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLES_DIR = DATA_DIR / "samples"
DEFAULT_ZONE = ZONES_DIR / "nanjing-etdz.yaml"
SAMPLE_FILE = SAMPLES_DIR / "candidates_qcc.xlsx"
CHAIN_IDS = ("ai", "nev", "ime", "rail", "bio", "ic", "software", "grid")  # the plan's eight chains, in its order


# The stage that uses a setting. MATCH: matching and the component table (relevance, evidence, the best
# segment, whether a company fits a chain); changing one needs a new match. RANK: the total score, tier and
# order, which `rank` recomputes from stored components; changing one re-ranks without re-matching.
MATCH, RANK = "match", "rank"
STAGES = (MATCH, RANK)


def _f(default: float, stage: str, label: str, help: str, lo: float, hi: float, step: float):
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    return field(
        default=default, metadata={"label": label, "help": help, "min": lo, "max": hi, "step": step, "stage": stage}
    )


@dataclass(frozen=True)
class Settings:
    # --- how the total score is put together -------------------------------------------------
    w_fit: float = _f(
        0.75, RANK, "匹配缺口权重", "得分中“产业匹配度 × 缺口权重 × 产业链优先级”所占的比重。", 0.0, 1.0, 0.05
    )
    w_strength: float = _f(
        0.25,
        RANK,
        "企业实力权重",
        "得分中企业实力（注册资本、参保人数、成立年限、上市/资质/融资）所占的比重。",
        0.0,
        1.0,
        0.05,
    )
    w_distance: float = _f(
        0.05,
        RANK,
        "距离权重",
        "得分中“离园区近”所占的比重：配套半径内接近满分，越远越低；位置未知按中性计。",
        0.0,
        1.0,
        0.05,
    )
    radius_km: float = _f(
        150.0,
        RANK,
        "配套半径（公里）",
        "园区的配套半径：企业离园区越远，距离分越低，在此半径处约为满分的 0.37 倍；招商地图上也画出此半径。",
        10.0,
        2000.0,
        10.0,
    )
    tier_a: float = _f(60.0, RANK, "A 类门槛", "得分不低于此值为 A 类重点目标。", 0.0, 100.0, 1.0)
    tier_b: float = _f(
        40.0, RANK, "B 类门槛", "得分不低于此值（且低于 A 类门槛）为 B 类目标，其余有链企业为 C 类。", 0.0, 100.0, 1.0
    )
    # --- what an A (worth a visit) needs besides its score: a known fact below a floor keeps it B ---------
    a_min_employees: float = _f(
        10.0,
        RANK,
        "A 类最低参保人数",
        "得分达到 A 类门槛、但参保人数少于此数的企业列为 B 类（人数未知时不限制）。0 为不限制。",
        0.0,
        1000.0,
        5.0,
    )
    a_min_capital_wan: float = _f(
        100.0,
        RANK,
        "A 类最低注册资本（万元）",
        "得分达到 A 类门槛、但注册资本低于此数（万元）的企业列为 B 类（资本未知时不限制）。0 为不限制。",
        0.0,
        100000.0,
        50.0,
    )
    a_min_age_years: float = _f(
        1.0,
        RANK,
        "A 类最低成立年限（年）",
        "得分达到 A 类门槛、但成立不满此年数的企业列为 B 类（成立日期未知时不限制）。0 为不限制。",
        0.0,
        30.0,
        1.0,
    )
    a_no_branch: float = _f(
        1.0,
        RANK,
        "A 类不含分公司",
        "为 1 时，分公司、分支机构即使得分达到 A 类门槛也列为 B 类（宜找其总公司洽谈）；为 0 时不限制。",
        0.0,
        1.0,
        1.0,
    )
    a_active_only: float = _f(
        1.0,
        RANK,
        "A 类只含在营企业",
        "为 1 时，登记状态不是在营、存续、开业等正常状态的企业即使得分达到 A 类门槛也列为 B 类"
        "（名单没有登记状态时不限制）；为 0 时不限制。",
        0.0,
        1.0,
        1.0,
    )
    penalty_abnormal: float = _f(0.30, RANK, "经营异常扣减", "列入经营异常名录时，得分按此比例扣减。", 0.0, 1.0, 0.05)
    penalty_dishonest: float = _f(0.60, RANK, "失信扣减", "为失信被执行人时，得分按此比例扣减。", 0.0, 1.0, 0.05)
    # --- how relevance to a segment is measured ----------------------------------------------
    min_relevance: float = _f(
        0.70, MATCH, "最低相关度", "企业与某产业链的相关度低于此值时，视为不属于该链（不进入排名）。", 0.0, 1.0, 0.05
    )
    service_ceiling: float = _f(
        0.65,
        MATCH,
        "服务环节相关度上限",
        "工程施工、运营、分销等服务环节的企业服务于产业链但不生产其产品。此值低于最低相关度时（默认），这些企业的相关度中高于"
        "此值的部分按比例压缩到此值与最低相关度之间，只排名、不入链；调到最低相关度以上时，其相关度在最低相关度以上的部分按比例压缩到此值以内，入链但"
        "排在生产企业之后。",
        0.0,
        1.0,
        0.05,
    )
    name_weight: float = _f(
        1.25,
        MATCH,
        "企业名称证据权重",
        "企业名称中命中环节词汇时，每个词计入的证据量。默认 1.25：名称里一个环节专有词"
        "（相关度约 0.71）即可达到默认最低相关度 0.70——名称本身说明主业。",
        0.0,
        3.0,
        0.05,
    )
    name_only_factor: float = _f(
        2.0,
        MATCH,
        "仅有名称时名称加权",
        "只有企业名称、没有简介/经营范围/行业代码时（如展会名录），名称证据乘以此倍数。",
        1.0,
        4.0,
        0.1,
    )
    intro_weight: float = _f(
        1.0, MATCH, "简介/主营证据权重", "公司简介、主营业务、主营产品中命中词汇时，每个词计入的证据量。", 0.0, 3.0, 0.1
    )
    scope_weight: float = _f(
        0.55,
        MATCH,
        "经营范围证据权重",
        "经营范围中命中词汇时，每个词计入的证据量（经营范围常含泛化表述，默认较低）。",
        0.0,
        3.0,
        0.05,
    )
    scope_main_factor: float = _f(
        1.6,
        MATCH,
        "经营范围主营条目加权",
        "经营范围前几项（去掉许可项目/一般项目等套话后的头几条）写的是主营业务，其中的词按此倍数计入。",
        1.0,
        3.0,
        0.05,
    )
    scope_codeless_factor: float = _f(
        1.4,
        MATCH,
        "无行业代码时经营范围主营条目加权",
        "导出表没有国标行业小类（空缺或只有大类、中类）、经营范围主营条目也未写明该产业链所列的行业小类时，主营条目中生产、研发所列产品的词"
        "再按此倍数计入：本可由行业代码佐证的主业只能由文字说明（如只写“工业机器人的研发、生产、销售”的企业）。",
        1.0,
        3.0,
        0.05,
    )
    scope_light_factor: float = _f(
        0.6,
        MATCH,
        "经营范围泛化科技条目折算",
        "“人工智能应用软件开发”“物联网技术服务”等各类企业都常登记的科技条目，其中的词按此比例计入，且不算主营。",
        0.0,
        1.0,
        0.05,
    )
    scope_trade_factor: float = _f(
        0.6,
        MATCH,
        "经营范围纯销售条目折算",
        "只登记销售、批发、经营、租赁、安装维修或培训而无生产研发的条目（如“工业机器人销售”“工业机器人安装、维修”）多为经销或服务商，其中的词按此比例计入；整个经营范围没有任何生产、研发条目时，"
        "这些词和所登记的制造、开发类国标行业都只参与排序、不单独入链（设为 1 则不区分）；“药品批发”等本身即为流通环节的词不受影响。",
        0.0,
        1.0,
        0.05,
    )
    code_weight: float = _f(0.9, MATCH, "行业代码证据权重", "国标行业小类属于该环节时计入的证据量。", 0.0, 3.0, 0.1)
    broad_code_factor: float = _f(
        0.3,
        MATCH,
        "行业大类/中类证据折算",
        "导出表只给出国标行业大类或中类（如“所属行业：软件和信息技术服务业”）时，该类别下有小类属于某产业链的，"
        "按行业代码证据权重乘以此比例计入该链各环节；只在企业名称、简介或经营范围已有该链证据时计入，"
        "不单独入链，也不指定环节。",
        0.0,
        1.0,
        0.05,
    )
    scope_code_weight: float = _f(
        0.2,
        MATCH,
        "经营范围行业条目证据权重",
        "经营范围中的条目属于某个国标行业小类（如“锂离子电池的研发、生产与销售”属锂离子电池制造）、且该小类属于环节时，"
        "每个小类计入的证据量；主营条目再按“经营范围主营条目加权”计入。和行业代码一样，只支持产业链、缩小环节范围，"
        "企业名称、简介和经营范围中没有相应文字时不据此入链。",
        0.0,
        3.0,
        0.05,
    )
    leader_weight: float = _f(
        3.0, MATCH, "龙头企业证据权重", "企业名称含该环节龙头企业简称时计入的证据量。", 0.0, 5.0, 0.1
    )
    weak_factor: float = _f(
        0.35,
        MATCH,
        "泛化词折算",
        "泛化词（如“新能源”“半导体”等不足以单独说明环节的词）的证据折算系数；只有同链已有其他证据时才计入。",
        0.0,
        1.0,
        0.05,
    )
    weak_alone_factor: float = _f(
        0.2,
        MATCH,
        "泛化词单独出现折算",
        "同链没有其他证据时，泛化词仍按“泛化词折算 × 此比例”计入：让它们参与排序，但通常不足以入链。",
        0.0,
        1.0,
        0.05,
    )
    chain_support: float = _f(
        0.3, MATCH, "同链互证系数", "同一产业链其他环节的证据按此系数支持本环节。", 0.0, 1.0, 0.05
    )
    exclusion_factor: float = _f(
        0.1, MATCH, "排除词保留比例", "文本含环节或产业链排除词时，该环节证据保留的比例。", 0.0, 1.0, 0.05
    )
    head_factor: float = _f(
        1.0,
        MATCH,
        "主营表述加权",
        "简介中“是一家……/专注于……/主要从事……”等主营表述分句里的词，证据按此倍数计入。",
        0.5,
        3.0,
        0.1,
    )
    head_weak_factor: float = _f(
        0.5,
        MATCH,
        "主营表述中的泛化词",
        "泛化词出现在主营表述分句里时，按此比例当作具体证据计入（无需同链其他证据）。",
        0.0,
        1.0,
        0.05,
    )
    head_weak_rank: float = _f(
        0.0,  # 0: ranks as a weak word; the value benchmarks/train_model.py chose on inner folds (tests check they agree)
        MATCH,
        "主营表述中的泛化词参与排序",
        "主营表述里的泛化词足以让企业入链（见“主营表述中的泛化词”），但排序时按此比例当作具体证据："
        "1 为与入链判断相同；0 为排序时仍当作泛化词，使有环节专有词的企业排在只有泛化词的企业之前。"
        "入链与否不受此值影响。默认值是训练时比较后选定的。",
        0.0,
        1.0,
        0.25,
    )
    core_factor: float = _f(
        1.25,
        MATCH,
        "核心业务短语加权",
        "简介自述“是一家……提供商/生产企业”中“是一家”与“提供商/企业”之间的词，以及“（主要）从事/专注于/致力于/主营业务为……"
        "的研发、生产、销售”中“的研发”等之前的词、“为制造企业提供……”中向客户提供的产品，说明企业是做什么的，证据按此倍数计入。默认 1.25：企业自述主业的"
        "这句话里有一个环节专有词（如“是一家人脸识别技术提供商”“主要从事动力电池的研发和生产”，相关度约 0.71）"
        "即可达到默认最低相关度 0.70；泛化词仍不够。",
        1.0,
        3.0,
        0.05,
    )
    vertical_factor: float = _f(
        0.35,
        MATCH,
        "非目标业态折算",
        "企业名称或主营表述表明是营销、传媒、金融、教育、电商等非产业链业态时，名称和简介中的证据按此比例计入。",
        0.0,
        1.0,
        0.05,
    )
    method_factor: float = _f(
        0.5,
        MATCH,
        "手段语境折算",
        "简介中“通过/利用/基于……技术”等分句里的词，只说明所用手段，证据按此比例计入。",
        0.0,
        1.0,
        0.05,
    )
    application_factor: float = _f(
        0.3,
        MATCH,
        "应用领域语境折算",
        "简介中“应用于/服务于/客户包括……”等分句里的词，以及“为餐饮企业提供……”“面向金融机构推出……”中的客户，"
        "说的是客户所在行业，证据按此比例计入。",
        0.0,
        1.0,
        0.05,
    )
    model_weight: float = _f(
        0.3,  # the (largest chain's) weight benchmarks/train_model.py chose on inner folds for the shipped artefact
        MATCH,
        "文本模型权重",
        "用已标注企业训练的文本模型（读企业名称、简介、经营范围和行业代码）对产业链判断的参与程度："
        "0 为只用知识库词汇和行业代码；1 为完全采用模型综合后的判断。各产业链的参与程度按训练时的效果分配，"
        "此值是参与最多的产业链所用的程度，其余产业链按比例减少。模型只调整已有知识库证据的产业链，"
        "不单独把企业归入某条链。",
        0.0,
        1.0,
        0.05,
    )
    model_files: float = _f(
        0.0,  # 0: the knowledge files, the model ranks (FILING_RULES "knowledge"): train_model.py's SHIPPED_FILING
        MATCH,
        "文本模型参与入链判断",
        "为 1 时，企业是否归入某产业链按知识库与文本模型综合后的相关度判断；为 0 时只按知识库证据（词汇、"
        "行业代码、龙头企业）判断，文本模型只调整相关度高低和排序：已归入的企业相关度不低于入链门槛，"
        "未归入的不高于门槛。默认值是训练时比较两种做法后选定的。",
        0.0,
        1.0,
        1.0,
    )
    evidence_scale: float = _f(
        1.0,
        MATCH,
        "证据饱和尺度",
        "证据越多相关度越接近 1；尺度越大，需要越多证据才能接近 1（证据量等于尺度时相关度约 0.63）。",
        0.2,
        5.0,
        0.1,
    )

    def replace(self, **overrides) -> Settings:
        """A copy with some fields changed; unknown names or out-of-range values raise MatcherError."""
        return _replaced(self, overrides, "评分参数", float, "数字")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _replaced(obj, overrides: dict, what: str, cast, number: str):
    """A copy of a settings dataclass with some fields changed: each value cast (`cast`) and checked against
    its field's min / max; an unknown name, a value that is not a `number` or one out of range raises a
    MatcherError naming the kind of setting (`what`)."""
    known = {f.name: f for f in fields(obj)}
    clean = {}
    for name, value in overrides.items():
        if name not in known:
            raise MatcherError(f"未知的{what} {name}（可用：{', '.join(known)}）")
        meta = known[name].metadata
        try:
            value = cast(value)
        except (TypeError, ValueError):
            raise MatcherError(f"{what} {name} 的值 {value!r} 不是{number}") from None
        if not meta["min"] <= value <= meta["max"]:
            raise MatcherError(f"{what} {name}={value} 超出范围 [{meta['min']}, {meta['max']}]")
        clean[name] = value
    return replace(obj, **clean)


def settings_help() -> list[dict]:
    """One record per setting: name, default, label, help, min, max, step, stage (for --help and the UI)."""
    out = []
    for f in fields(Settings):
        out.append({"name": f.name, "default": f.default, **f.metadata})
    return out


def stage_settings(stage: str, settings: Settings | type[Settings] = Settings) -> tuple[str, ...]:
    """Names of the settings used at `stage` (MATCH or RANK), in field order; pass a Settings (or a
    subclass) to include fields it adds."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(STAGES)})")
    return tuple(f.name for f in fields(settings) if f.metadata["stage"] == stage)


# the floors an A needs, in bit order of the scorer's `below_a_floor` column: floor -> its setting
A_FLOORS = {
    "employees": "a_min_employees",
    "capital": "a_min_capital_wan",
    "age": "a_min_age_years",
    "branch": "a_no_branch",
    "active": "a_active_only",
}

DEFAULTS = Settings()


# --- the 招商台账 (lead store): flags computed when leads are listed -------------------------------
TRACK = "track"  # the stage of the 台账 settings: they never change a score


def _t(default: int, label: str, help: str, lo: int, hi: int):
    return field(
        default=default, metadata={"label": label, "help": help, "min": lo, "max": hi, "step": 1, "stage": TRACK}
    )


@dataclass(frozen=True)
class TrackSettings:
    yellow_days: int = _t(
        60,
        "黄色提醒天数",
        "三类三色管理：线索在同一跟进阶段停留达到此天数（默认两个月）仍无进展，标为黄色。",
        7,
        365,
    )
    red_days: int = _t(
        90,
        "红色提醒天数",
        "三类三色管理：线索在同一跟进阶段停留达到此天数（默认三个月）仍无进展，标为红色。",
        7,
        730,
    )

    def __post_init__(self):
        if self.red_days < self.yellow_days:
            raise MatcherError(f"红色提醒天数（{self.red_days}）不能少于黄色提醒天数（{self.yellow_days}）")

    def replace(self, **overrides) -> TrackSettings:
        """A copy with some fields changed; unknown names or out-of-range values raise MatcherError."""
        return _replaced(self, overrides, "台账参数", int, "整数")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def track_settings_help() -> list[dict]:
    """One record per 台账 setting: name, default, label, help, min, max, step, stage (for --help and the UI)."""
    return [{"name": f.name, "default": f.default, **f.metadata} for f in fields(TrackSettings)]


TRACK_DEFAULTS = TrackSettings()
DEFAULT_RADIUS_KM = DEFAULTS.radius_km  # 配套半径 drawn around the zone unless the caller asks for others

# how a batch run uses the machine (not a scoring setting: results do not depend on it)
DEFAULT_JOBS = 0
JOBS_HELP = (
    "评分使用的进程数：0 为全部 CPU 核心（默认）；名单较小时（每个进程不足 1 万家企业）自动少用。结果与进程数无关。"
)

# where the 招商台账 lives (not a scoring setting): CHAINMATCH_DB, else a SQLite file in the user's data folder
DB_ENV = "CHAINMATCH_DB"
DB_HELP = (
    "台账数据库：SQLite 文件路径，或 postgresql://用户@主机/库名 连接串；"
    "默认取环境变量 CHAINMATCH_DB，未设置时为用户数据目录下的 chainmatch/chainmatch.db。"
)


def default_db_path() -> Path:
    """The SQLite file used when neither an argument nor CHAINMATCH_DB names a database:
    $XDG_DATA_HOME/chainmatch/chainmatch.db, else ~/.local/share/chainmatch/chainmatch.db."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "chainmatch" / "chainmatch.db"
