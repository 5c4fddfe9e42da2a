"""Every command-line subcommand and option is documented in README.md."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from analytics.__main__ import build_parser as analytics_parser
from data.__main__ import build_parser as data_parser

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for prog, parser in [("data", data_parser()), ("analytics", analytics_parser())]:
        for name, sub in _subcommands(parser).items():
            options = [o for a in sub._actions for o in a.option_strings if o.startswith("--")]
            cases += [(prog, name, o) for o in options if o != "--help"] + [(prog, name, "")]
    return cases


@pytest.mark.parametrize("prog, command, option", _cases())
def test_cli_is_documented(prog: str, command: str, option: str) -> None:
    line = next((ln for ln in README.splitlines() if f"python -m {prog} {command}" in ln), None)
    assert line is not None, f"README does not show `python -m {prog} {command}`"
    assert option in line, f"README's `python -m {prog} {command}` line lacks {option}"
