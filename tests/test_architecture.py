"""House rules that keep the code easy to live in: the layers, the public API, docstrings."""

import ast
from pathlib import Path

import matcher

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "matcher"

# The package's layers, lowest first: a module imports only from its own layer or below. New
# subsystems take a place in this list (a folder, or a module on top).
LAYERS = [
    ("matcher.errors", "matcher.contract", "matcher.distinct"),  # leaves
    ("matcher.knowledge",),  # settings, chains, zones
    ("matcher.learn",),  # the learned chain model: hashed text features, artefact, NumPy inference
    ("matcher.ingest",),  # files -> canonical rows
    ("matcher.engine",),  # canonical rows -> components, score
    ("matcher.outputs",),  # results -> files
    ("matcher.pipeline",),  # the batch run
    ("matcher.stream",),  # a whole register, streamed or on a Dask cluster
    ("matcher.gaps",),  # the zone's gap profile, computed with the pipeline
    ("matcher.store",),  # the 招商台账: runs, companies, leads and their history in SQLite / PostgreSQL
    ("matcher.accounts",),  # users, roles, the Principal filter on reads and writes, the audit trail
    ("matcher.reports",),  # the weekly 台账 and the quarterly 链长调度会 report, generated from the store
    ("matcher.session",),  # what an interactive session needs
    ("matcher.cli",),  # a front end over the public API
]
FACADE = "matcher"  # the package's __init__: the public API, loads any layer lazily


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imported(path: Path) -> set[str]:
    return _imports_in(path.read_text(encoding="utf-8"), _module_name(path), _is_package(path))


def _imports_in(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module a file imports (anywhere in it, function-level imports included), resolved to dotted
    names; `from X import name` also counts as importing X.name (which matters when that is a module)."""
    tree = ast.parse(source)
    here = module.split(".")
    package = here if is_package else here[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out.add(base)
            for a in node.names:
                out.add(f"{base}.{a.name}")
    return out


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int | None:
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: {i for i in _imported(p) if i in modules and i != m} for m, p in modules.items()}


def test_every_module_has_a_layer():
    assert [m for m in _modules() if m != FACADE and _layer(m) is None] == []


def test_nothing_imports_from_a_higher_layer():
    upward = []
    for module, imports in _graph().items():
        if module == FACADE:
            continue
        for target in imports:
            if target != FACADE and _layer(target) > _layer(module):
                upward.append(f"{module} -> {target}")
            if target == FACADE and not module.endswith("cli"):
                upward.append(f"{module} -> {target} (the public API is for front ends)")
    assert upward == []


def test_engine_never_imports_outputs_or_a_ui():
    for module, path in _modules().items():
        imports = _imported(path)
        assert not any(i.split(".")[0] == "streamlit" for i in imports), module
        if module.startswith(("matcher.engine", "matcher.knowledge", "matcher.ingest")):
            assert not any(i.startswith("matcher.outputs") for i in imports), module


def test_no_import_circle():
    graph = _graph()
    graph.pop(FACADE)
    done, on_path, circles = set(), [], []

    def visit(m):
        if m in on_path:
            circles.append(on_path[on_path.index(m) :] + [m])
            return
        if m in done:
            return
        on_path.append(m)
        for t in sorted(graph.get(m, ())):
            if t != FACADE:
                visit(t)
        on_path.pop()
        done.add(m)

    for m in sorted(graph):
        visit(m)
    assert circles == []


def test_the_checks_read_real_imports():
    """Relative imports, function-level ones included, resolve to the module they name, and an engine
    module importing the pipeline would be an upward import."""
    probe = "from ..knowledge.chains import Chain\n\ndef f():\n    from ..pipeline import score_files\n"
    found = _imports_in(probe, "matcher.engine.probe")
    assert {"matcher.knowledge.chains", "matcher.pipeline"} <= found
    assert _layer("matcher.pipeline") > _layer("matcher.engine.probe")
    assert "matcher.knowledge.chains" in _imported(PACKAGE / "engine" / "score.py")


def test_front_ends_use_only_the_public_api():
    fronts = [ROOT / "app.py", ROOT / "matcher" / "cli.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    for path in fronts:
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("matcher.") and node.level == 0, (path, node.module)
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("matcher", "api")
            ):
                assert node.attr in matcher.__all__ or node.attr.isupper(), (path, node.attr)


def test_every_engine_module_has_a_docstring():
    for path in PACKAGE.rglob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and len(doc) > 60, path
