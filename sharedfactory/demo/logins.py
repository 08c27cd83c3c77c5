"""The demo's own logins, printed when `sharedfactory demo` starts. Demo data only: a real
house creates its logins with `sharedfactory users add` and never seeds these."""

from __future__ import annotations

from sharedfactory.accounts.service import add_user

# email, role, house, business, password
DEMO_LOGINS = (
    ("admin@demo.sharedfactory.id", "admin", None, None, "demo-admin-2026"),
    ("auditor@demo.sharedfactory.id", "auditor", None, None, "demo-auditor-2026"),
    ("operator.sleman@demo.sharedfactory.id", "operator", "sleman", None, "demo-operator-2026"),
    (
        "operator.batu-bara@demo.sharedfactory.id",
        "operator",
        "batu-bara",
        None,
        "demo-operator-2026",
    ),
    ("operator.jembrana@demo.sharedfactory.id", "operator", "jembrana", None, "demo-operator-2026"),
    (
        "operator.minahasa-selatan@demo.sharedfactory.id",
        "operator",
        "minahasa-selatan",
        None,
        "demo-operator-2026",
    ),
    ("sri@demo.sharedfactory.id", "umkm", None, "keripik-salak-pondoh-bu-sri", "demo-umkm-2026"),
    ("siti@demo.sharedfactory.id", "umkm", None, "ud-sambal-lado-tanjung", "demo-umkm-2026"),
)


async def seed_demo_logins() -> None:
    for email, role, house, business, password in DEMO_LOGINS:
        await add_user(email, role, password, house, business)


def demo_login_lines() -> list[str]:
    return [
        f"  {role:<8} {email:<48} {password}  {house or business or ''}"
        for email, role, house, business, password in DEMO_LOGINS
    ]
