"""House rules that keep the code easy to live in."""

import ast
from pathlib import Path

import matcher

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_never_imports_streamlit():
    for path in (ROOT / "matcher").glob("*.py"):
        assert "streamlit" not in _imports(path), path


def test_front_ends_use_only_the_public_api():
    fronts = [ROOT / "app.py", ROOT / "matcher" / "cli.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    for path in fronts:
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("matcher.") and node.level == 0, (path, node.module)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("matcher", "api"):
                assert node.attr in matcher.__all__ or node.attr.isupper(), (path, node.attr)


def test_every_engine_module_has_a_docstring():
    for path in (ROOT / "matcher").glob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and len(doc) > 60, path
