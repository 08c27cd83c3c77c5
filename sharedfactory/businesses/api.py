"""UMKM JSON API: self-registration, the business's own record, and its product permits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from msgspec import Meta

from sharedfactory.accounts.deps import Login, refuse_auditor
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.house_facts import forget_cached_facts
from sharedfactory.bookings.tables import Booking
from sharedfactory.businesses.personal import PersonalDataCipher
from sharedfactory.businesses.registration import (
    CONSENT_REQUIRED,
    Printable,
    RegistrationIn,
    RegistrationRefused,
    register,
)
from sharedfactory.businesses.tables import Business, Permit
from sharedfactory.facilities.tables import House
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.settings import Settings
from sharedfactory.web.errors import ErrorBody, not_found, page_or_json_error, refused
from sharedfactory.web.pages import LANG_COOKIE
from sharedfactory.web.params import CODE, Strict

BusinessCode = Annotated[
    str, Parameter(max_length=64, pattern=CODE, description="business id, e.g. `ud-x`")
]
Day = Annotated[date, Meta(description="YYYY-MM-DD, between 1950 and 2100")]


def refusal(status: int, key: str, message: str) -> HTTPException:
    """Litestar's error shape with the field named, at any status."""
    return HTTPException(
        status_code=status, detail=f"{key}: {message}", extra=[{"key": key, "message": message}]
    )


def language(request: Request[Any, Any, Any]) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked is None and "id" not in request.headers.get("accept-language", "id")[:2]:
        asked = "en"
    return asked or "id"


def answers(*codes: int) -> dict[int, ResponseSpec]:
    texts = {
        409: "already registered (the field is named in `extra`)",
        422: "a required agreement is missing (the field is named in `extra`)",
    }
    return {c: ResponseSpec(data_container=ErrorBody, description=texts[c]) for c in codes}


class Registered(msgspec.Struct):
    business: str
    email: str
    role: str
    nik_masked: str


class PermitIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["pirt", "bpom_md", "halal", "sni"]
    number: Annotated[str, Meta(min_length=1, max_length=64, pattern=Printable)]
    product: Annotated[str, Meta(min_length=1, max_length=200, pattern=Printable)]
    issued_on: Day
    expires_on: Day | None = None


class PermitOut(msgspec.Struct):
    kind: str
    number: str
    product: str
    issued_on: date
    expires_on: date | None


class BusinessOut(msgspec.Struct):
    """Personal data shown masked only (UU 27/2022)."""

    code: str
    nib: str
    name: str
    size_class: str
    cluster: str
    owner_name: str
    phone: str
    email: str
    nik_masked: str
    npwp_masked: str | None
    consent_at: str
    permits: list[PermitOut]


async def visible_business(login: Viewer, code: str) -> dict[str, Any] | None:
    """The business row when the viewer may see it: a UMKM its own; an operator a business of
    the house's cluster or one that booked there; admin and auditor every business. Otherwise
    None, which answers 404 as if it did not exist."""
    if login.role == "umkm" and login.business != code:
        return None
    row = (
        await Business.select(
            Business._meta.primary_key.as_alias("pk"),
            *Business.all_columns(exclude=[Business.nik_encrypted, Business.npwp_encrypted]),
            Business.cluster.code.as_alias("cluster_code"),
        )
        .where(Business.code == code)
        .first()
        .run()
    )
    if row is None or login.role != "operator":
        return row
    same_cluster = House.exists().where(
        House.code == login.house, House.cluster.code == row["cluster_code"]
    )
    booked_here = Booking.exists().where(
        Booking.business == row["pk"], Booking.machine._.house._.code == login.house
    )
    return row if await same_cluster.run() or await booked_here.run() else None


def _permit_out(row: dict[str, Any]) -> PermitOut:
    return PermitOut(
        row["kind"], row["number"], row["product"], row["issued_on"], row["expires_on"]
    )


