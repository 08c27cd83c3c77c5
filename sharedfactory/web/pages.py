"""Server-rendered pages for people (Bahasa Indonesia first, English with ?lang=en)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, Response, get
from litestar.params import Parameter
from litestar.response import Template

from sharedfactory.accounts.deps import CurrentViewer
from sharedfactory.accounts.service import Viewer
from sharedfactory.facilities.queries import list_houses, list_machines
from sharedfactory.i18n.catalog import LANGUAGES, choose_language, gettext_for

LANG_COOKIE = "sf_lang"
Language = Annotated[
    str | None, Parameter(required=False, max_length=5, description="`id` or `en`")
]


def page_context(
    request: Request[Any, Any, Any], lang: str | None, viewer: Viewer | None = None
) -> dict[str, Any]:
    language = choose_language(lang or request.cookies.get(LANG_COOKIE))
    return {"lang": language, "languages": LANGUAGES, "_": gettext_for(language), "viewer": viewer}


R = TypeVar("R", bound=Response[Any])


def remember_language(response: R, lang: str | None) -> R:
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


class Pages(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(
        self, request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Language = None
    ) -> Template:
        machines = await list_machines()
        houses = [
            (house, [m for m in machines if m.house_code == house.code])
            for house in await list_houses()
        ]
        context = page_context(request, lang, viewer) | {"houses": houses}
        return remember_language(Template("pages/home.html", context=context), lang)
