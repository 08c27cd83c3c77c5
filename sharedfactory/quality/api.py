"""The per-batch quality record over HTTP: seal it, read it, its PDF, and the public check.

A booking's record is the UMKM's own (another UMKM's answers 404), its house's operators' and
the admin's; the auditor reads but does not seal. The public route takes the record's token (the
QR code's link) instead of a login.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from sharedfactory.accounts.deps import Login, refuse_auditor, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.bookings.tables import Booking
from sharedfactory.i18n.catalog import gettext_for
from sharedfactory.quality.pdf import quality_pdf
from sharedfactory.quality.records import (
    NotSealable,
    StoredRecord,
    check_record,
    record_by_token,
    record_of_booking,
    seal_record,
)
from sharedfactory.quality.view import record_view
from sharedfactory.web.errors import ErrorBody, not_found, refused
from sharedfactory.web.params import CODE

BookingCode = Annotated[
    str, Parameter(max_length=64, pattern=CODE, description="booking id, e.g. `bk-0042`")
]
TOKEN = r"^[A-Za-z0-9_-]{22,32}$"
Token = Annotated[str, Parameter(pattern=TOKEN, description="the record's public token")]
Lang = Annotated[Literal["id", "en"], Parameter(description="the PDF's language")]
PDF_TYPE = "application/pdf"
NOT_YET = {
    409: ResponseSpec(
        data_container=ErrorBody, description="the run has not ended, or was not served"
    )
}


class CheckOut(msgspec.Struct):
    intact: bool
    body_matches_hash: bool
    audit_event_intact: bool
    telemetry_unchanged: bool


class RecordOut(msgspec.Struct):
    booking: str
    url: str
    sha256: str
    sealed_at: str
    audit_event: int
    passed: bool
    record: dict[str, Any]
    check: CheckOut | None = None


def record_path(token: str) -> str:
    return f"/mutu/{token}"


def public_url(request: Request[Any, Any, Any], token: str) -> str:
    return str(request.base_url).rstrip("/") + record_path(token)


async def _scope(code: str, login: Viewer) -> None:
    """Another UMKM's booking answers 404, as if it did not exist; another house 403."""
    b = Booking
    row = await (
        b.select(b.business.code.as_alias("business"), b.machine._.house._.code.as_alias("house"))
        .where(b.code == code)
        .first()
    )
    if row is None or (login.role == "umkm" and row["business"] != login.business):
        raise NotFoundException(detail=f"booking {code!r} does not exist")
    if login.role != "umkm":
        require_house(login, row["house"])


async def record_out(request: Request[Any, Any, Any], stored: StoredRecord) -> RecordOut:
    found = await check_record(stored)
    return RecordOut(
        booking=stored.booking,
        url=public_url(request, stored.token),
        sha256=stored.sha256,
        sealed_at=stored.sealed_at.astimezone(UTC).isoformat(),
        audit_event=stored.audit_event,
        passed=bool(stored.body.get("passed")),
        record=stored.body,
        check=CheckOut(
            found.intact,
            found.body_matches_hash,
            found.audit_event_intact,
            found.telemetry_unchanged,
        ),
    )


def record_pdf(request: Request[Any, Any, Any], stored: StoredRecord, lang: str) -> Response[bytes]:
    view = record_view(stored.body, stored.sha256, gettext_for(lang))
    content = quality_pdf(view, public_url(request, stored.token), lang)
    disposition = f'attachment; filename="mutu-{stored.booking}.pdf"'
    return Response(content, media_type=PDF_TYPE, headers={"Content-Disposition": disposition})


async def _sealed(code: str, login: Viewer) -> StoredRecord:
    await _scope(code, login)
    stored = await record_of_booking(code)
    if stored is None:
        raise NotFoundException(detail=f"booking {code!r} has no sealed quality record yet")
    return stored


class QualityRecordApi(Controller):
    path = "/api/v1"
    tags = ("quality",)

    @post(
        "/bookings/{booking:str}/quality-record",
        summary="Seal the batch's quality record (once; later calls answer the same record)",
        responses=not_found("booking") | refused(401, 403) | NOT_YET,
    )
    async def seal(
        self, request: Request[Any, Any, Any], login: Login, booking: BookingCode
    ) -> RecordOut:
        refuse_auditor(login)
        await _scope(booking, login)
        try:
            stored = await seal_record(booking, login.user_id, datetime.now(UTC))
        except NotSealable as why:
            raise HTTPException(status_code=409, detail=str(why)) from None
        return await record_out(request, stored)

    @get(
        "/bookings/{booking:str}/quality-record",
        summary="The batch's sealed quality record and whether it is still intact",
        responses=not_found("booking") | refused(401, 403),
    )
    async def read(
        self, request: Request[Any, Any, Any], login: Login, booking: BookingCode
    ) -> RecordOut:
        return await record_out(request, await _sealed(booking, login))

    @get(
        "/bookings/{booking:str}/quality-record.pdf",
        summary="The sealed quality record as a PDF with the QR code of its public link",
        media_type=PDF_TYPE,
        responses=not_found("booking") | refused(401, 403),
    )
    async def pdf(
        self, request: Request[Any, Any, Any], login: Login, booking: BookingCode, lang: Lang = "id"
    ) -> Response[bytes]:
        return record_pdf(request, await _sealed(booking, login), lang)

    @get(
        "/quality-records/{token:str}",
        summary="A quality record by its public token (the QR code), with its intact check",
        responses=not_found("quality record"),
    )
    async def public(self, request: Request[Any, Any, Any], token: Token) -> RecordOut:
        stored = await record_by_token(token)
        if stored is None:
            raise NotFoundException(detail="no quality record has this token")
        return await record_out(request, stored)
