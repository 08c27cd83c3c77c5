"""The live board of a house: every machine's state, booking, key values and alarms, pushed to
the page with server-sent events (htmx's SSE extension swaps the board in place)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from litestar import Controller, Request, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage, Template

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.devices.alarm_store import unacknowledged_count
from sharedfactory.devices.queries import live_board
from sharedfactory.facilities.queries import HouseView, list_houses
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CODE

HouseCode = Annotated[str, Parameter(max_length=64, pattern=CODE)]
PUSH_EVERY_S = 2.0
STREAM_FOR_S = 15 * 60  # the browser reconnects after this; bounds a forgotten tab


@dataclass
class SharedBoards:
    """Each house's board read once per push for all its open streams (50 operators watching
    nine houses read the database nine times every two seconds, not fifty)."""

    fresh_for_s: float = PUSH_EVERY_S / 2
    boards: dict[str, tuple[float, list[dict[str, Any]], int]] = field(default_factory=dict)
    reading: dict[str, asyncio.Lock] = field(default_factory=dict)

    rendered: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)

    async def _read(self, house: str) -> tuple[float, list[dict[str, Any]], int]:
        async with self.reading.setdefault(house, asyncio.Lock()):
            read_at, board, unacknowledged = self.boards.get(house, (-1e9, [], 0))
            if time.monotonic() - read_at > self.fresh_for_s:
                board, unacknowledged = await live_board(house), await unacknowledged_count(house)
                read_at = time.monotonic()
                self.boards[house] = (read_at, board, unacknowledged)
            return read_at, board, unacknowledged

    async def html(self, house: str, lang: str, render: Callable[..., str]) -> str:
        """The board's partial, rendered once per read and language for every stream: it
        depends on nothing of the viewer's but the language."""
        read_at, board, unacknowledged = await self._read(house)
        kept_at, kept = self.rendered.get((house, lang), (None, ""))
        if kept_at != read_at:
            kept = render(board=board, unacknowledged=unacknowledged)
            self.rendered[(house, lang)] = (read_at, kept)
        return kept


async def _house(code: str, login: Viewer) -> HouseView:
    """The live board is for the house's operators, admins and auditors."""
    found = await list_houses(code)
    if not found:
        raise NotFoundException(detail=f"house {code!r} does not exist")
    require_house(login, code)
    return found[0]


async def _board_context(
    request: Request[Any, Any, Any], lang: str | None, login: Viewer, house: str
) -> dict[str, Any]:
    view = await _house(house, login)
    return page_context(request, lang, login) | {
        "house": view,
        "board": await live_board(house),
        "unacknowledged": await unacknowledged_count(house),
    }


class LivePages(Controller):
    path = "/houses/{house:str}/live"
    include_in_schema = False

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        self.shared = SharedBoards()

    @get("/", name="live-board")
    async def page(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: HouseCode,
        lang: Language = None,
    ) -> Template:
        context = await _board_context(request, lang, login, house)
        return remember_language(Template("pages/live.html", context=context), lang)

    @get("/board", name="live-board-partial")
    async def board(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: HouseCode,
        lang: Language = None,
    ) -> Template:
        context = await _board_context(request, lang, login, house)
        return Template("_partials/live_board.html", context=context)

    @get("/stream", name="live-board-stream")
    async def stream(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        house: HouseCode,
        lang: Language = None,
    ) -> ServerSentEvent:
        view = await _house(house, login)
        context = page_context(request, lang, login) | {"house": view}
        engine = request.app.template_engine
        assert engine is not None, "create_app configures the template engine"
        template = engine.get_template("_partials/live_board.html")

        def render(**board: Any) -> str:
            return template.render(**context, **board)

        async def boards() -> AsyncIterator[ServerSentEventMessage]:
            last = None
            for _ in range(int(STREAM_FOR_S / PUSH_EVERY_S)):
                html = await self.shared.html(house, context["lang"], render)
                if html != last:
                    last = html
                    yield ServerSentEventMessage(data=html, event="board")
                await asyncio.sleep(PUSH_EVERY_S)

        return ServerSentEvent(boards())
