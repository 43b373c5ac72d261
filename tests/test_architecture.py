"""The house keeps its rooms: imports go down the tiers, never sideways between packages.

Tiers, from the bottom: 0 the foundations (clock, options, schema, characters, problems,
url_policy, parallel) → 1 ``content`` → 2 ``engine`` → 3 ``present`` → 4 ``site``, ``notify``,
``authoring``, ``monitor`` (independent of each other) → 5 the edges, ``cli`` and ``mkdocs_plugin``
→ 6 the entry points (``plugin`` for MkDocs, ``__main__``).
Only the edges import MkDocs or argparse. Read from the source, so that a new import
that breaks the rule fails here, with the module and the import named.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "site_plugin"

FOUNDATIONS = {
    "__init__",
    "clock",
    "options",
    "schema",
    "characters",
    "problems",
    "url_policy",
    "values",
    "errors",
    "parallel",
}
TIERS = {
    "content": 1,
    "engine": 2,
    "present": 3,
    "site": 4,
    "notify": 4,
    "authoring": 4,
    "monitor": 4,
}
EDGES = {"cli", "mkdocs_plugin"}
ENTRY_POINTS = {"plugin", "__main__"}
"""What MkDocs and ``python -m`` load: each hands over to one edge."""
EDGE_ONLY = ("mkdocs", "material", "argparse")


def room(module: str) -> str:
    """``content.loader`` → ``content``; ``clock`` → ``clock``."""
    return module.split(".")[0]


def tier(module: str) -> int:
    name = room(module)
    if name in FOUNDATIONS:
        return 0
    if name in EDGES:
        return 5
    if name in ENTRY_POINTS:
        return 6
    return TIERS[name]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found.append((".".join(parts), path))
    return found


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported name): site_plugin modules as dotted names below it, others as is."""
    package = module.split(".")[:-1]
    if path.name == "__init__.py":
        package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                name = node.module or ""
                if name.startswith("site_plugin."):
                    found.append((node.lineno, name.removeprefix("site_plugin.")))
                else:
                    found.append((node.lineno, name))
                continue
            base = package[: len(package) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            if node.module is None:
                # from . import x: each name is a module or a name of the package
                found += [(node.lineno, ".".join([*target, alias.name])) for alias in node.names]
            else:
                found.append((node.lineno, ".".join(target) or "__init__"))
    return found


def is_ours(name: str) -> bool:
    return bool(name) and room(name) in FOUNDATIONS | EDGES | ENTRY_POINTS | set(TIERS)


@pytest.mark.parametrize(("module", "path"), modules(), ids=[name for name, _ in modules()])
def test_imports_go_down_the_tiers(module: str, path: Path) -> None:
    wrong = []
    for line, name in imports(module, path):
        if not is_ours(name):
            if name.split(".")[0] in EDGE_ONLY and tier(module) < 5:
                wrong.append(f"line {line}: {name} (only cli and mkdocs_plugin import it)")
            continue
        if room(name) == room(module) or tier(name) == 0 == tier(module):
            continue
        if tier(name) >= tier(module):
            wrong.append(f"line {line}: {name} (tier {tier(name)} from tier {tier(module)})")
    assert not wrong, f"site_plugin/{path.relative_to(PACKAGE)} imports " + "; ".join(wrong)


def test_every_module_has_a_room() -> None:
    for module, _ in modules():
        assert tier(module) in range(7), module
