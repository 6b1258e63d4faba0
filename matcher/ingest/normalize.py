"""Normalising: raw tables in, one canonical company frame out, one row per input data row.

Owns turning vendor cell values into typed facts: empty markers (`-`, `暂无` …) to missing,
`="…"` wrappers and full-width forms cleaned, 注册资本 to 万元 RMB (with the editable rates in
`data/reference/currency.yaml`), dates (Excel serials, date cells, common text forms) to ISO
dates, 登记状态 to active / inactive / unknown, 统一社会信用代码 checked (GB 32100 check digit),
province / city from their columns or the address, the GB/T 4754 小类 code from 国标行业 text,
and strength tags (listed, qualifications, financing) and risk flags. Every parser works on the
distinct values of a column, so a 100,000-row list costs what its distinct values cost.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from ..distinct import map_distinct
from ..errors import DataFileError
from ..knowledge.chains import industry_codes, read_yaml
from ..knowledge.settings import REFERENCE_DIR
from .table import RawTable

CANONICAL_COLUMNS = [
    "company_name",
    "credit_code",
    "credit_code_valid",
    "status",
    "status_raw",
    "registered_capital_wan",
    "paid_capital_wan",
    "founded",
    "employees",
    "province",
    "city",
    "district",
    "industry_code",
    "industry_name",
    "address",
    "scope",
    "intro",
    "former_names",
    "website",
    "email",
    "phone",
    "listed",
    "qualifications",
    "financing",
    "abnormal",
    "dishonest",
    "company_type",
    "match_status",
    "source_file",
    "source_row",
]


@lru_cache(maxsize=1)
def value_aliases() -> dict:
    path = REFERENCE_DIR / "values.yaml"
    data = read_yaml(path)
    for key in (
        "empty",
        "status_inactive",
        "status_active",
        "listed_words",
        "not_listed_words",
        "qualification_words",
        "financing_words",
        "risk_no",
        "unmatched_words",
        "branch_suffixes",
        "branch_types",
        "note_words",
    ):
        if not isinstance(data.get(key), list):
            raise DataFileError(path, key, "应为词语列表")
    return data


@lru_cache(maxsize=1)
def currency_rates() -> dict[str, float]:
    path = REFERENCE_DIR / "currency.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "(文件)", "应为 币种: 汇率 的映射")
    for k, v in data.items():
        if not isinstance(v, (int, float)) or v <= 0:
            raise DataFileError(path, str(k), "汇率应为正数")
    return {str(k): float(v) for k, v in data.items()}


# --------------------------------------------------------------------------------------------
# cell cleaning

# full-width punctuation that fills vendor exports -> half-width (what NFKC would do, much faster);
# NFKC itself runs only when something else remains
_COMMON_FULL_WIDTH = [
    ("（", "("),
    ("）", ")"),
    ("；", ";"),
    ("：", ":"),
    ("，", ","),
    ("\u3000", " "),
    ("！", "!"),
    ("？", "?"),
]
_WRAPPER = re.compile(r'^=\s*"(.*)"$', re.S)
_SPACES = re.compile(r"[\s\u3000\xa0]+")


@lru_cache(maxsize=1)
def _empty_set() -> frozenset:
    return frozenset(_SPACES.sub("", unicodedata.normalize("NFKC", v)).lower() for v in value_aliases()["empty"])


def clean_text(value) -> str | None:
    """A cell as clean text: wrappers stripped, NFKC (full-width to half-width), spaces collapsed.
    Empty markers ('-', '暂无', '未公开', ...) become None."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    s = str(value)
    if s[:1] == "'" and s[1:2] in ("=", "+", "-", "@", "\t", "\r", "<"):
        s = s[1:]  # the quote our exports put before formula-like text: read it back as written
    if s[:1] == "=" or s[:2].strip()[:1] == "=":
        m = _WRAPPER.match(s.strip())
        if m:
            s = m.group(1)
    if not unicodedata.is_normalized("NFKC", s):
        s = _swap_full_width(s)  # the usual suspects, by fast str.replace
        if not unicodedata.is_normalized("NFKC", s):
            s = unicodedata.normalize("NFKC", s)
    s = " ".join(s.split())  # collapses every kind of whitespace, strips both ends
    if not s or (len(s) <= 8 and s.replace(" ", "").lower() in _empty_set()):
        return None
    return s


