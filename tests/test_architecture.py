"""The checks that keep the layout clean: the import contracts, and no function too complex to read.

The contracts live in pyproject.toml (`[tool.importlinter]`); docs/ARCHITECTURE.md says what
each layer is and why the arrows point the way they do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.api import read_configuration
from importlinter.cli import lint_imports
from radon.complexity import add_inner_blocks, cc_visit
from radon.visitors import Function

import dossier

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dossier"
PYPROJECT = ROOT / "pyproject.toml"

MAX_COMPLEXITY = 12  # radon's cyclomatic complexity; ruff's C901 counts differently and lets more through

CONTRACTS = [contract["id"] for contract in read_configuration(str(PYPROJECT))["contracts_options"]]


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract_is_kept(contract: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # grimp builds the graph from the `dossier` that Python imports: it must be this one
    assert Path(dossier.__file__).parent == PACKAGE
    monkeypatch.chdir(ROOT)
    status = lint_imports(
        config_filenames=(str(PYPROJECT),), limit_to_contracts=(contract,), no_cache=True, no_logo=True
    )
    assert status == 0, f"import contract {contract!r} is broken: lint-imports' report is in the captured output above"


def test_the_layers_contract_places_every_top_level_module() -> None:
    # exhaustive: a new subpackage or top-level module must be given its layer, not slip past the contract
    (layers,) = [c for c in read_configuration(str(PYPROJECT))["contracts_options"] if c["id"] == "layers"]
    assert layers["type"] == "layers"
    assert layers["exhaustive"] in (True, "true", "True")


def functions_over(limit: int) -> list[str]:
    """Every function and method (closures included) of the package above ``limit``, as `path:line name (n)`."""
    found: list[tuple[str, int, str]] = []
    for module in sorted(PACKAGE.rglob("*.py")):
        for block in add_inner_blocks(cc_visit(module.read_text(encoding="utf-8"))):
            if isinstance(block, Function) and block.complexity > limit:
                name = f"{block.classname}.{block.name}" if block.classname else block.name
                found.append((str(module.relative_to(ROOT)), block.lineno, f"{name} ({block.complexity})"))
    return [f"{path}:{line} {what}" for path, line, what in sorted(found)]


def test_no_function_is_above_the_complexity_limit() -> None:
    over = functions_over(MAX_COMPLEXITY)
    assert not over, f"{len(over)} functions above cyclomatic complexity {MAX_COMPLEXITY}; split them:\n" + "\n".join(
        over
    )


def test_the_complexity_count_sees_branches_in_methods_and_closures(tmp_path: Path) -> None:
    # The check is only as good as its walk: a method and a closure over the limit are both found.
    branches = "\n".join(f"        if x == {i}:\n            return {i}" for i in range(MAX_COMPLEXITY))
    source = (
        f"class C:\n    def method(self, x):\n{branches}\n        return -1\n"
        f"def outer():\n    def inner(x):\n{branches}\n        return -1\n    return inner\n"
    )
    blocks = [b for b in add_inner_blocks(cc_visit(source)) if isinstance(b, Function)]
    over = sorted(b.name for b in blocks if b.complexity > MAX_COMPLEXITY)
    assert over == ["method", "outer.inner"]
