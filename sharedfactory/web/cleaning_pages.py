"""Cleaning and changeover records as a page for the house's operators
(`/rumah/{house}/pembersihan`): the halal bookings held for a cleaning record, a form to record
one with its photo or document, the latest records, and each record's evidence file.

Thin over `cleaning.service` and `cleaning.hold`; a refusal comes back beside its field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from sharedfactory.accounts.deps import Login
from sharedfactory.accounts.service import Viewer
from sharedfactory.cleaning import service
from sharedfactory.cleaning.api import (
    HOLDS_AHEAD,
    RecordId,
    evidence_download,
    read_upload,
    staff_of,
    store_of,
)
from sharedfactory.cleaning.hold import holds_in_house
from sharedfactory.facilities.queries import list_houses, list_machines
from sharedfactory.facilities.scope import HOUSE_WRITERS
from sharedfactory.i18n.formats import clock, number, period
from sharedfactory.web.json_body import MAX_UPLOAD_BYTES
from sharedfactory.web.pages import Language, page_context, remember_language
from sharedfactory.web.params import CODE, CodeParam

TEMPLATE = "pages/cleaning.html"
FIELDS = ("machine", "after_booking", "cleaned_date", "cleaned_time", "cleaned_by", "what")
Optional = Annotated[str | None, Parameter(required=False, max_length=64, pattern=CODE)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _(text: str) -> str:
    """Marks a message for the catalogue; the template translates it."""
    return text


async def _context(
    request: Request[Any, Any, Any], login: Viewer, house: str, lang: str | None
) -> dict[str, Any]:
    if login.role not in ("operator", "admin", "auditor"):
        raise PermissionDeniedException(detail="for the house's staff")
    found = next(iter(await list_houses(house)), None)
    if found is None:
        raise NotFoundException(detail=f"house {house!r} does not exist")
    staff_of(login, house)
    zone = found.timezone
    moment = datetime.now(UTC)
    held = await holds_in_house(house, moment - timedelta(days=1), moment + HOLDS_AHEAD)
    records = await service.house_cleanings(house)
    local = moment.astimezone(ZoneInfo(zone))
    values = dict.fromkeys(FIELDS, "") | {
        "cleaned_date": local.date().isoformat(),
        "cleaned_time": f"{local:%H:%M}",
    }
    return page_context(request, lang, login) | {
        "house": found, "zone": zone, "machines": await list_machines(house),
        "held": [(h, period(h.starts_at, h.starts_at, zone).split("–")[0]) for h in held],
        "records": [(r, _clock(r.cleaned_at, zone)) for r in records],
        "values": values, "errors": {}, "saved": None, "number": number,
        "may_record": login.role in ("operator", "admin"),
    }  # fmt: skip


def _clock(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.date().isoformat()} {clock(local, zone)}"


def _moment(raw: dict[str, str], zone: str) -> datetime | None:
    try:
        day = datetime.fromisoformat(f"{raw.get('cleaned_date', '')}T{raw.get('cleaned_time', '')}")
    except ValueError:
        return None
    return day.replace(tzinfo=ZoneInfo(zone)) if day.tzinfo is None else None


def _texts(data: dict[str, Any]) -> dict[str, str]:
    return {k: data[k].strip()[:1000] for k in FIELDS if isinstance(data.get(k), str)}


class CleaningPages(Controller):
    include_in_schema = False

    @get("/rumah/{house:str}/pembersihan", name="house_cleaning")
    async def page(
        self, request: Request[Any, Any, Any], login: Login, house: CodeParam,
        lang: Language = None, mesin: Optional = None, setelah: Optional = None,
        tersimpan: Annotated[int | None, Parameter(required=False, ge=1)] = None,
    ) -> Template:  # fmt: skip
        context = await _context(request, login, house, lang)
        context["values"] |= {"machine": mesin or "", "after_booking": setelah or ""}
        context["saved"] = tersimpan
        return remember_language(Template(TEMPLATE, context=context), lang)

    @post(
        "/rumah/{house:str}/pembersihan",
        name="house_cleaning_record",
        guards=HOUSE_WRITERS,
        request_max_body_size=MAX_UPLOAD_BYTES,  # the 5 MB evidence file and the fields
    )
    async def record(
        self, request: Request[Any, Any, Any], login: Login, house: CodeParam, data: Multipart,
        lang: Language = None,
    ) -> Response[Any]:  # fmt: skip
        context = await _context(request, login, house, lang)
        if not context["may_record"]:
            raise PermissionDeniedException(detail="auditors read; they do not record")
        raw = _texts(data)
        upload = data.get("evidence")
        errors = _field_errors(raw, context, upload)
        moment = _moment(raw, context["zone"])
        if not errors and moment is not None and isinstance(upload, UploadFile):
            entry = service.CleaningIn(
                raw["machine"], moment, raw.get("cleaned_by", ""), raw.get("what", ""),
                raw.get("after_booking") or None,
            )  # fmt: skip
            evidence = service.Evidence(await read_upload(upload), upload.filename)
            try:
                made = await service.record_cleaning(
                    entry, evidence, login, store_of(request), datetime.now(UTC)
                )
            except service.CleaningRefused as refused:
                errors = {refused.field: (refused.message, {})}
            else:
                return Redirect(f"/rumah/{house}/pembersihan?tersimpan={made}", status_code=303)
        context |= {"values": context["values"] | raw, "errors": errors}
        return Template(TEMPLATE, context=context, status_code=400)

    @get("/pembersihan/{record:int}/bukti", name="cleaning_evidence")
    async def evidence(
        self, request: Request[Any, Any, Any], login: Login, record: RecordId
    ) -> Response[bytes]:
        return await evidence_download(request, login, record)


def _field_errors(raw: dict[str, str], context: dict[str, Any], upload: Any) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if raw.get("machine") not in {m.code for m in context["machines"]}:
        errors["machine"] = (_("choose one from the list"), {})
    if _moment(raw, context["zone"]) is None:
        errors["cleaned_at"] = (_("give a date and a time"), {})
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["evidence"] = (_("attach a photo or a document"), {})
    return errors