_SHORT = 8  # empty markers are at most this long
_WS_LIMIT = 0x3001  # no character above U+3000 is whitespace (tested)


@lru_cache(maxsize=1)
def _whitespace_table() -> np.ndarray:
    """is-whitespace (str.isspace) for every code point below _WS_LIMIT, plus False for 'above'."""
    return np.array([chr(c).isspace() for c in range(_WS_LIMIT)] + [False])


def _swap_full_width(text: str) -> str:
    """The common full-width punctuation to half-width (what NFKC would do), one for one."""
    for full, half in _COMMON_FULL_WIDTH:
        if full in text:
            text = text.replace(full, half)
    return text


def clean_texts(values) -> list:
    """[clean_text(v) for v in values], fast. All texts are joined by NUL and looked at at once: the
    common full-width punctuation is swapped by str.replace (one character for one, so offsets
    hold), whitespace that would change (leading, trailing, doubled, any kind but a space), a
    leading quote or '=' and NFKC are checked with NumPy over the code points, and clean_text
    runs only on the few texts so flagged and on short texts (possible empty markers), once per
    distinct text, and on values that are not text."""
    out = list(values)
    all_text = set(map(type, out)) == {str}
    idx = range(len(out)) if all_text else [i for i, v in enumerate(out) if type(v) is str]
    texts = out if all_text else [out[i] for i in idx]
    big = "\x00".join(texts)
    if not idx or big.count("\x00") != len(texts) - 1:  # nothing to batch, or a NUL inside a value
        return [clean_text(v) for v in out]
    swapped = _swap_full_width(big)
    if swapped != big:
        big, texts = swapped, swapped.split("\x00")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    flag = lengths <= _SHORT
    codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    table = _whitespace_table()
    ws = table[np.minimum(codes, _WS_LIMIT)]
    space = codes == 32
    odd = ws & ~space
    odd[:-1] |= space[:-1] & space[1:]
    long = np.flatnonzero(~flag)
    head, tail = starts[long], starts[long] + lengths[long] - 1
    flag[long] |= ws[head] | ws[tail] | (codes[head] == ord("'")) | (codes[head] == ord("="))
    if odd.any():
        flag[np.searchsorted(starts, np.flatnonzero(odd), side="right") - 1] = True
    if not unicodedata.is_normalized("NFKC", big):
        flag |= ~np.fromiter((unicodedata.is_normalized("NFKC", t) for t in texts), dtype=bool, count=len(texts))
    if all_text:
        out = list(texts)
    else:
        for j, t in zip(idx, texts):
            out[j] = t
        is_text = np.zeros(len(out), dtype=bool)
        is_text[idx] = True
        for i in np.flatnonzero(~is_text):
            out[i] = clean_text(out[i])
    flagged = np.flatnonzero(flag)
    if len(flagged):  # short texts repeat ('-', '暂无' …): clean each distinct one once
        cleaned = {t: clean_text(t) for t in {out[idx[j]] for j in flagged}}
        for j in flagged:
            out[idx[j]] = cleaned[out[idx[j]]]
    return out


def _clean_each(series: pd.Series) -> pd.Series:
    """clean_text over a free-text column (names, addresses, 经营范围 …) value by value: such values
    are nearly all distinct, so finding the distinct ones first would cost more than it saves."""
    values = series.to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    present = np.flatnonzero(~pd.isna(values))
    if len(present):
        out[present] = clean_texts(values[present])
    return pd.Series(out, index=series.index, dtype=object)


def _map_unique(series: pd.Series, func) -> pd.Series:
    """Apply func once per distinct value (None-safe); clean_text goes through clean_texts."""
    return map_distinct(series, func, clean_texts if func is clean_text else None)


def clean_column(series: pd.Series) -> pd.Series:
    """clean_text over a column of repeated values (statuses, names in a roster …), once per distinct value."""
    return _map_unique(series, clean_text)


