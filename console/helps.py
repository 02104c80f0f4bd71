"""Help texts: each command group lists its commands, one line each (`plaint audit --help`)."""

from __future__ import annotations

import argparse


class _OneLine(argparse.HelpFormatter):
    """argparse measures command names without the indent it then prints them with, and
    puts a long one's help on the next line; this measures the indent too."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            self._action_max_length += self._indent_increment


def group(
    areas: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    summary: str,
) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """A command group, `plaint NAME COMMAND`: its line in `plaint --help`, and a help of its
    own listing each command that is added with a `help=` line."""
    parser: argparse.ArgumentParser = areas.add_parser(
        name,
        help=summary,
        description=f"{summary}. `plaint {name} COMMAND --help` describes a command's options.",
        formatter_class=_OneLine,
    )
    return parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND")
