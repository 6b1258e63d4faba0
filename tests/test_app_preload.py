"""The start page `serve_app.py` serves (app_pages/_preload.py): Streamlit's own page plus preload links for
the chunks the first page's elements load lazily, checked against the bundle itself; unchanged when the
bundle has no such chunk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app_pages import _preload

LINK = re.compile(r'<link rel="(?:modulepreload|preload)"[^>]*href="\./static/(js|css)/([^"]+)">\n')


def test_start_page_is_streamlits_page_plus_preload_links():
    index = (_preload.STATIC_DIR / "index.html").read_text(encoding="utf-8")
    page = _preload.index_html()
    added = page[len(index[: index.index("</head>")]) : len(page) - len(index[index.index("</head>") :])]
    assert page == index.replace("</head>", added + "</head>", 1)  # nothing of Streamlit's page changed
    links = LINK.findall(added)
    assert LINK.sub("", added) == ""  # only preload links were added
    names = [name for kind, name in links if kind == "js"]
    assert any(n.startswith("DataFrame.") for n in names)  # the table of the first page
    for kind, name in links:
        assert (_preload.STATIC_DIR / "static" / kind / name).is_file()
    assert len(names) == len(set(names))
    for name in names:  # nothing announced twice: the page's own preloads are not repeated
        assert f"/static/js/{name}" not in index


def test_the_links_cover_every_static_import_of_the_table_chunk():
    page = _preload.index_html()
    index = (_preload.STATIC_DIR / "index.html").read_text(encoding="utf-8")
    js_dir = _preload.STATIC_DIR / "static" / "js"
    table = next(js_dir.glob("DataFrame.*.js")).name
    # the plain definition: read every chunk's `from"./x.js"` imports, transitively
    todo, seen = [table], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += re.findall(r'from\s*"\./([^"/]+\.js)"', (js_dir / name).read_text(encoding="utf-8"))
        todo += re.findall(r'import\s*"\./([^"/]+\.js)"', (js_dir / name).read_text(encoding="utf-8"))
    for name in seen:
        assert page.count(f"/static/js/{name}") == 1, name  # in the page's own links or in ours
    assert index.count("/static/js/") < page.count("/static/js/")


@pytest.fixture
def bundle(tmp_path) -> Path:
    """A small bundle: a page, a table chunk importing a helper, and the helper importing the runtime the
    page announces already."""
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "css").mkdir()
    (tmp_path / "index.html").write_text(
        '<html><head><script type="module" src="./static/js/index.A1.js"></script>'
        '<link rel="modulepreload" crossorigin href="./static/js/runtime.B2.js"></head><body></body></html>',
        encoding="utf-8",
    )
    js = tmp_path / "static" / "js"
    (js / "index.A1.js").write_text('import{a}from"./runtime.B2.js";', encoding="utf-8")
    (js / "runtime.B2.js").write_text("export const a=1;", encoding="utf-8")
    (js / "DataFrame.C3.js").write_text(
        'import{a}from"./runtime.B2.js";import{b}from"./grid.D4.js";import("./lazy.E5.js")'
    )
    (js / "grid.D4.js").write_text('import"./runtime.B2.js";export const b=2;', encoding="utf-8")
    (js / "lazy.E5.js").write_text("export default 3;", encoding="utf-8")
    (tmp_path / "static" / "css" / "DataFrame.F6.css").write_text("a{}", encoding="utf-8")
    return tmp_path


def test_a_bundle_gets_its_table_chunk_its_imports_and_its_stylesheet(bundle):
    page = _preload.index_html.__wrapped__(bundle)
    assert LINK.findall(page) == [("js", "DataFrame.C3.js"), ("js", "grid.D4.js"), ("css", "DataFrame.F6.css")]
    assert page.index("DataFrame.C3.js") < page.index("</head>")


def test_a_bundle_without_the_chunks_is_served_unchanged(bundle):
    for path in (bundle / "static" / "js").glob("DataFrame.*"):
        path.unlink()
    assert _preload.index_html.__wrapped__(bundle) == (bundle / "index.html").read_text(encoding="utf-8")
