"""Every exit status comes from `tui_register.exit_codes.ExitCode`: no module keeps its own
exit constants, and no command returns a bare number."""

from __future__ import annotations

import ast
from pathlib import Path

import tui_register

SOURCE = Path(tui_register.__file__).parent


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SOURCE.rglob("*.py"))
            if path.name != "exit_codes.py"]


def test_no_module_defines_exit_constants():
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper() and "EXIT" in target.id:
                    found.append(f"{path.relative_to(SOURCE)}:{node.lineno} {target.id}")
    assert found == []


def test_commands_return_exit_codes_not_numbers():
    """The command handlers (cli/) and the interface's `run_app` return ExitCode members."""
    found = []
    for path, tree in modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            if not (path.parent.name == "cli" or function.name == "run_app"):
                continue
            for node in ast.walk(function):
                value = getattr(node, "value", None) if isinstance(node, ast.Return) else None
                if isinstance(value, ast.Constant) and isinstance(value.value, int):
                    found.append(f"{path.relative_to(SOURCE)}:{node.lineno} return {value.value}")
    assert found == []
