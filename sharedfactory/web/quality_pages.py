"""The per-batch quality record as pages: the public page its QR code opens (`/mutu/{token}`),
its PDF, and the button on a UMKM's past booking that seals it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import CurrentViewer, Login, refuse_auditor
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.quality.api import Token, _scope, public_url, record_path, record_pdf
from sharedfactory.quality.records import NotSealable, check_record, record_by_token, seal_record
from sharedfactory.quality.view import record_view
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CODE

BookingCode = Annotated[str, Parameter(max_length=64, pattern=CODE)]


class QualityPages(Controller):
    include_in_schema = False

    @get("/mutu/{token:str}", name="quality_record")
    async def record(
        self, request: Request[Any, Any, Any], viewer: CurrentViewer, token: Token,
        lang: Language = None,
    ) -> Template:  # fmt: skip
        stored = await record_by_token(token)
        if stored is None:
            raise NotFoundException(detail="no quality record has this token")
        context = page_context(request, lang, viewer)
        context |= {
            "view": record_view(stored.body, stored.sha256, context["_"]),
            "check": await check_record(stored),
            "url": public_url(request, token),
            "pdf": f"{record_path(token)}/pdf?lang={context['lang']}",
            "sealed_at": stored.sealed_at.astimezone(UTC).strftime("%Y-%m-%d %H.%M UTC"),
        }
        return remember_language(Template("pages/quality_record.html", context=context), lang)

    @get("/mutu/{token:str}/pdf", name="quality_record_pdf")
    async def pdf(
        self, request: Request[Any, Any, Any], token: Token, lang: Language = None
    ) -> Response[bytes]:
        stored = await record_by_token(token)
        if stored is None:
            raise NotFoundException(detail="no quality record has this token")
        return record_pdf(request, stored, "en" if lang == "en" else "id")

    @post("/pesanan-saya/{code:str}/mutu", name="seal_quality_record")
    async def seal(
        self, request: Request[Any, Any, Any], login: Login, code: BookingCode,
        lang: Language = None,
    ) -> Response[Any]:  # fmt: skip
        refuse_auditor(login)
        await _scope(code, login)
        try:
            stored = await seal_record(code, login.user_id, datetime.now(UTC))
        except NotSealable as why:
            say = gettext_for(page_context(request, lang, login)["lang"])
            raise HTTPException(status_code=409, detail=say(str(why))) from None
        suffix = f"?lang={lang}" if lang in ("id", "en") else ""
        return Redirect(record_path(stored.token) + suffix, status_code=303)
