"""UMKM self-registration: the business and its `umkm` login, in one transaction.

Personal data (UU 27/2022): the NIK (and NPWP) go through `add_business`, which stores them masked
and encrypted; nothing personal is logged; consent is required and its time is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from sharedfactory.accounts.service import MIN_PASSWORD_LENGTH, AccountError, add_user
from sharedfactory.accounts.tables import User
from sharedfactory.businesses.personal import PersonalDataCipher, mask
from sharedfactory.businesses.schemas import Nib, Nik, Npwp
from sharedfactory.businesses.service import add_business
from sharedfactory.businesses.tables import Business
from sharedfactory.facilities.service import UnknownReference


def _(text: str) -> str:
    """Marks a message for the catalogue; the edge translates it."""
    return text


CONSENT_REQUIRED = _("consent to the processing of personal data is required")
# Printable text only: PostgreSQL text cannot hold NUL, control characters are never a name, and
# at least one character is not a space. Spelled out (no `\s`): JSON Schema (ECMA) and Python
# disagree on what `\s` matches, and the OpenAPI pattern must mean what the server checks.
CONTROLS = r"\x00-\x1f\x7f-\x9f"
SPACES = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
Printable = rf"^[^{CONTROLS}]*[^{CONTROLS}{SPACES}][^{CONTROLS}]*$"
Name = Annotated[str, Meta(min_length=2, max_length=200, pattern=Printable)]
# Indonesian numbers: +62 / 62 / 0, then 8 to 12 digits (mobile 08..., landline 021...);
# spaces, dots, dashes and brackets are allowed when typing and removed when stored.
Phone = Annotated[
    str,
    Meta(
        min_length=8,
        max_length=24,
        pattern=r"^(\+62|62|0)[ .()-]*[1-9]([ .()-]*[0-9]){7,11}$",
        description="Indonesian phone number, e.g. `+62 812-3456-7890` or `081234567890`",
    ),
]
# Printable ASCII (no space, one `@`): the login name, compared in lower case by Python and by
# both databases alike.
_EMAIL_PART = r"[\x21-\x3f\x41-\x7e]+"
Email = Annotated[
    str,
    Meta(
        max_length=254,
        pattern=rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$",
        description="e-mail address (printable ASCII); the login name",
    ),
]
Password = Annotated[
    str,
    Meta(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=1024,
        description=f"at least {MIN_PASSWORD_LENGTH} characters",
    ),
]
ClusterCode = Annotated[str, Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=64)]


class RegistrationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A UMKM registering itself. `consent` must be true: the owner agrees to the processing of
    the NIK/NPWP for the house's services (UU 27/2022)."""

    name: Name
    nib: Nib
    size_class: Literal["mikro", "kecil", "menengah"]
    cluster_code: ClusterCode
    owner_name: Name
    phone: Phone
    email: Email
    nik: Nik
    password: Password
    consent: Annotated[
        bool,
        Meta(
            description="must be true: the owner agrees to the processing of personal data",
            extra_json_schema={"extra": {"const": True}},
        ),
    ]
    npwp: Npwp | None = None


class RegistrationRefused(ValueError):
    """`key` names the field; `status` is the HTTP status the edge answers with."""

    def __init__(self, key: str, message: str, status: int, **params: str) -> None:
        super().__init__(f"{key}: {message % params if params else message}")
        self.key, self.message, self.status, self.params = key, message, status, params


@dataclass(frozen=True)
class Registered:
    business: str
    email: str
    nik_masked: str


def normalise_phone(phone: str) -> str:
    """`+62 812-3456-7890`, `62812...` and `0812...` all become `+62812...`."""
    digits = re.sub(r"[^0-9]", "", phone)
    if phone.strip().startswith("+62") or digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return "+62" + digits


def _slug(name: str) -> str:
    kept = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in name.lower())
    return "-".join(part for part in kept.split("-") if part)[:48].strip("-")


async def _free_code(name: str, nib: str) -> str:
    base = _slug(name)
    for candidate in (base, f"{base}-{nib[-4:]}", f"{base}-{nib}", f"umkm-{nib}"):
        code = candidate.strip("-")
        if len(code) >= 2 and not await Business.exists().where(Business.code == code).run():
            return code
    raise RegistrationRefused("nib", _("this NIB is already registered"), 409)


async def register(data: RegistrationIn, cipher: PersonalDataCipher, now: datetime) -> Registered:
    """The business and its login; RegistrationRefused names the field that stops it."""
    if not data.consent:
        raise RegistrationRefused("consent", CONSENT_REQUIRED, 422)
    email = data.email.strip().lower()
    try:
        code = await _write(data, email, cipher, now)
    except RegistrationRefused:
        raise
    except Exception as error:  # a concurrent registration won the unique index
        if not _is_unique_violation(error):
            raise
        if "email" in str(error).lower():
            raise RegistrationRefused(
                "email", _("this e-mail address is already registered"), 409
            ) from None
        raise RegistrationRefused("nib", _("this NIB is already registered"), 409) from None
    return Registered(code, email, mask(data.nik))


def _is_unique_violation(error: BaseException) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return "unique" in text


async def _write(
    data: RegistrationIn, email: str, cipher: PersonalDataCipher, now: datetime
) -> str:
    async with Business._meta.db.transaction():
        if await Business.exists().where(Business.nib == data.nib).run():
            raise RegistrationRefused("nib", _("this NIB is already registered"), 409)
        if await User.exists().where(User.email == email).run():
            raise RegistrationRefused("email", _("this e-mail address is already registered"), 409)
        code = await _free_code(data.name, data.nib)
        spec = {
            "code": code,
            "nib": data.nib,
            "name": data.name,
            "size_class": data.size_class,
            "cluster_code": data.cluster_code,
            "owner_name": data.owner_name,
            "phone": normalise_phone(data.phone),
            "email": email,
            "nik": data.nik,
            "npwp": data.npwp,
        }
        try:
            await add_business(spec, cipher, now)
        except UnknownReference:
            raise RegistrationRefused(
                "cluster_code", _("no cluster has the code %(code)s"), 404, code=data.cluster_code
            ) from None
        except msgspec.ValidationError as error:  # a stored-form rule of BusinessIn
            key = str(error).rpartition("$.")[2].rstrip("`") or "data"
            raise RegistrationRefused(key, str(error).split(" - at ")[0], 400) from None
        try:
            await add_user(email, "umkm", data.password, business=code)
        except AccountError as error:
            key, message = str(error).split(": ", 1)
            raise RegistrationRefused(key, message, 400) from None
    return code
