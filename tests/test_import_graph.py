"""The project's modules import each other without a cycle.

The graph is read from the source with ``ast``: every import at a module's top level, and every
import inside a function (ruff's PLC0415 allows those only with a noqa comment that says why, so
they are counted too: a cycle must not hide in a function). ``from package import name`` counts
as an import of ``package.name`` when that is a module, else of ``package``.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("programs", "iopfinder", "bench")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that module ``name`` (at ``path``) imports."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                package = ".".join([*base, *([node.module] if node.module else [])])
            else:
                package = node.module
            targets = [
                f"{package}.{alias.name}" if f"{package}.{alias.name}" in modules else package
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of modules (the first repeated at the end), or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        trail.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return [*trail[trail.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        trail.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def project_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def test_no_import_cycle_among_the_projects_modules():
    cycle = find_cycle(project_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_geography_module_is_a_leaf_the_models_may_import():
    graph = project_graph()
    assert graph["programs.geo"] == set()
    assert "programs.geo" in graph["programs.models.facility"]


def test_the_cycle_check_finds_a_cycle_through_a_package():
    graph = {
        "app.models": {"app.models.facility"},
        "app.models.facility": {"app.geo"},
        "app.geo": {"app.models"},
        "app.views": {"app.models"},
    }
    assert find_cycle(graph) == ["app.geo", "app.models", "app.models.facility", "app.geo"]
    del graph["app.geo"]
    assert find_cycle(graph) is None


def test_relative_imports_resolve_to_the_modules_they_name(tmp_path):
    modules = {"app.models": tmp_path / "models" / "__init__.py", "app.models.choices": None}
    modules["app.models.facility"] = tmp_path / "models" / "facility.py"
    modules["app.geo"] = None
    source = "from .choices import Format\nfrom app import geo\n\ndef f():\n    from . import x\n"
    modules["app.models.facility"].parent.mkdir()
    modules["app.models.facility"].write_text(source)
    found = imports_of("app.models.facility", modules["app.models.facility"], modules)
    assert found == {"app.models.choices", "app.geo", "app.models"}
