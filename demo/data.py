"""Demo reference data as plain values (no database here)."""

from __future__ import annotations

from auth.roles import Role
from reference.models import OrganisationKind

# code, name, kind, org-id (360Giving), GSS code
ORGANISATIONS = (
    (
        "opcc",
        "Avon and Somerset Office of the Police and Crime Commissioner",
        OrganisationKind.OPCC,
        "GB-GOR-PC000050",
        None,
    ),
    ("hub", "Avon and Somerset VRP Hub", OrganisationKind.HUB, None, None),
    ("banes", "Bath & North East Somerset", OrganisationKind.SPOKE, "GB-LAE-BAS", "E06000022"),
    ("bristol", "Bristol", OrganisationKind.SPOKE, "GB-LAE-BST", "E06000023"),
    ("north-somerset", "North Somerset", OrganisationKind.SPOKE, "GB-LAE-NSM", "E06000024"),
    ("somerset", "Somerset", OrganisationKind.SPOKE, "GB-LAE-SOM", "E06000066"),
    ("south-glos", "South Gloucestershire", OrganisationKind.SPOKE, "GB-LAE-SGC", "E06000025"),
)

GRANT_STREAMS = (
    (
        "VRU",
        "Violence Reduction Unit grant",
        "Home Office grant for the partnership's leadership, data and interventions.",
    ),
    (
        "SVD",
        "Serious Violence Duty grant",
        "Home Office grant supporting the Serious Violence Duty; split into labour and non-labour "
        "costs each year.",
    ),
)

FINANCIAL_YEARS = ("2023-24", "2024-25")
CURRENT_YEAR = "2024-25"

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
