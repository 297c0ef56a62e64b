"""Demo reference data as plain values (no database here)."""

from __future__ import annotations

from pathlib import Path

from auth.roles import Role

# The partnership itself (OPCC, Hub, spokes, grant streams, years) comes from the same set-up
# file a real partnership uses: ``vrp setup examples/partnerships/avon-and-somerset.toml``.
SETUP_FILE = (
    Path(__file__).resolve().parent.parent / "examples" / "partnerships" / "avon-and-somerset.toml"
)

DEMO_PASSWORD = "demo-password-2024"
FINANCE_EMAIL = "finance@asvrp.example"

# email, name, role, spoke code
USERS = (
    ("admin@asvrp.example", "Alex Admin", Role.ADMIN, None),
    ("finance@asvrp.example", "Fran Finance", Role.FINANCE, None),
    ("hub@asvrp.example", "Harper Hub", Role.HUB, None),
    ("panel@asvrp.example", "Pat Panel", Role.PANEL, None),
    ("auditor@asvrp.example", "Aude Auditor", Role.AUDITOR, None),
    ("banes@asvrp.example", "Bea (B&NES lead)", Role.SPOKE, "banes"),
    ("bristol@asvrp.example", "Bo (Bristol lead)", Role.SPOKE, "bristol"),
    ("north-somerset@asvrp.example", "Nia (North Somerset lead)", Role.SPOKE, "north-somerset"),
    ("somerset@asvrp.example", "Sam (Somerset lead)", Role.SPOKE, "somerset"),
    ("south-glos@asvrp.example", "Sol (South Gloucestershire lead)", Role.SPOKE, "south-glos"),
)