# --------------------------------------------------------------------------------------------
# capital

_CAPITAL = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿|万|千)?\s*(?P<rest>.*)")


def _amount_text(value) -> float | str:
    """A non-negative amount as it came: a number as float (NaN when missing, negative or not a number),
    text cleaned (NaN when there is none) for the caller to parse."""
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value == value and value >= 0 else math.nan
    s = clean_text(value)
    return math.nan if s is None else s


def parse_capital(value) -> float:
    """注册资本 text or number -> 万元 RMB (NaN when unknown). A bare number is taken as 万元."""
    s = _amount_text(value)
    if not isinstance(s, str):
        return s
    s = s.replace(",", "").replace(" ", "")
    m = _CAPITAL.search(s)
    if not m:
        return math.nan
    amount = float(m.group("num"))
    unit = m.group("unit")
    rest = m.group("rest") or ""
    if unit == "亿":
        amount *= 10000
    elif unit == "千":
        amount /= 10
    elif unit is None:
        # "500000元" is yuan; a bare number ("5000", "5000(万元)") is 万元 as in vendor exports
        if re.match(r"^\(?元", rest):
            amount /= 10000
    return round(amount * _currency_rate(s), 4)


@lru_cache(maxsize=1)
def _foreign_currencies() -> list[tuple[str, float]]:
    """(upper-cased currency word, rate), longest first, RMB words left out."""
    rates = [(k.upper(), r) for k, r in currency_rates().items() if k not in ("元", "人民币", "RMB", "CNY")]
    return sorted(rates, key=lambda kv: -len(kv[0]))


def _currency_rate(text: str) -> float:
    """Rate to RMB of the currency named anywhere in a capital text ('100万美元', 'USD 100万'); 1 for RMB."""
    upper = text.upper()
    for name, rate in _foreign_currencies():
        if name in upper:
            return rate
    return 1.0


# --------------------------------------------------------------------------------------------
# dates

_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"), None),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), None),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), "month"),
    (re.compile(r"^(\d{4})年?$"), "year"),
]


