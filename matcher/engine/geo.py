"""Where companies are and how far they are from the zone: points, great-circle distances, radius rings.

Owns company locations and distances. A company is placed by the finest fact its row has: its own
coordinates when the input carries them (`lon`/`lat`, `longitude`/`latitude`, `经度`/`纬度`), else its
prefecture city's point, else — for a province-level city (北京市 …) given only as a province — that
province's point; points come from `data/reference/admin_divisions_prefecture.csv`. `distance_km()`
is the vectorised haversine distance from each company to the zone's `location` (WGS84 lon/lat in
the zone file); a company that cannot be placed gets NaN, never a guess. `ring()` gives the points
of a circle of a given radius around the zone, for 配套半径 rings on maps.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..distinct import distinct_codes
from ..errors import MatcherError
from ..knowledge.chains import Zone, load_zone
from ..knowledge.settings import REFERENCE_DIR

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
BASIS_POINT = "坐标"
BASIS_CITY = "城市"
BASIS_PROVINCE = "直辖市/省级"
_COORD_COLUMNS = (("lon", "lat"), ("longitude", "latitude"), ("经度", "纬度"))
# provinces whose point stands for the whole (province-level cities and SARs): placing a company
# there from the province alone is as fine as placing it from the city
_CITY_PROVINCES = ("110000", "120000", "310000", "500000", "810000", "820000")


@lru_cache(maxsize=1)
def places() -> pd.DataFrame:
    """Reference points: level, code, name, province, lon, lat (one row per province and prefecture)."""
    reg = pd.read_csv(REFERENCE_DIR / "admin_divisions_prefecture.csv", dtype={"code": str, "province_code": str})
    prov_names = reg.loc[reg["level"] == "province"].set_index("code")["name"]
    reg["province"] = reg["province_code"].map(prov_names)
    return reg[["level", "code", "name", "province", "province_code", "lon", "lat"]]


@lru_cache(maxsize=1)
def _lookups() -> tuple[dict, dict, dict]:
    reg = places()
    pref = reg[reg["level"] == "prefecture"]
    by_pair = {(p, c): (lon, lat) for p, c, lon, lat in zip(pref["province"], pref["name"], pref["lon"], pref["lat"])}
    by_city = {c: (lon, lat) for c, lon, lat in zip(pref["name"], pref["lon"], pref["lat"])}
    prov = reg[(reg["level"] == "province") & reg["code"].isin(_CITY_PROVINCES)]
    by_province = {p: (lon, lat) for p, lon, lat in zip(prov["name"], prov["lon"], prov["lat"])}
    return by_pair, by_city, by_province


def city_point(province, city) -> tuple[float, float] | None:
    """(lon, lat) of a prefecture city (province may be None), or None when unknown."""
    by_pair, by_city, by_province = _lookups()
    if isinstance(city, str):
        hit = by_pair.get((province, city)) or by_city.get(city)
        if hit:
            return hit
    if isinstance(province, str):
        return by_province.get(province)
    return None


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def _as_frame(obj) -> pd.DataFrame:
    frame = getattr(obj, "ranked", obj)  # a ScoreResult or any frame with province / city
    if not isinstance(frame, pd.DataFrame):
        raise MatcherError("distance_km: 需要企业表（DataFrame）或评分结果")
    return frame


def locate(companies) -> pd.DataFrame:
    """lon, lat and location_basis for every row (same index); NaN / None where it cannot be placed."""
    frame = _as_frame(companies)
    n = len(frame)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    basis = np.full(n, None, dtype=object)
    # own coordinates first (finest), when the input has them and they are plausible
    for lon_col, lat_col in _COORD_COLUMNS:
        if lon_col in frame.columns and lat_col in frame.columns:
            x = pd.to_numeric(frame[lon_col], errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(frame[lat_col], errors="coerce").to_numpy(dtype=float)
            ok = np.isnan(lon) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
            lon[ok], lat[ok], basis[ok] = x[ok], y[ok], BASIS_POINT
    # then the city (or a province that is a city), resolved once per distinct pair
    need = np.isnan(lon)
    if need.any():
        prov = _column(frame, "province").to_numpy(dtype=object)[need]
        city = _column(frame, "city").to_numpy(dtype=object)[need]
        codes, uniques = distinct_codes(pd.Series(list(zip(prov, city)), dtype=object))  # a pair is never missing
        by_pair, by_city, by_province = _lookups()
        u_lon, u_lat, u_basis = np.full(len(uniques), np.nan), np.full(len(uniques), np.nan), []
        for i, (p, c) in enumerate(uniques):
            hit = (by_pair.get((p, c)) or by_city.get(c)) if isinstance(c, str) else None
            kind = BASIS_CITY
            if hit is None and isinstance(p, str) and p in by_province:
                hit, kind = by_province[p], BASIS_PROVINCE
            if hit:
                u_lon[i], u_lat[i] = hit
            u_basis.append(kind if hit else None)
        lon[need], lat[need] = u_lon[codes], u_lat[codes]
        basis[need] = np.array(u_basis, dtype=object)[codes]
    return pd.DataFrame({"lon": lon, "lat": lat, "location_basis": basis}, index=frame.index)


def zone_point(zone) -> tuple[float, float]:
    """(lon, lat) of a zone: a Zone, a zone file path, or a (lon, lat) pair."""
    if isinstance(zone, (str, Path)):
        zone = load_zone(zone)
    if isinstance(zone, Zone):
        if zone.lon is None or zone.lat is None:
            raise MatcherError(
                f"{zone.source or zone.name}: 园区配置缺少 location.lon / location.lat（经纬度），无法计算距离"
            )
        lon, lat = float(zone.lon), float(zone.lat)
    else:
        try:
            lon, lat = (float(v) for v in zone)
        except (TypeError, ValueError):
            raise MatcherError(f"园区位置 {zone!r} 应为园区配置或 (经度, 纬度)") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise MatcherError(f"园区位置 ({lon}, {lat}) 不是有效的经纬度")
    return lon, lat


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km; every argument may be a scalar or an array (broadcast)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(companies, zone) -> pd.Series:
    """Distance in km from each company (ranked table, companies frame or ScoreResult) to the zone.

    Same index as the table; NaN where the company cannot be placed (no known city or coordinates).
    """
    zlon, zlat = zone_point(zone)
    where = locate(companies)
    km = haversine_km(where["lon"].to_numpy(), where["lat"].to_numpy(), zlon, zlat)
    return pd.Series(np.round(km, 1), index=where.index, name="distance_km")


def ring(lon: float, lat: float, radius_km: float, points: int = 96) -> list[list[float]]:
    """Closed ring of [lon, lat] points at `radius_km` (great-circle) around a point."""
    if not radius_km > 0:
        raise MatcherError(f"配套半径 {radius_km} 应为正数（公里）")
    d = radius_km / EARTH_RADIUS_KM
    phi1, lam1 = math.radians(lat), math.radians(lon)
    bearings = np.linspace(0.0, 2 * math.pi, points + 1)
    phi2 = np.arcsin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * np.cos(bearings))
    lam2 = lam1 + np.arctan2(
        np.sin(bearings) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * np.sin(phi2)
    )
    return [[round(float(x), 4), round(float(y), 4)] for x, y in zip(np.degrees(lam2), np.degrees(phi2))]
