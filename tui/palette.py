"""The command palette's provider (ctrl+p): the explorer's commands from
:data:`tui.command_table.COMMANDS` (those without an argument, when they apply)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Provider

from tui.command_table import COMMANDS, Command

if TYPE_CHECKING:
    from tui.app import IamExploreApp


def offered(app: IamExploreApp) -> list[Command]:
    """The commands the palette lists now."""
    return [c for c in COMMANDS if c.offered(app)]


class ExplorerCommands(Provider):
    """Views, what-if, denial and account commands, searched by their titles."""

    @property
    def explorer(self) -> IamExploreApp:
        return cast("IamExploreApp", self.app)

    async def discover(self) -> AsyncIterator[DiscoveryHit]:
        app = self.explorer
        for command in offered(app):
            yield DiscoveryHit(
                command.title, partial(command.run, app, ""), help=command.description
            )

    async def search(self, query: str) -> AsyncIterator[Hit]:
        app = self.explorer
        matcher = self.matcher(query)
        for command in offered(app):
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(command.run, app, ""),
                    help=command.description,
                )
