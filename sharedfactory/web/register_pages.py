"""A UMKM registers itself (/daftar), through the same service as `POST /api/v1/register`, and is
logged in at once (/daftar/selesai greets it). The field checks live in `web.register_form`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Template

from sharedfactory.accounts.deps import CurrentViewer, Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.accounts.tables import User
from sharedfactory.accounts.web import logged_in
from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.registration import RegistrationRefused, register
from sharedfactory.businesses.tables import Business
from sharedfactory.settings import Settings
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import Form
from sharedfactory.web.register_form import (
    CONSENT_TEXT,
    MESSAGES,
    SIZE_CLASSES,
    cluster_choices,
    form_values,
    parse,
)

FIELDS = {*MESSAGES, "password2", "consent"}


async def _form_context(
    request: Request[Any, Any, Any],
    viewer: Viewer | None,
    lang: str | None,
    values: dict[str, str],
    errors: dict[str, str],
) -> dict[str, Any]:
    return page_context(request, lang, viewer) | {
        "clusters": await cluster_choices(),
        "sizes": SIZE_CLASSES,
        "consent_text": CONSENT_TEXT,
        "values": values,
        "errors": errors,
    }


def _refusal(refused: RegistrationRefused, language_context: dict[str, Any]) -> dict[str, str]:
    """The service's refusal beside its field (a message with parameters is filled in here)."""
    message = refused.message
    if refused.params:
        message = language_context["_"](message) % refused.params
    return {refused.key if refused.key in FIELDS else "form": message}


async def _user_id(email: str) -> int:
    key = User._meta.primary_key
    user = await User.select(key.as_alias("pk")).where(User.email == email).first().run()
    assert user is not None, "registration made the login"
    return int(user["pk"])


class RegisterPages(Controller):
    include_in_schema = False

    @get("/daftar", name="register")
    async def form(
        self, request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Language = None
    ) -> Template:
        context = await _form_context(request, viewer, lang, form_values({}), {})
        return remember_language(Template("pages/register.html", context=context), lang)

    @post("/daftar", name="register_submit")
    async def submit(
        self,
        request: Request[Any, Any, Any],
        viewer: CurrentViewer,
        data: Form,
        lang: Language = None,
    ) -> Response[Any]:
        context = await _form_context(request, viewer, lang, form_values(data), {})
        wanted, errors = parse(data, context["clusters"])
        status = 400
        if wanted is not None:
            settings: Settings = request.app.state["settings"]
            cipher = PersonalDataCipher(settings.resolved_secret_key())
            try:
                done = await register(wanted, cipher, datetime.now(UTC))
            except RegistrationRefused as refused:
                errors, status = _refusal(refused, context), refused.status
            else:
                return await logged_in(request, await _user_id(done.email), "/daftar/selesai")
        context["errors"] = errors
        return Template("pages/register.html", context=context, status_code=status)

    @get("/daftar/selesai", name="registered")
    async def done(
        self, request: Request[Any, Any, Any], login: Login, lang: Language = None
    ) -> Template:
        business = (
            await Business.select(Business.name, Business.code, Business.nik_masked)
            .where(Business.code == (login.business or ""))
            .first()
            .run()
        )
        context = page_context(request, lang, login) | {"business": business}
        return remember_language(Template("pages/register_done.html", context=context), lang)
