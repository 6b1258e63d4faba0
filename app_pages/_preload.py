"""The app's start page with the table code announced up front: Streamlit's page (its index.html) loads the
table component's JavaScript only when the first table arrives, so the browser fetches and compiles about
1.2 MB after the server has already sent the page. `index_html()` adds `<link rel="modulepreload">` for the
table chunk and every module it imports that the page does not already announce, so the browser loads them
while it waits for the server (`serve_app.py` serves it at "/").

Safe fallback: when Streamlit's bundle has no table chunk of the expected name (another Streamlit release),
the page is served unchanged. A preload only tells the browser what it will need; nothing is executed early.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit

# the lazily loaded chunks of the first page's elements (st.html/markdown with HTML, st.file_uploader,
# st.button, st.metric, st.dataframe and st.data_editor); Streamlit fetches them one after another as the elements arrive
FIRST_PAGE_CHUNKS = ("Html", "FileUploader", "Button", "Metric", "DataFrame")

STATIC_DIR = Path(streamlit.__file__).parent / "static"
_IMPORT = re.compile(r'(?:from|import)\s*"\./([^"/]+\.js)"')
_ANNOUNCED = re.compile(r'href="\./static/js/([^"/]+\.js)"|src="\./static/js/([^"/]+\.js)"')


def _imports(js_dir: Path, name: str) -> set[str]:
    """The chunk's static imports (`import … from "./x.js"`), not its lazy `import()` of other chunks."""
    return set(_IMPORT.findall((js_dir / name).read_text(encoding="utf-8")))


def chunk_closure(js_dir: Path, roots: list[str]) -> list[str]:
    """The root chunks and every module they import statically, transitively, in a stable order."""
    seen: dict[str, None] = {}
    todo = list(roots)
    while todo:
        name = todo.pop(0)
        if name in seen or not (js_dir / name).is_file():
            continue
        seen[name] = None
        todo.extend(sorted(_imports(js_dir, name) - set(seen)))
    return list(seen)


def preload_links(static_dir: Path, index: str) -> str:
    """The `<link rel="modulepreload">` lines for the first page's chunks the page does not announce yet."""
    js_dir = static_dir / "static" / "js"
    roots = [
        path.name
        for prefix in FIRST_PAGE_CHUNKS
        for path in sorted(js_dir.glob(f"{prefix}.*.js"))
        if re.fullmatch(rf"{re.escape(prefix)}\.[^.]+\.js", path.name)
    ]
    announced = {a or b for a, b in _ANNOUNCED.findall(index)}
    names = [n for n in chunk_closure(js_dir, roots) if n not in announced]
    styles = [  # a chunk's own stylesheet, which Streamlit's loader adds when the chunk loads
        css.name
        for name in roots
        for css in sorted((static_dir / "static" / "css").glob(name.split(".", 1)[0] + ".*.css"))
    ]
    return "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{n}">\n' for n in names) + "".join(
        f'<link rel="preload" as="style" crossorigin href="./static/css/{n}">\n' for n in styles
    )


@functools.cache
def index_html(static_dir: Path = STATIC_DIR) -> str:
    """Streamlit's index.html with the first page's chunks preloaded (unchanged when none is found)."""
    index = (static_dir / "index.html").read_text(encoding="utf-8")
    links = preload_links(static_dir, index)
    if not links or "</head>" not in index:
        return index
    return index.replace("</head>", links + "</head>", 1)
