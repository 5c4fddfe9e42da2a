"""The layers import downward only: `analytics` (pure polars) below `data` (store, import,
frames) below `reports` (each screen's numbers) below `ui` and `pages` (Streamlit).

Read with `ast`, so an import counts wherever it stands: at the top, inside a function, under
`TYPE_CHECKING`, or as `importlib.import_module("…")`. A command line (`__main__`) is the I/O
edge, not the library: it may reach up a layer, but only inside a function, so that importing
its package never loads the layer above.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The app's own top layers, and the libraries only they (or the store) may load.
ABOVE_REPORTS = ("ui", "pages", "app", "server", "deploy", "streamlit")
ABOVE_DATA = ("reports", *ABOVE_REPORTS)
ABOVE_ANALYTICS = ("data", *ABOVE_DATA, "sqlalchemy", "sqlmodel")
# What each package's command line may import inside a function: the layers it runs on (the
# analytics command line prints the screens' numbers, from `reports`).
EDGE_REACHES = {"analytics": ("data", "reports"), "data": ("ui",)}


@dataclass(frozen=True)
class Import:
    module: str
    line: int
    in_function: bool

    @property
    def package(self) -> str:
        return self.module.split(".")[0]


def imports(source: str, package: str) -> list[Import]:
    """Every module `source` imports (relative imports resolved inside `package`)."""
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(a.name, node.lineno, in_function) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = package if node.level else node.module or ""
            found.append(Import(module, node.lineno, in_function))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(node.args[0].value, node.lineno, in_function))
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(source), False)
    return found


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def forbidden(path: Path, package: str, above: tuple[str, ...]) -> list[str]:
    """`path`'s imports of a layer above `package`, as `line: module`."""
    edge = path.name == "__main__.py"
    return [
        f"{i.line}: {i.module}"
        for i in imports(path.read_text(encoding="utf-8"), package)
        if i.package in above
        and not (edge and i.in_function and i.package in EDGE_REACHES[package])
    ]


@pytest.mark.parametrize("path", modules("analytics"), ids=lambda p: p.name)
def test_analytics_imports_nothing_of_the_layers_above(path: Path) -> None:
    assert forbidden(path, "analytics", ABOVE_ANALYTICS) == []


@pytest.mark.parametrize("path", modules("data"), ids=lambda p: p.name)
def test_data_imports_nothing_of_the_app(path: Path) -> None:
    assert forbidden(path, "data", ABOVE_DATA) == []


@pytest.mark.parametrize("path", modules("reports"), ids=lambda p: p.name)
def test_reports_import_nothing_of_streamlit_or_the_pages(path: Path) -> None:
    assert forbidden(path, "reports", ABOVE_REPORTS) == []


def test_there_are_modules_to_check() -> None:
    names = {p.name for p in modules("analytics")} & {p.name for p in modules("data")}
    assert {"__init__.py", "__main__.py"} <= names
    assert {"__init__.py", "overview.py"} <= {p.name for p in modules("reports")}


SOURCE = """
import polars as pl
from typing import TYPE_CHECKING
import data.frames as frames
if TYPE_CHECKING:
    from data.frames import Frames

def load():
    from data import store
    import importlib
    return importlib.import_module("ui.strings")

class Report:
    def run(self):
        from . import rates
        return lambda: __import__("streamlit")
"""


def test_an_import_is_found_wherever_it_stands() -> None:
    assert imports(SOURCE, "analytics") == [
        Import("polars", 2, False),
        Import("typing", 3, False),
        Import("data.frames", 4, False),
        Import("data.frames", 6, False),
        Import("data", 9, True),
        Import("importlib", 10, True),
        Import("ui.strings", 11, True),
        Import("analytics", 15, True),
        Import("streamlit", 16, True),
    ]


def test_a_library_never_reaches_up_to_reports(tmp_path: Path) -> None:
    source = "import polars\nfrom reports.overview import place_numbers\n"
    library = tmp_path / "rates.py"
    library.write_text(source, encoding="utf-8")
    assert forbidden(library, "analytics", ABOVE_ANALYTICS) == ["2: reports.overview"]
    assert forbidden(library, "data", ABOVE_DATA) == ["2: reports.overview"]
    assert forbidden(library, "reports", ABOVE_REPORTS) == []
    reaching = "def main():\n    from reports import overview\n"
    main = tmp_path / "__main__.py"
    main.write_text(reaching, encoding="utf-8")
    assert forbidden(main, "analytics", ABOVE_ANALYTICS) == []
    assert forbidden(main, "data", ABOVE_DATA) == ["2: reports"]


def test_a_command_line_reaches_up_only_from_inside_a_function(tmp_path: Path) -> None:
    main = tmp_path / "__main__.py"
    main.write_text(SOURCE, encoding="utf-8")
    assert forbidden(main, "analytics", ABOVE_ANALYTICS) == [
        "4: data.frames",
        "6: data.frames",
        "11: ui.strings",
        "16: streamlit",
    ]
    library = tmp_path / "rates.py"
    library.write_text(SOURCE, encoding="utf-8")
    assert forbidden(library, "analytics", ABOVE_ANALYTICS) == [
        "4: data.frames",
        "6: data.frames",
        "9: data",
        "11: ui.strings",
        "16: streamlit",
    ]