def parse_date(value) -> str | None:
    """A date cell, Excel serial or text ('2015-03-12', '2015/3/12', '2015年3月12日', '20150312')
    -> ISO 'YYYY-MM-DD' (None when not a plausible date)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        d = value.date()
    elif isinstance(value, dt.date):
        d = value
    elif isinstance(value, pd.Timestamp):
        d = value.date()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:
            return None
        if 18000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        if not 1 <= value < 2958466:
            return None
        d = (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    else:
        s = clean_text(value)
        if s is None:
            return None
        s = s.replace(" ", "")
        d = None
        for pattern, kind in _DATE_PATTERNS:
            m = pattern.match(s)
            if not m:
                continue
            y = int(m.group(1))
            mo = int(m.group(2)) if kind in (None, "month") else 1
            da = int(m.group(3)) if kind is None else 1
            try:
                d = dt.date(y, mo, da)
            except ValueError:
                return None
            break
        if d is None:
            try:
                num = float(s)
            except ValueError:
                return None
            return parse_date(num)
    if not 1800 <= d.year <= 2100:
        return None
    return d.isoformat()


# --------------------------------------------------------------------------------------------
# status, numbers, codes


STATUS_LABELS = {"active": "存续", "inactive": "注销/吊销等", "unknown": "未知"}  # for officers' eyes


def parse_status(value) -> str:
    s = clean_text(value)
    if s is None:
        return "unknown"
    aliases = value_aliases()
    if any(w in s for w in aliases["status_inactive"]):
        return "inactive"
    if any(w in s for w in aliases["status_active"]):
        return "active"
    return "unknown"


def parse_int(value) -> float:
    """参保人数-like counts: 320, '320', '320人', '1,200' -> float (NaN when unknown)."""
    s = _amount_text(value)
    if not isinstance(s, str):
        return s
    m = re.search(r"\d[\d,]*", s)
    if not m:
        return math.nan
    n = float(m.group(0).replace(",", ""))
    if re.match(r"^(小于|少于|不足|低于|<)", s):  # 人员规模 '小于50人': somewhere below, take the middle
        return float(n // 2)
    return n


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_is_valid(code: str) -> bool:
    """GB 32100-2015 统一社会信用代码: 18 characters, the last a check character over the first 17."""
    if len(code) != 18 or not _USCC_SHAPE.match(code):
        return False
    total = sum(_USCC_VALUE[c] * w for c, w in zip(code, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


_USCC_TABLE = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(_USCC_CHARS):
    _USCC_TABLE[ord(_c)] = _i


def credit_codes(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised check_credit_code over a column: (cleaned codes, valid flags; None where empty)."""
    text = _map_unique(series, clean_text)
    present = text.notna()
    codes = text.where(~present, text.astype(str).str.replace(r"[\s-]", "", regex=True).str.upper())
    valid = np.full(len(series), None, dtype=object)
    if present.any():
        c = codes[present].astype(str)
        shaped = c.str.fullmatch(_USCC_SHAPE.pattern).fillna(False).to_numpy(dtype=bool)
        ok = np.zeros(len(c), dtype=bool)
        if shaped.any():
            raw = np.frombuffer("".join(c[shaped].tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
            vals = _USCC_TABLE[raw]
            total = vals[:, :17] @ np.asarray(_USCC_WEIGHTS)
            ok[shaped] = (31 - total % 31) % 31 == vals[:, 17]
        valid[present.to_numpy()] = ok.tolist()
    return codes, pd.Series(valid, index=series.index, dtype=object)


def check_credit_code(value) -> tuple[str | None, bool | None]:
    """(cleaned code, valid?) — None, None when empty. An invalid code is kept and flagged."""
    s = clean_text(value)
    if s is None:
        return None, None
    s = re.sub(r"[\s-]", "", s).upper()
    return s, uscc_is_valid(s)


def clean_industry_name(name: str, code: str = "") -> str:
    """A GB/T 4754 name as the reference CSV has it -> the standard name: text after a run of spaces
    (a note the extraction glued on) dropped, a name cut after '制' completed ('…设备制' -> '…设备制造',
    a 大类 (two-digit code) to '…制造业')."""
    parts = str(name).split()
    name = parts[0] if parts else ""
    if name.endswith("制"):
        name += "造业" if len(code) == 2 else "造"
    return name


@lru_cache(maxsize=1)
def industry_names() -> dict[str, str]:
    """GB/T 4754 code -> cleaned name (see clean_industry_name)."""
    return {code: clean_industry_name(name, code) for code, name in industry_codes().items()}


@lru_cache(maxsize=1)
def _industry_name_index() -> dict[str, str]:
    """Industry name -> code, preferring the most specific level for duplicated names. Both the cleaned
    name and the name as the reference CSV cut it are indexed."""
    index: dict[str, str] = {}

    def add(key, code):
        if key and (key not in index or len(code) > len(index[key])):
            index[key] = code

    for code, raw in industry_codes().items():
        add(clean_industry_name(raw, code), code)
        add(raw.split()[0] if raw.split() else "", code)  # as cut, for the prefix fallback
    return index


_PREFIX_SLACK = 4  # a reference name cut short matches a vendor name that goes on for at most this many characters
_PREFIX_MIN = 8  # ... and is at least this long (the cut names are ~16 characters; short names are whole)


def _industry_by_name(part: str) -> str | None:
    names = _industry_name_index()
    code = names.get(part)
    if code is not None:
        return code
    # the reference CSV cut some long names (PDF extraction): a reference name that is a prefix of the
    # vendor's, missing only a short tail, is the same industry
    for k in range(len(part) - 1, max(len(part) - _PREFIX_SLACK, _PREFIX_MIN) - 1, -1):
        code = names.get(part[:k])
        if code is not None:
            return code
    return None


def parse_industry(value) -> str | None:
    """'制造业-汽车制造业-新能源车整车制造', '3841', 'C3841 锂离子电池制造' -> the most specific GB/T code."""
    s = clean_text(value)
    if s is None:
        return None
    codes = industry_codes()
    m = re.search(r"(?<!\d)([A-T]?)(\d{2,4})(?!\d)", s)
    if m and m.group(2) in codes:
        return m.group(2)
    best = None
    for part in re.split(r"[-—>/|,，;；\s]+", s):
        part = re.sub(r"^[A-T]?\d{0,4}", "", part) if part[:1].isascii() else part  # 'C3612新能源车整车制造'
        code = _industry_by_name(part) if part else None
        if code and (best is None or len(code) >= len(best)):
            best = code
    return best


# --------------------------------------------------------------------------------------------
# regions


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "admin_divisions_prefecture.csv", dtype={"code": str, "province_code": str})


def _short(name: str) -> str:
    for suffix in (
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "特别行政区",
        "自治区",
        "自治州",
        "地区",
        "省",
        "市",
        "盟",
    ):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _region_index():
    reg = regions()
    prov_by_code = {r.code: r.name for r in reg.itertuples() if r.level == "province"}
    provinces = {}
    for name in prov_by_code.values():
        provinces[name] = name
        provinces[_short(name)] = name
    cities = {}  # alias -> (city, province)
    for r in reg.itertuples():
        if r.level != "prefecture":
            continue
        prov = prov_by_code.get(r.province_code, "")
        for alias in {r.name, _short(r.name)}:
            if len(alias) >= 2:
                cities.setdefault(alias, (r.name, prov))
    return provinces, cities, sorted(provinces, key=len, reverse=True), sorted(cities, key=len, reverse=True)


def parse_province(value) -> str | None:
    s = clean_text(value)
    if s is None:
        return None
    provinces = _region_index()[0]
    return provinces.get(s.replace(" ", ""), s)


def parse_city(value) -> str | None:
    s = clean_text(value)
    if s is None:
        return None
    cities = _region_index()[1]
    hit = cities.get(s.replace(" ", ""))
    return hit[0] if hit else s


def region_from_address(address) -> tuple[str | None, str | None]:
    """(province, city) found at the start of an address ('江苏省南京市…', '南京市…', '上海市…')."""
    s = clean_text(address)
    if s is None:
        return None, None
    s = s.replace(" ", "")
    provinces, cities, province_aliases, city_aliases = _region_index()
    province = None
    for alias in province_aliases:
        if s.startswith(alias):
            province = provinces[alias]
            s = s[len(alias) :]
            break
    for alias in city_aliases:
        if s.startswith(alias):
            city, prov = cities[alias]
            if province is None or prov == province:
                return prov, city
    if province is not None and province in cities:  # 直辖市: the province is its own city
        return province, cities[province][0]
    return province, None


# --------------------------------------------------------------------------------------------
# tags


def _contains_any(words):
    def f(value):
        s = clean_text(value)
        return s is not None and any(w in s for w in words)

    return f


def parse_listed(value) -> bool:
    s = clean_text(value)
    if s is None:
        return False
    a = value_aliases()
    if any(w in s for w in a["not_listed_words"]):
        return False
    return any(w in s for w in a["listed_words"]) or bool(re.search(r"\b\d{6}\b", s))


def parse_risk_flag(value) -> bool:
    s = clean_text(value)
    return s is not None and s not in value_aliases()["risk_no"]


def _matched_words(words):
    def f(value):
        s = clean_text(value)
        if s is None:
            return None
        hits = [w for w in words if w in s]
        return "、".join(dict.fromkeys(hits)) or None

    return f


# --------------------------------------------------------------------------------------------


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def _col(table: RawTable, fieldname: str) -> pd.Series:
    for header, f in table.mapping.items():
        if f == fieldname:
            return table.frame[header]
    return pd.Series([None] * len(table.frame), index=table.frame.index, dtype=object)


def normalize_table(table: RawTable) -> pd.DataFrame:
    """Canonical columns for one raw table (index aligned with table.frame)."""
    t = _col
    out = pd.DataFrame(index=table.frame.index)
    out["company_name"] = _clean_each(t(table, "company_name"))
    out["credit_code"], out["credit_code_valid"] = credit_codes(t(table, "credit_code"))
    out["status_raw"] = _map_unique(t(table, "status"), clean_text)
    out["status"] = _map_unique(t(table, "status"), parse_status)
    currency = _map_unique(t(table, "capital_currency"), clean_text)
    out["registered_capital_wan"] = _map_unique(
        _with_currency(t(table, "registered_capital"), currency), parse_capital
    ).astype(float)
    out["paid_capital_wan"] = _map_unique(_with_currency(t(table, "paid_capital"), currency), parse_capital).astype(
        float
    )
    out["founded"] = _map_unique(t(table, "founded"), parse_date)
    out["employees"] = _map_unique(t(table, "employees"), parse_int).astype(float)
    address = _clean_each(t(table, "address"))
    out["address"] = address
    province = _map_unique(t(table, "province"), parse_province)
    city = _map_unique(t(table, "city"), parse_city)
    # missing province / city: from a 所属地区 column ('江苏省南京市江宁区'), then from the address
    for source in (_map_unique(t(table, "region"), clean_text), address):
        need = (province.isna() | city.isna()) & source.notna()
        if need.any():
            parsed = _map_unique(source[need], region_from_address)
            p_prov = parsed.map(lambda x: x[0]).reindex(province.index)
            p_city = parsed.map(lambda x: x[1]).reindex(city.index)
            agrees = province.isna() | p_prov.isna() | (p_prov == province)  # never a city of another province
            city = city.where(city.notna() | ~need | ~agrees, p_city)
            province = province.where(province.notna() | ~need, p_prov)
    municipal = province.isin(_MUNICIPALITIES) & city.isna()  # 直辖市: the province is its own city
    if municipal.any():
        city = city.where(~municipal, province)
    out["province"] = province
    out["city"] = city
    out["district"] = _map_unique(t(table, "district"), clean_text)
    industry = None
    for f in ("industry_small", "industry", "industry_mid", "industry_big"):
        col = _map_unique(t(table, f), parse_industry)
        industry = col if industry is None else industry.where(industry.notna(), col)
    out["industry_code"] = industry
    names = industry_names()
    out["industry_name"] = industry.map(lambda c: names.get(c) if isinstance(c, str) else None)
    out["scope"] = _clean_each(t(table, "scope"))
    intro = _clean_each(t(table, "intro"))
    products = _clean_each(t(table, "products"))
    out["intro"] = _join_text(intro, products)
    out["former_names"] = _clean_each(t(table, "former_names"))
    for f in ("website", "email", "phone"):
        out[f] = _map_unique(t(table, f), clean_text)
    a = value_aliases()
    out["listed"] = _map_unique(t(table, "listing"), parse_listed).astype(bool)
    out["qualifications"] = _map_unique(t(table, "qualifications"), _matched_words(a["qualification_words"]))
    out["financing"] = _map_unique(t(table, "financing"), _matched_words(a["financing_words"]))
    out["abnormal"] = _map_unique(t(table, "abnormal"), parse_risk_flag).astype(bool)
    out["dishonest"] = _map_unique(t(table, "dishonest"), parse_risk_flag).astype(bool)
    out["company_type"] = _map_unique(t(table, "company_type"), clean_text)
    out["match_status"] = _map_unique(t(table, "match_status"), clean_text)
    out["source_file"] = table.label
    out["source_row"] = np.asarray(table.source_rows, dtype=np.int64)
    return out[CANONICAL_COLUMNS]


def _with_currency(values: pd.Series, currency: pd.Series) -> pd.Series:
    """A capital column with its 币种 column appended where the 币种 is known ('100' + '美元')."""
    has = currency.notna() & values.notna()
    if not has.any():
        return values
    out = values.copy()
    out[has] = [f"{clean_text(v) or ''}{c}" for v, c in zip(values[has], currency[has])]
    return out


def _join_text(a: pd.Series, b: pd.Series) -> pd.Series:
    both = a.notna() & b.notna()
    out = a.where(a.notna(), b)
    if both.any():
        out[both] = a[both] + "；" + b[both]
    return out
