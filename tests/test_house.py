"""The house's rules, checked on the code itself (docs/architecture.md says why): stages in
folders that import only earlier stages, no import circles, no module using another's private
names, and every module saying what it offers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import quotecards

PACKAGE = Path(quotecards.__file__).parent
# The stages in the order data flows through them: a stage imports only stages before it.
STAGES = ["text", "sources", "draw", "encode", "build", "sites"]
# Top-level modules every stage may use: the vocabulary the stages share. The others at the top
# (options, context, cards, config, the CLI, the preview) run the stages, and only build/ and
# sites/, which run whole builds, may use them.
SHARED = {"errors", "resources", "files", "card_warnings", "records", "formats", "tables", "heap"}
RUNNERS_ALLOWED_IN = {"build", "sites"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """Every import of our own modules in `name`, at any depth (lazy ones too): the module,
    the names taken from it, and the line."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [alias.name for alias in node.names]
            if node.module is None or target in PACKAGES:
                for alias in names:  # `from . import x`: x is a module
                    full = f"{target}.{alias}" if target else alias
                    found.append((full, [], node.lineno) if full in MODULES else (target, [alias], node.lineno))
            else:
                found.append((target, names, node.lineno))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("quotecards"):
            target = node.module.removeprefix("quotecards").lstrip(".")
            found.append((target, [alias.name for alias in node.names], node.lineno))
    return found


MODULES = modules()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def stage(module: str) -> str | None:
    head = module.split(".")[0]
    return head if head in STAGES else None


def test_the_top_level_holds_about_fifteen_modules():
    top = [name for name in MODULES if name and "." not in name and name not in STAGES]
    assert len(top) <= 16, top


@pytest.mark.parametrize("name", [n for n in MODULES if n])
def test_a_stage_imports_only_earlier_stages_and_the_shared_modules(name):
    own = stage(name)
    if own is None:
        return
    for target, _names, line in imports(name, MODULES[name]):
        other = stage(target)
        if other is not None:
            assert STAGES.index(other) <= STAGES.index(own), f"{name}:{line} imports {target}, a later stage"
        elif target and target not in SHARED:
            assert own in RUNNERS_ALLOWED_IN, f"{name}:{line} imports {target}, which runs the stages"


def test_no_import_circles():
    graph = {name: {t for t, _n, _l in imports(name, path) if t in MODULES and t != name}
             for name, path in MODULES.items() if name}
    graph = {name: {t for t in targets if t} for name, targets in graph.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            pytest.fail("import circle: " + " -> ".join([*trail[trail.index(name):], name]))
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


@pytest.mark.parametrize("name", [n for n in MODULES if n])
def test_no_module_takes_another_modules_private_names(name):
    for target, names, line in imports(name, MODULES[name]):
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, f"{name}:{line} takes {private} from {target}"


@pytest.mark.parametrize("name", [n for n in MODULES if n and not n.endswith("__main__")])
def test_every_module_says_what_it_offers(name):
    """`__all__`, or a private name (a leading underscore); a package's __init__ has its docstring."""
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    assert ast.get_docstring(tree), f"{name} has no docstring"
    if MODULES[name].name == "__init__.py" or name.split(".")[-1].startswith("_"):
        return
    assert any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
               for node in tree.body), f"{name} has no __all__"
