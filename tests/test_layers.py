"""The package's dependencies point one way: no import cycle, sources below the index.

Imports are read from the source (every `import`, also those inside functions),
so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "smcbot"
ABOVE_SOURCES = ("smcbot.index", "smcbot.embedding", "smcbot.retrieval", "smcbot.answering", "smcbot.bots")


def module_name(path: Path) -> str:
    """`smcbot/sources/web.py` -> `smcbot.sources.web` (a package is its `__init__`)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each smcbot module and the smcbot modules it imports."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        graph[name] = {other for other in imported if other in modules and other != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules (first repeated at the end), or []."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = "open"
        path.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                return path[path.index(other) :] + [other]
            if other not in state and (cycle := visit(other)):
                return cycle
        state[name] = "done"
        path.pop()
        return []

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return []


def test_no_import_cycle_in_the_package():
    assert find_cycle(import_graph()) == []


def test_sources_know_nothing_of_the_index_or_what_is_above_it():
    graph = import_graph()
    for name, imported in graph.items():
        if name.startswith("smcbot.sources"):
            assert not [other for other in imported if other.startswith(ABOVE_SOURCES)], name