def consent_is_422(request: Request[Any, Any, Any], error: ValidationException) -> Response[Any]:
    """A registration without `consent: true` is 422 naming `consent`, in the asker's language;
    every other invalid field keeps Litestar's 400."""
    extra = error.extra if isinstance(error.extra, list) else []
    about_consent = any(
        isinstance(item, dict)
        and (item.get("key") == "consent" or "`consent`" in str(item.get("message", "")))
        for item in extra
    )
    if not about_consent:
        return page_or_json_error(request, error)
    message = gettext_for(language(request))(CONSENT_REQUIRED)
    return page_or_json_error(request, refusal(422, "consent", message))


class RegistrationApi(Controller):
    path = "/api/v1"
    tags = ("businesses",)

    @post(
        "/register",
        summary="A UMKM registers itself: the business and its login, in one step",
        status_code=201,
        responses=answers(409, 422) | not_found("cluster"),
        exception_handlers={ValidationException: consent_is_422},
    )
    async def register(
        self, request: Request[Any, Any, Any], data: Strict[RegistrationIn]
    ) -> Registered:
        settings: Settings = request.app.state["settings"]
        cipher = PersonalDataCipher(settings.resolved_secret_key())
        try:
            done = await register(data, cipher, datetime.now(UTC))
        except RegistrationRefused as error:
            gettext = gettext_for(language(request))
            message = (
                gettext(error.message) % error.params if error.params else gettext(error.message)
            )
            raise refusal(error.status, error.key, message) from None
        return Registered(done.business, done.email, "umkm", done.nik_masked)


class BusinessApi(Controller):
    path = "/api/v1/businesses"
    tags = ("businesses",)

    @get(
        "/{code:str}",
        summary="A business's record (its own UMKM, house staff, admin, auditor); NIK masked",
        responses=not_found("business") | refused(401),
    )
    async def one(self, login: Login, code: BusinessCode) -> BusinessOut:
        row = await visible_business(login, code)
        if row is None:
            raise NotFoundException(detail=f"business {code!r} does not exist")
        permits = (
            await Permit.select()
            .where(Permit.business == row["pk"])
            .order_by(Permit.kind)
            .order_by(Permit.issued_on)
            .run()
        )
        return BusinessOut(
            code=row["code"],
            nib=row["nib"],
            name=row["name"],
            size_class=row["size_class"],
            cluster=row["cluster_code"],
            owner_name=row["owner_name"],
            phone=row["phone"],
            email=row["email"],
            nik_masked=row["nik_masked"],
            npwp_masked=row["npwp_masked"],
            consent_at=row["consent_at"].isoformat(),
            permits=[_permit_out(p) for p in permits],
        )

    @post(
        "/{code:str}/permits",
        summary="Record a product permit (PIRT, BPOM MD, halal, SNI) of a business",
        status_code=201,
        responses=not_found("business") | refused(401, 403) | answers(409),
    )
    async def add_permit(
        self, login: Login, code: BusinessCode, data: Strict[PermitIn]
    ) -> PermitOut:
        refuse_auditor(login)
        row = await visible_business(login, code)
        if row is None:
            raise NotFoundException(detail=f"business {code!r} does not exist")
        for key, day in (("issued_on", data.issued_on), ("expires_on", data.expires_on)):
            if day is not None and not 1950 <= day.year <= 2100:
                raise refusal(400, key, "must be between the years 1950 and 2100")
        if data.expires_on is not None and data.expires_on <= data.issued_on:
            raise refusal(400, "expires_on", "must be after issued_on")
        if (
            await Permit.exists()
            .where(Permit.kind == data.kind, Permit.number == data.number)
            .run()
        ):
            raise refusal(409, "number", f"this {data.kind} number is already recorded")
        try:
            await Permit.insert(
                Permit(
                    business=row["pk"],
                    kind=data.kind,
                    number=data.number,
                    product=data.product,
                    issued_on=data.issued_on,
                    expires_on=data.expires_on,
                )
            ).run()
        except Exception as error:  # a concurrent insert of the same number
            if "unique" not in f"{type(error).__name__} {error}".lower():
                raise
            raise refusal(409, "number", f"this {data.kind} number is already recorded") from None
        forget_cached_facts()
        return PermitOut(data.kind, data.number, data.product, data.issued_on, data.expires_on)
