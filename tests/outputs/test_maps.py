"""招商地图: distances, chain maps, geographic maps, the offline HTML file and its rendering in Chromium."""

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

import matcher
from matcher.cli import main
from matcher.engine import geo
from matcher.knowledge.chains import STATUS_COLOURS
from matcher.outputs import maps
from tests.conftest import CHROMIUM_ARGS, DATA, chromium_path

EVIL = '<img src=x onerror="alert(1)"></script>{a}'
COLUMNS = [
    "company_name",
    "province",
    "city",
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "score",
    "tier",
    "source_file",
    "source_row",
]
# (name, province, city, chain, segment, score, tier, row); per-chain ranking: row 2 appears under two chains
ROWS = [
    ("江苏锐能动力电池有限公司", "江苏省", "南京市", "nev", "battery", 95.0, "A", 2),
    ("杭州储能有限公司", "浙江省", "杭州市", "nev", "battery", 90.0, "A", 3),
    (EVIL, "江苏省", "苏州市", "nev", "battery", 88.0, "A", 4),
    ("合肥电芯有限公司", "安徽省", "合肥市", "nev", "battery", 70.0, "A", 5),
    ("上海电池材料有限公司", "上海市", "上海市", "nev", "battery", 55.0, "B", 6),
    ("北京电池有限公司", "北京市", "北京市", "nev", "battery", 45.0, "B", 7),
    ("深圳小电池有限公司", "广东省", "深圳市", "nev", "battery", 30.0, "C", 8),
    ("常州旧能电池有限公司", "江苏省", "常州市", "nev", "battery", 0.0, "", 9),
    ("南京快充科技有限公司", "江苏省", "南京市", "nev", "charging", 50.0, "B", 10),
    ("苏州微芯集成电路有限公司", "江苏省", "苏州市", "ic", "design", 65.0, "A", 11),
    ("江苏锐能动力电池有限公司", "江苏省", "南京市", "ic", "design", 42.0, "B", 2),
    ("无名芯片有限公司", None, "火星市", "ic", "design", 60.0, "A", 12),
    ("南京老王餐饮管理有限公司", "江苏省", "南京市", None, None, 0.0, "", 13),
]
SEGMENT_NAMES = {"battery": "动力电池", "charging": "充换电", "design": "芯片设计"}
CHAIN_NAMES = {"nev": "新能源汽车", "ic": "集成电路"}
W3_NAMESPACES = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
}


@pytest.fixture(scope="module")
def ranked():
    rows = [
        (n, p, c, ch, CHAIN_NAMES.get(ch), s, SEGMENT_NAMES.get(s), score, tier, "list.csv", row)
        for n, p, c, ch, s, score, tier, row in ROWS
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="module")
def html_file(ranked, fixture_chains, fixture_zone, tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "map.html"
    matcher.write_map(path, ranked, chains=fixture_chains, zone=fixture_zone)
    return path


# --------------------------------------------------------------------------------------------
# distance


def test_haversine_known_distances():
    assert geo.haversine_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * geo.EARTH_RADIUS_KM / 360, rel=1e-9)
    assert geo.haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM / 2, rel=1e-9)
    assert geo.haversine_km([10, 10], [50, 50], 10, 50).tolist() == [0.0, 0.0]


