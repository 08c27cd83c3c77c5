"""Cleaning records over HTTP: record one with its evidence file (multipart), list a house's
records and held halal bookings, and fetch an evidence file.

Operators of the house and admins record; the auditor and staff of the house read. A UMKM reads
nothing here (its halal evidence appears in its own batch's quality record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.params import Body, Parameter

from sharedfactory.accounts.deps import Login, require_house
from sharedfactory.accounts.service import Viewer
from sharedfactory.businesses.registration import Printable
from sharedfactory.cleaning import service
from sharedfactory.cleaning.evidence import MAX_BYTES, EvidenceStore
from sharedfactory.cleaning.hold import Hold, holds_in_house
from sharedfactory.facilities.scope import HOUSE_WRITERS
from sharedfactory.facilities.tables import House
from sharedfactory.web.errors import not_found, refused
from sharedfactory.web.json_body import MAX_UPLOAD_BYTES
from sharedfactory.web.params import CodeParam

RecordId = Annotated[int, Parameter(ge=1, le=2**31 - 1, description="cleaning record id")]
HOLDS_AHEAD = timedelta(days=14)
AFTER = r"^[a-z0-9_-]*$"  # a booking code, or empty for none


@dataclass
class CleaningUpload:
    """multipart/form-data: the fields and the evidence file (JPEG, PNG or PDF, at most 5 MB)."""

    cleaned_at: Annotated[str, msgspec.Meta(max_length=40, description="ISO 8601 with offset")]
    cleaned_by: Annotated[str, msgspec.Meta(max_length=200, pattern=Printable)]
    what: Annotated[str, msgspec.Meta(max_length=1000, pattern=Printable)]
    evidence: UploadFile
    # Printable and AFTER: PostgreSQL refuses NUL in text (a 500 there).
    after_booking: Annotated[str, msgspec.Meta(max_length=64, pattern=AFTER)] | None = None


class CleaningOut(msgspec.Struct):
    id: int
    machine: str
    after_booking: str | None
    cleaned_at: str
    cleaned_by: str
    what: str
    evidence_sha256: str
    evidence_type: str
    evidence_bytes: int
    evidence_name: str
    evidence_url: str


class HoldOut(msgspec.Struct):
    booking: str
    machine: str
    after: str
    after_ended: str
    starts_at: str


class HouseCleaningsOut(msgspec.Struct):
    records: list[CleaningOut]
    held: list[HoldOut]


def cleaning_out(view: service.CleaningView) -> CleaningOut:
    return CleaningOut(
        view.id, view.machine, view.after_booking, view.cleaned_at.astimezone(UTC).isoformat(),
        view.cleaned_by, view.what, view.evidence_sha256, view.evidence_type,
        view.evidence_bytes, view.evidence_name, f"/api/v1/cleanings/{view.id}/evidence",
    )  # fmt: skip


def hold_out(hold: Hold) -> HoldOut:
    return HoldOut(
        hold.booking, hold.machine, hold.after,
        hold.after_ended.astimezone(UTC).isoformat(), hold.starts_at.astimezone(UTC).isoformat(),
    )  # fmt: skip


def parse_moment(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise service.CleaningRefused(field, "not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise service.CleaningRefused(field, "give the time with its zone offset")
    return moment


def store_of(request: Request[Any, Any, Any]) -> EvidenceStore:
    return EvidenceStore(request.app.state.settings.data_dir)


async def read_upload(upload: UploadFile) -> bytes:
    """At most one byte over the limit is read: the size check needs no more."""
    return await upload.read(MAX_BYTES + 1)


def staff_of(login: Viewer, house: str) -> None:
    if login.role == "umkm":
        raise PermissionDeniedException(detail="for the house's staff")
    require_house(login, house)


async def house_exists(house: str) -> None:
    if not await House.exists().where(House.code == house):
        raise NotFoundException(detail=f"house {house!r} does not exist")


def refusal_error(refusal: service.CleaningRefused) -> ValidationException:
    return ValidationException(
        detail=f"{refusal.field}: {refusal.message}",
        extra=[{"key": refusal.field, "message": refusal.message}],
    )


class CleaningApi(Controller):
    path = "/api/v1"
    tags = ("cleaning",)

    @post(
        "/machines/{machine:str}/cleanings",
        guards=HOUSE_WRITERS,
        summary="Record a cleaning of a machine with its evidence file",
        responses=not_found("machine") | refused(401, 403),
        request_max_body_size=MAX_UPLOAD_BYTES,  # the 5 MB evidence file and the fields
    )
    async def record(
        self,
        request: Request[Any, Any, Any],
        login: Login,
        machine: CodeParam,
        data: Annotated[CleaningUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> CleaningOut:
        try:
            entry = service.CleaningIn(
                machine, parse_moment(data.cleaned_at, "cleaned_at"), data.cleaned_by, data.what,
                data.after_booking or None,
            )  # fmt: skip
            evidence = service.Evidence(await read_upload(data.evidence), data.evidence.filename)
            now = datetime.now(UTC)
            made = await service.record_cleaning(entry, evidence, login, store_of(request), now)
        except service.Missing as missing:
            raise NotFoundException(detail=str(missing)) from None
        except service.CleaningRefused as refusal:
            raise refusal_error(refusal) from None
        view = await service.cleaning(made)
        assert view is not None
        return cleaning_out(view)

    @get(
        "/houses/{house:str}/cleanings",
        summary="A house's latest cleaning records and the halal bookings waiting for one",
        responses=not_found("house") | refused(401, 403),
    )
    async def house(self, login: Login, house: CodeParam) -> HouseCleaningsOut:
        staff_of(login, house)
        await house_exists(house)
        now = datetime.now(UTC)
        held = await holds_in_house(house, now - timedelta(days=1), now + HOLDS_AHEAD)
        records = await service.house_cleanings(house)
        return HouseCleaningsOut([cleaning_out(r) for r in records], [hold_out(h) for h in held])

    @get(
        "/cleanings/{record:int}/evidence",
        summary="The evidence file of a cleaning record, as uploaded",
        media_type="application/octet-stream",
        responses=not_found("cleaning record") | refused(401, 403),
    )
    async def evidence(
        self, request: Request[Any, Any, Any], login: Login, record: RecordId
    ) -> Response[bytes]:
        return await evidence_download(request, login, record)


async def evidence_download(
    request: Request[Any, Any, Any], login: Viewer, record: int
) -> Response[bytes]:
    """A record's evidence file for the staff of its house (the API's and the page's)."""
    view = await service.cleaning(record)
    if view is None:
        raise NotFoundException(detail=f"cleaning record {record} does not exist")
    staff_of(login, view.house)
    try:
        content = store_of(request).get(view.evidence_sha256)
    except FileNotFoundError:
        raise NotFoundException(detail="the evidence file is missing") from None
    return evidence_response(content, view)


def evidence_response(content: bytes, view: service.CleaningView) -> Response[bytes]:
    suffix = {"image/jpeg": "jpg", "image/png": "png"}.get(view.evidence_type, "pdf")
    headers = {
        "Content-Disposition": f'attachment; filename="bukti-{view.id}.{suffix}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return Response(content, media_type=view.evidence_type, headers=headers)
