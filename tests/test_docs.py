"""The README documents every configuration key and every CLI command (datasette's habit)."""

import re
from pathlib import Path

import click
import pytest

from app import config as default_config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
CONFIG_KEYS = sorted(key for key in vars(default_config) if re.fullmatch(r"[A-Z][A-Z0-9_]+", key))


@pytest.mark.parametrize("key", CONFIG_KEYS)
def test_every_configuration_key_is_documented(key):
    assert f"FLASK_{key}" in README, f"FLASK_{key} is missing from the README's configuration table"


def _commands(group, prefix):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path


def test_every_project_command_is_documented(app):
    documented_groups = (
        "seed",
        "catalog",
        "search",
        "awards",
        "interest",
        "users",
        "mail",
        "events",
        "privacy",
    )
    commands = [
        path for path in _commands(app.cli, "flask") if path.split()[1] in documented_groups
    ]
    assert "flask catalog import" in commands
    missing = [path for path in commands if f"`{path}" not in README]
    assert missing == [], f"commands missing from the README: {missing}"


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README