def test_distance_km_places_companies_by_the_finest_fact(fixture_zone):
    frame = pd.DataFrame(
        {
            "province": ["江苏省", None, "北京市", "江苏省", None, "浙江省"],
            "city": ["南京市", "苏州市", None, None, "火星市", "杭州市"],
            "lon": [None, None, None, None, None, 118.9],
            "lat": [None, None, None, None, None, 32.1],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    km = matcher.distance_km(frame, fixture_zone)
    assert km.name == "distance_km" and list(km.index) == [10, 11, 12, 13, 14, 15]
    # 南京市 reference point (118.736, 31.926) to the zone (118.9, 32.1): about 24 km north-east
    assert 20 < km[10] < 28
    assert 160 < km[11] < 200  # 苏州 from the city name alone
    assert 850 < km[12] < 1000  # 北京市 given only as a province is a city
    assert np.isnan(km[13]) and np.isnan(km[14])  # a province alone (江苏省) or an unknown city: no guess
    assert km[15] == 0.0  # own coordinates win over the city (杭州)
    basis = [b if isinstance(b, str) else None for b in matcher.locate(frame)["location_basis"]]
    assert basis == [geo.BASIS_CITY, geo.BASIS_CITY, geo.BASIS_PROVINCE, None, None, geo.BASIS_POINT]
    # the zone as a pair, and a ScoreResult-like object, give the same answer
    assert matcher.distance_km(frame, (118.9, 32.1)).equals(km)


def test_distance_km_on_a_real_ranking(fixture_result, fixture_zone):
    km = matcher.distance_km(fixture_result, fixture_zone)
    assert len(km) == len(fixture_result.ranked)
    nanjing = fixture_result.ranked["city"] == "南京市"
    assert nanjing.any() and (km[nanjing] < 30).all()
    assert (km[fixture_result.ranked["city"] == "杭州市"] > 200).all()


def test_distance_needs_a_zone_location(fixture_zone):
    from dataclasses import replace

    with pytest.raises(matcher.MatcherError, match="location"):
        matcher.distance_km(pd.DataFrame({"city": ["南京市"]}), replace(fixture_zone, lon=None, lat=None))
    with pytest.raises(matcher.MatcherError):
        matcher.distance_km(pd.DataFrame({"city": ["南京市"]}), (200.0, 32.0))


def test_ring_points_lie_on_the_radius():
    pts = np.array(geo.ring(118.9, 32.1, 150.0))
    assert pts[0].tolist() == pts[-1].tolist()  # closed
    d = geo.haversine_km(pts[:, 0], pts[:, 1], 118.9, 32.1)
    assert np.allclose(d, 150.0, rtol=1e-3)
    with pytest.raises(matcher.MatcherError):
        geo.ring(118.9, 32.1, 0)


# --------------------------------------------------------------------------------------------
# chain maps


def test_segment_summary_counts_and_top_targets(ranked, fixture_chains, fixture_zone):
    s = matcher.segment_summary(ranked, fixture_chains, fixture_zone).set_index(["chain_id", "segment_id"])
    assert len(s) == 5  # every segment of the fixture chains, also those without candidates
    battery = s.loc[("nev", "battery")]
    assert (battery.n_a, battery.n_b, battery.n_c) == (4, 2, 1)
    assert battery.status == "缺失"
    assert [t["score"] for t in battery.top] == [95.0, 90.0, 88.0, 70.0, 55.0]  # best five, best first
    assert (s.loc[("nev", "vehicle")].n_a, s.loc[("nev", "vehicle")].n_b) == (0, 0)
    assert s.loc[("nev", "vehicle")].top == []
    assert (s.loc[("ic", "design")].n_a, s.loc[("ic", "design")].n_b) == (2, 1)


def _nodes(option):
    return {n["name"]: n for n in option["series"][0]["data"]}


def test_chain_map_lays_segments_out_upstream_to_downstream(ranked, fixture_chains, fixture_zone):
    summary = matcher.segment_summary(ranked, fixture_chains, fixture_zone)
    option = matcher.chain_map_option(summary, "nev")
    json.dumps(option)  # plain data, no functions
    nodes = _nodes(option)
    battery, charging, vehicle = nodes["nev/battery"], nodes["nev/charging"], nodes["nev/vehicle"]
    assert battery["x"] < charging["x"] == vehicle["x"]  # 中游 left of 下游
    assert nodes["__上游"]["x"] < battery["x"]
    # the workbook's colours: the status fill and text colour, edged in the status mark
    assert battery["itemStyle"]["color"] == STATUS_COLOURS["缺失"].fill
    assert battery["itemStyle"]["borderColor"] == STATUS_COLOURS["缺失"].mark
    assert battery["label"]["color"] == STATUS_COLOURS["缺失"].text
    assert charging["itemStyle"]["color"] == STATUS_COLOURS["优势"].fill
    assert vehicle["itemStyle"].get("borderType") == "dashed"  # assumed status
    assert "A 4 · B 2" in battery["label"]["formatter"]
    tip = battery["tooltip"]["formatter"]
    assert "江苏锐能动力电池有限公司" in tip and "北京电池有限公司" not in tip  # top five only
    assert "<img" not in tip and "&lt;img" in tip and "&#123;a&#125;" in tip  # escaped, no template
    assert tip.index("95.0") < tip.index("90.0") < tip.index("88.0")
    assert option["series"][0]["links"]  # arrows between the column headers
    with pytest.raises(matcher.MatcherError):
        matcher.chain_map_option(summary, "nope")


def test_chain_map_overview_has_every_chain_and_segment(ranked, fixture_chains, fixture_zone):
    summary = matcher.segment_summary(ranked, fixture_chains, fixture_zone)
    nodes = _nodes(matcher.chain_map_option(summary))
    tiles = {k for k, n in nodes.items() if "segment_id" in n}
    assert tiles == {"nev/battery", "nev/charging", "nev/vehicle", "ic/design", "ic/packaging"}
    assert {"__chain_nev", "__chain_ic"} <= set(nodes)
    assert nodes["nev/battery"]["y"] != nodes["ic/design"]["y"]  # one row per chain
    assert nodes["ic/design"]["x"] < nodes["ic/packaging"]["x"]  # 上游 before 中游


# --------------------------------------------------------------------------------------------
# geographic maps


def test_region_summary_counts_targets_once(ranked, fixture_zone):
    provinces, cities = maps.region_summary(ranked, fixture_zone)
    p = provinces.set_index("province")["count"].to_dict()
    # A/B only; the company listed under two chains counts once; unknown province left out
    assert p == {"江苏省": 4, "浙江省": 1, "安徽省": 1, "上海市": 1, "北京市": 1}
    c = cities.set_index("city")
    assert c["count"].to_dict() == {"南京市": 2, "苏州市": 2, "杭州市": 1, "合肥市": 1, "上海市": 1, "北京市": 1}
    assert c.loc["南京市", "n_a"] == 1 and c.loc["南京市", "n_b"] == 1
    assert c.loc["南京市", "distance_km"] < 30 < c.loc["杭州市", "distance_km"]
    ic_prov, ic_cities = maps.region_summary(ranked, fixture_zone, chain_id="ic")
    assert ic_prov.set_index("province")["count"].to_dict() == {"江苏省": 2}
    assert ic_prov["total_score"].sum() == pytest.approx(107.0)


def test_geo_map_option(ranked, fixture_zone, fixture_chains):
    option = matcher.geo_map_option(ranked, fixture_zone, chains=fixture_chains)
    json.dumps(option)
    by_id = {s["id"]: s for s in option["series"]}
    values = {d["name"]: d["value"] for d in by_id["provinces"]["data"]}
    assert values["江苏省"] == 4 and values["台湾省"] == 0 and values["新疆维吾尔自治区"] == 0
    assert len(values) == 34  # every province is on the map, empty ones at 0
    assert by_id["provinces-inset"]["geoIndex"] == 1 and option["geo"][1]["map"] == maps.INSET_MAP_NAME
    assert by_id["zone"]["data"][0]["value"] == [118.9, 32.1]
    ring_pts = np.array(by_id["radius"]["data"][0]["coords"])
    assert np.allclose(geo.haversine_km(ring_pts[:, 0], ring_pts[:, 1], 118.9, 32.1), maps.DEFAULT_RADIUS_KM, rtol=1e-3)
    assert sum(d["value"][2] for d in by_id["cities"]["data"]) == 8
    assert "150 公里配套半径内 2 家" in option["title"]["subtext"]  # 南京 (25 km); 合肥 is 153 km away
    score = matcher.geo_map_option(ranked, fixture_zone, metric="score", radius_km=[100, 250])
    svalues = {d["name"]: d["value"] for d in score["series"][0]["data"]}
    assert svalues["浙江省"] == 90.0
    assert len({s["id"]: s for s in score["series"]}["radius"]["data"]) == 2
    local = matcher.geo_map_option(ranked, fixture_zone, view="local")
    (x0, y1), (x1, y0) = local["geo"][0]["boundingCoords"]
    assert x0 < 118.9 < x1 and y0 < 32.1 < y1 and len(local["geo"]) == 1
    for bad in ({"metric": "x"}, {"view": "x"}, {"radius_km": -5}, {"chain_id": "nope"}):
        with pytest.raises(matcher.MatcherError):
            matcher.geo_map_option(ranked, fixture_zone, chains=fixture_chains, **bad)


def test_subtext_counts_within_radius(ranked, fixture_zone):
    option = matcher.geo_map_option(ranked, fixture_zone, radius_km=200)
    assert "200 公里配套半径内 5 家" in option["title"]["subtext"]  # + 合肥 (153 km), 苏州 2 (190 km)


def test_boundaries_follow_the_standard_map():
    full = json.loads((maps.GEO_DIR / "china_provinces.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in full["features"] if f["properties"]["kind"] == "province"}
    assert len(names) == 34 and {"台湾省", "香港特别行政区", "澳门特别行政区", "海南省"} <= names
    dashes = [f for f in full["features"] if f["properties"]["kind"] == "maritime"][0]["geometry"]["coordinates"]
    assert len(dashes) == 10  # the ten-dash line, as published
    hainan = [f for f in full["features"] if f["properties"]["name"] == "海南省"][0]["geometry"]["coordinates"]
    assert min(pt[1] for poly in hainan for pt in poly[0]) < 4.5  # 曾母暗沙 region kept
    taiwan = [f for f in full["features"] if f["properties"]["name"] == "台湾省"][0]["geometry"]["coordinates"]
    assert max(pt[0] for poly in taiwan for pt in poly[0]) > 124  # 赤尾屿 kept
    for name in ("china_provinces.geojson", "china_south_sea_inset.geojson"):
        assert (maps.GEO_DIR / name).stat().st_size < 400_000
    registered = matcher.geo_maps()
    main_names = {f["properties"]["name"] for f in registered[maps.MAP_NAME]["features"]}
    assert main_names == names
    lowest = min(
        pt[1] for f in registered[maps.MAP_NAME]["features"] for poly in f["geometry"]["coordinates"] for pt in poly[0]
    )
    assert lowest > 17  # 南海诸岛 go to the inset, not below the main frame
    inset = {f["properties"]["name"] for f in registered[maps.INSET_MAP_NAME]["features"]}
    assert "海南省" in inset and "新疆维吾尔自治区" not in inset


# --------------------------------------------------------------------------------------------
# the offline HTML file


def test_html_loads_nothing_from_the_network(html_file):
    text = html_file.read_text(encoding="utf-8")
    # no element or stylesheet points at a remote (or protocol-relative) resource
    assert not re.search(r"""(?:src|href|action|poster|srcset|data)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert "@import" not in text and "<link" not in text.lower() and "<iframe" not in text.lower()
    assert not re.search(r"<script[^>]+src", text, re.I)
    # every http(s) string left is an XML namespace name the SVG code passes to createElementNS /
    # setAttributeNS (an identifier, never fetched); licence-comment URLs had their scheme removed
    assert set(re.findall(r"https?://[^\s\"'<>)]*", text)) <= W3_NAMESPACES
    # and the page forbids any load it did not inline
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert len(text) < 3_000_000


def test_html_is_self_contained_and_escaped(html_file):
    text = html_file.read_text(encoding="utf-8")
    assert text.lower().count("<script") == 2 and text.lower().count("</script") == 2  # names cannot end it
    ours = text.replace(maps.echarts_js(), "")  # the page minus the vendored library
    assert len(ours) < len(text) - 1_000_000
    assert EVIL not in ours and "<img" not in ours
    assert "echarts.registerMap" in text and "南海诸岛" in text
    assert "Apache" in text  # the library's licence notice travels with it
    footer = ours.split("<footer>")[1].split("</footer>")[0]
    assert "底图：国家基础地理数据" in footer and "公里" in footer
    for word in ("cnmaps", "PyPI", "shapely", "tolerance", "deg", "ECharts", "km"):
        assert word not in footer
    note = ours.split('<p class="note">')[1]
    assert "家" in note.split("</p>")[0] and "行" not in note.split("</p>")[0]
    data = json.loads(re.search(r"var DATA = (\{.*?\});\n", text, re.S).group(1))
    ids = [c["id"] for c in data["charts"]]
    assert ids == ["chain-overview", "chain-nev", "chain-ic", "geo-national", "geo-local"]
    assert set(data["maps"]) == {maps.MAP_NAME, maps.INSET_MAP_NAME}


def test_html_for_one_chain(ranked, fixture_chains, fixture_zone):
    text = matcher.map_html(ranked, fixture_chains, fixture_zone, chain_id="ic", radius_km=80)
    data = json.loads(re.search(r"var DATA = (\{.*?\});\n", text, re.S).group(1))
    assert [c["id"] for c in data["charts"]] == ["chain-ic", "geo-national", "geo-local"]
    assert 'value="80"' in text
    with pytest.raises(matcher.MatcherError):
        matcher.map_html(ranked, fixture_chains, fixture_zone, chain_id="nope")


def test_cli_map(tmp_path, capsys):
    out = tmp_path / "m.html"
    assert main(["map", str(DATA / "candidates.csv"), "--chain", "nev", "--radius", "120", "-o", str(out)]) == 0
    assert out.stat().st_size > 500_000 and "120 公里配套半径内" in out.read_text(encoding="utf-8")
    assert "read 10" in capsys.readouterr().out
    assert main(["map", str(DATA / "candidates.csv"), "-o", str(tmp_path / "m.png")]) == 2
    assert main(["map", str(DATA / "candidates.csv"), "--chain", "nope", "-o", str(out)]) == 2
    assert main(["map", str(DATA / "candidates.csv"), "--radius", "0", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


# --------------------------------------------------------------------------------------------
# headless Chromium: the file opens from file:// with every network request blocked, and draws

_BLANK_RATIO_JS = """(id) => {
  const canvas = document.getElementById(id).querySelector('canvas');
  const ctx = canvas.getContext('2d');
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] > 0 && (px[i] < 245 || px[i + 1] < 245 || px[i + 2] < 245)) ink += 1;
  }
  return ink / (px.length / 4);
}"""

_PIXEL_AT_GEO_JS = """([id, geoIndex, lon, lat]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const [x, y] = chart.convertToPixel({geoIndex: geoIndex}, [lon, lat]);
  const canvas = document.getElementById(id).querySelector('canvas');
  const r = canvas.width / chart.getWidth();
  const p = canvas.getContext('2d').getImageData(Math.round(x * r), Math.round(y * r), 1, 1).data;
  return [p[0], p[1], p[2], p[3]];
}"""

_NODE_PIXEL_JS = """([id, name]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const node = chart.getOption().series[0].data.find(n => n.name === name);
  return chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
}"""


def test_html_draws_offline_in_chromium(html_file, tmp_path):
    chromium = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras")
    attempted = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            attempted.append(url)
            request_route.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", route)
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            # a load the page's Content-Security-Policy refuses never reaches the router: record those too
            page.add_init_script(
                "window.__violations = []; document.addEventListener("
                "'securitypolicyviolation', e => window.__violations.push(e.blockedURI));"
            )
            page.goto(html_file.as_uri())
            page.wait_for_function("window.chainmatchCharts && window.chainmatchCharts.drawn === 5", timeout=20_000)
            page.wait_for_timeout(800)  # let the initial animation settle
            assert errors == []
            assert attempted == []  # not one request left the file
            assert page.evaluate("window.__violations") == []  # nor was one attempted and refused
            ink = {cid: page.evaluate(_BLANK_RATIO_JS, cid) for cid in page.evaluate("window.chainmatchCharts.ids")}
            assert all(v > 0.02 for v in ink.values()), ink
            white = [255, 255, 255, 255]
            # provinces are filled (新疆: 0 targets, lightest colour), the inset shows 海南岛
            assert page.evaluate(_PIXEL_AT_GEO_JS, ["geo-national", 0, 85.0, 42.0]) != white
            assert page.evaluate(_PIXEL_AT_GEO_JS, ["geo-national", 1, 109.8, 19.2]) != white
            assert page.evaluate(_PIXEL_AT_GEO_JS, ["geo-national", 1, 113.0, 13.0]) == white  # open sea
            # hovering the 动力电池 tile lists its best targets, names shown as text, never as markup
            el = page.query_selector("#chain-nev")
            box = el.bounding_box()
            x, y = page.evaluate(_NODE_PIXEL_JS, ["chain-nev", "nev/battery"])
            page.mouse.move(box["x"] + x, box["y"] + y)
            page.wait_for_function("document.getElementById('chain-nev').innerText.includes('江苏锐能')", timeout=5_000)
            tip = el.inner_text()
            assert "A 类 4 家" in tip and EVIL in tip and "北京电池" not in tip
            assert page.evaluate("document.querySelectorAll('#chain-nev img').length") == 0
            # the 配套半径 is editable in the file
            page.fill("#radius", "300")
            page.dispatch_event("#radius", "change")
            subtext = page.evaluate("""echarts.getInstanceByDom(document.getElementById('geo-national'))
                                       .getOption().title[0].subtext""")
            assert "300 公里配套半径内 7 家" in subtext  # + 杭州 (253 km), 上海 (262 km); 北京 is 929 km
            shot = tmp_path / "chainmatch-map.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")
        finally:
            browser.close()
    assert attempted == []


def test_maps_of_an_empty_ranking_and_a_zone_without_location(fixture_chains, fixture_zone):
    from dataclasses import replace

    empty = pd.DataFrame(columns=COLUMNS)
    summary = matcher.segment_summary(empty, fixture_chains, fixture_zone)
    assert summary[["n_a", "n_b", "n_c"]].to_numpy().sum() == 0 and all(t == [] for t in summary["top"])
    nowhere = replace(fixture_zone, lon=None, lat=None)
    text = matcher.map_html(empty, fixture_chains, nowhere)
    data = json.loads(re.search(r"var DATA = (\{.*?\});\n", text, re.S).group(1))
    assert [c["id"] for c in data["charts"]][-1] == "geo-national"  # no 园区周边 view without a location
    option = data["geo"]["views"]["national"]["count"]
    assert {s["id"] for s in option["series"]}.isdisjoint({"zone", "radius"})
    with pytest.raises(matcher.MatcherError):
        matcher.geo_map_option(empty, nowhere, view="local")
    with pytest.raises(matcher.MatcherError, match="缺少列"):
        matcher.segment_summary(pd.DataFrame({"company_name": ["x"]}), fixture_chains, fixture_zone)


def test_map_html_parts_keep_only_the_sections_asked_for(fixture_chains, fixture_zone):
    """The app draws one section at a time (a chain's map, or the geographic map): a page of some
    parts has exactly those charts and leaves the others' data out."""
    empty = pd.DataFrame(columns=COLUMNS)

    def charts(text):
        data = json.loads(re.search(r"var DATA = (\{.*?\});\n", text, re.S).group(1))
        return [c["id"] for c in data["charts"]], data

    every, _ = charts(matcher.map_html(empty, fixture_chains, fixture_zone))
    assert every[0] == "chain-overview" and "geo-national" in every
    ids, data = charts(matcher.map_html(empty, fixture_chains, fixture_zone, parts=["overview"]))
    assert ids == ["chain-overview"] and data["maps"] == {}
    text = matcher.map_html(empty, fixture_chains, fixture_zone, parts=["overview"])
    assert "产业链图" in text and "地理分布" not in text and 'id="metric"' not in text
    ids, _ = charts(matcher.map_html(empty, fixture_chains, fixture_zone, parts=["chains"]))
    assert ids == [c for c in every if c.startswith("chain-") and c != "chain-overview"]
    chain_id = next(iter(fixture_chains))
    ids, _ = charts(matcher.map_html(empty, fixture_chains, fixture_zone, chain_id=chain_id, parts=["chains"]))
    assert ids == [f"chain-{chain_id}"]
    ids, data = charts(matcher.map_html(empty, fixture_chains, fixture_zone, parts=["geo"]))
    assert ids == [c for c in every if c.startswith("geo-")] and data["maps"]
    for bad in ([], ["legend"]):
        with pytest.raises(matcher.MatcherError, match="地图内容"):
            matcher.map_html(empty, fixture_chains, fixture_zone, parts=bad)
