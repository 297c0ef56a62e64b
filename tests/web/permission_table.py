"""Who may use each route: the expected table for the permission matrix, written by hand.

This is an independent statement of the policy in SECURITY.md (who may do what), not a copy of
``auth.roles.ROLE_PERMISSIONS`` or of the routes' decorators: a change to either that changes who
may reach a route has to be made here too, deliberately, or ``test_permission_matrix`` fails.

Each endpoint names, per HTTP method, the people who are let through. Everyone else is refused:
- an anonymous visitor is sent to the sign-in page;
- a signed-in person gets 403, or 404 where the app hides that the object exists: another
  spoke's intervention or needs (the interventions register and the gap map answer 404), and a
  round or bid of a panel the member does not sit on. Another spoke's plan, return, agreement or
  spoke page, and a bid the member declared a conflict on, answer 403.

The people, and the objects each object route is tried on (``test_permission_matrix`` builds
them on the demo): plans, returns, agreements, interventions and needs are Somerset's, so the
Somerset lead is OWN_SPOKE and the Bristol lead OTHER_SPOKE. Bids are on the demo round, whose
panel is CHAIR and MEMBER, and CONFLICTED, who declared a conflict on the bid; OUTSIDER sits on
another round's panel only. ``HUB_OBJECTS`` tries the plan and return routes again on the Hub's
own plan and return.
"""

from __future__ import annotations

import enum


class Who(enum.Enum):
    ANONYMOUS = "anonymous"
    ADMIN = "admin"
    FINANCE = "finance"
    HUB = "hub"
    CHAIR = "panel chair"
    MEMBER = "panel member"
    CONFLICTED = "conflicted panel member"
    OUTSIDER = "another panel's member"
    OWN_SPOKE = "spoke lead, own spoke"
    OTHER_SPOKE = "spoke lead, other spoke"
    AUDITOR = "auditor"


W = Who
NOBODY: frozenset[Who] = frozenset()
EVERYONE = frozenset(Who)
SIGNED_IN = EVERYONE - {W.ANONYMOUS}
PANEL = frozenset({W.CHAIR, W.MEMBER, W.CONFLICTED, W.OUTSIDER})
ON_THE_PANEL = frozenset({W.CHAIR, W.MEMBER})  # of the bid's round, and not conflicted on it
SPOKE_LEADS = frozenset({W.OWN_SPOKE, W.OTHER_SPOKE})

ADMIN = frozenset({W.ADMIN})
FINANCE = frozenset({W.FINANCE})
HUB = frozenset({W.HUB})
OWN_SPOKE = frozenset({W.OWN_SPOKE})
ADMIN_READERS = frozenset({W.ADMIN, W.AUDITOR})  # accounts and the audit log
# Money: finance and the Hub, spoke leads (lists and totals narrowed to their spoke), auditors.
GRANT_READERS = frozenset({W.FINANCE, W.HUB, W.AUDITOR}) | SPOKE_LEADS
# One spoke's plan, return or agreement: as above, but not another spoke's lead.
OWN_GRANT_READERS = GRANT_READERS - {W.OTHER_SPOKE}
# The consolidated Home Office outputs and the formula cover every spoke: no spoke lead.
PARTNERSHIP_READERS = frozenset({W.FINANCE, W.HUB, W.AUDITOR})
# Rounds and bids: finance, the Hub and auditors see all; a panel member the rounds they sit on.
COMMISSIONING_READERS = PARTNERSHIP_READERS | PANEL
BID_READERS = PARTNERSHIP_READERS | ON_THE_PANEL
ROUND_READERS = BID_READERS | {W.CONFLICTED}  # the round, with the conflicted bid's row closed
# The interventions register and the gap map: everyone but the administrator.
INTERVENTION_READERS = COMMISSIONING_READERS | SPOKE_LEADS
OWN_INTERVENTION_READERS = INTERVENTION_READERS - {W.OTHER_SPOKE}


def both(who: frozenset[Who]) -> dict[str, frozenset[Who]]:
    """The same people for the page (GET) and its form (POST)."""
    return {"GET": who, "POST": who}


EXPECTED: dict[str, dict[str, frozenset[Who]]] = {
    # --- signing in, the landing page, health --------------------------------------------------
    "auth.sign_in": both(EVERYONE),
    "auth.sign_out": {"POST": EVERYONE},
    "health.healthz": {"GET": EVERYONE},
    "home.index": {"GET": SIGNED_IN},
    "auth.change_password": both(SIGNED_IN),  # one's own password
    # --- accounts, the partnership, the audit log: the administrator ----------------------------
    "auth.user_list": {"GET": ADMIN_READERS},
    "auth.user_detail": {"GET": ADMIN_READERS},
    "auth.user_new": both(ADMIN),
    "auth.user_change": {"POST": ADMIN},
    "auth.user_deactivate": {"POST": ADMIN},
    "auth.user_reactivate": {"POST": ADMIN},
    "auth.user_password": {"POST": ADMIN},
    # The set-up pages are the administrator's tools; the auditor reads the same records on the
    # spokes pages and in the audit log.
    "partnership.overview": {"GET": ADMIN},
    "partnership.record_new": both(ADMIN),
    "partnership.record_edit": both(ADMIN),
    "partnership.record_close": both(ADMIN),
    "partnership.record_reopen": {"POST": ADMIN},
    "partnership.year_new": {"POST": ADMIN},
    "audit.event_list": {"GET": ADMIN_READERS},
    "audit.event_export": {"GET": ADMIN_READERS},
    # --- spokes: everyone signed in; a spoke lead only their own ---------------------------------
    "reference.spoke_list": {"GET": SIGNED_IN},
    "reference.spoke_detail": {"GET": SIGNED_IN - {W.OTHER_SPOKE}},
    # --- the funding formula and allocations: finance changes; the Hub and auditors read --------
    "allocations.formula_list": {"GET": PARTNERSHIP_READERS},
    "allocations.formula_detail": {"GET": PARTNERSHIP_READERS},
    "allocations.formula_download": {"GET": PARTNERSHIP_READERS},
    "allocations.formula_new": both(FINANCE),
    "allocations.dataset_detail": {"GET": PARTNERSHIP_READERS},
    "allocations.dataset_new": both(FINANCE),
    "allocations.run_detail": {"GET": PARTNERSHIP_READERS},
    "allocations.run_export": {"GET": PARTNERSHIP_READERS},
    "allocations.run_compare": {"GET": PARTNERSHIP_READERS},
    "allocations.run_new": both(FINANCE),
    "allocations.run_approve": {"POST": FINANCE},
    "allocations.allocation_list": {"GET": GRANT_READERS},  # a spoke lead: their own row
    # --- awards, variations, agreements, payments: finance changes -------------------------------
    "awards.award_list": {"GET": GRANT_READERS},
    "awards.award_detail": {"GET": GRANT_READERS},  # the year's grant; allocations narrowed
    "awards.award_new": both(FINANCE),
    "awards.award_edit": both(FINANCE),
    "awards.award_confirm": {"POST": FINANCE},
    "awards.variation_list": {"GET": GRANT_READERS},
    "awards.variation_new": both(FINANCE),
    "agreements.agreement_list": {"GET": GRANT_READERS},
    "agreements.agreement_detail": {"GET": OWN_GRANT_READERS},
    "agreements.agreement_pdf": {"GET": OWN_GRANT_READERS},
    "agreements.agreement_new": both(FINANCE),
    "agreements.agreement_edit": both(FINANCE),
    "agreements.agreement_issue": {"POST": FINANCE},
    "agreements.agreement_sign": {"POST": FINANCE},
    "agreements.agreement_vary": both(FINANCE),
    "payments.position": {"GET": GRANT_READERS},
    "payments.position_xlsx": {"GET": GRANT_READERS},
    "payments.payment_new": both(FINANCE),
    "payments.payment_reverse": both(FINANCE),
    # --- delivery plans: a spoke lead fills in their own spoke's, finance reviews ----------------
    "plans.plan_list": {"GET": GRANT_READERS},
    "plans.plan_detail": {"GET": OWN_GRANT_READERS},
    "plans.plan_new": both(OWN_SPOKE),  # for Somerset
    "plans.plan_edit": both(OWN_SPOKE),
    "plans.line_new": both(OWN_SPOKE),
    "plans.line_edit": both(OWN_SPOKE),
    "plans.line_delete": {"POST": OWN_SPOKE},
    "plans.plan_submit": {"POST": OWN_SPOKE},
    "plans.plan_new_version": {"POST": OWN_SPOKE},
    "plans.plan_approve": {"POST": FINANCE},
    "plans.plan_return": {"POST": FINANCE},
    # --- quarterly returns: the same ------------------------------------------------------------
    "returns.return_list": {"GET": GRANT_READERS},
    "returns.return_detail": {"GET": OWN_GRANT_READERS},
    "returns.return_template": {"GET": OWN_GRANT_READERS},
    "returns.return_new": both(OWN_SPOKE),  # for Somerset
    "returns.return_edit": both(OWN_SPOKE),
    "returns.return_import": both(OWN_SPOKE),
    "returns.return_submit": both(OWN_SPOKE),
    "returns.return_approve": {"POST": FINANCE},
    "returns.return_send_back": {"POST": FINANCE},
    "returns.return_reopen": {"POST": FINANCE},
    "returns.return_underspend": {"GET": GRANT_READERS},
    "returns.return_close": both(FINANCE),
    # --- Home Office outputs --------------------------------------------------------------------
    "reports.index": {"GET": GRANT_READERS},
    "reports.delivery_plan_download": {"GET": OWN_GRANT_READERS},  # Somerset's
    "reports.quarterly_return_download": {"GET": PARTNERSHIP_READERS},
    "reports.annual_summary_download": {"GET": PARTNERSHIP_READERS},
    "reports.giving_download": {"GET": PARTNERSHIP_READERS},
    # --- commissioning rounds: the Hub runs them, the panel scores, finance contracts -----------
    "rounds.round_list": {"GET": COMMISSIONING_READERS},  # a panel member: their rounds
    "rounds.round_detail": {"GET": ROUND_READERS},
    "rounds.round_new": both(HUB),
    "rounds.round_panel": both(HUB),
    "rounds.bid_new": both(HUB),
    "rounds.bid_import": both(HUB),
    "rounds.bid_template": {"GET": HUB},
    "rounds.bid_detail": {"GET": BID_READERS},
    "rounds.bid_letter": {"GET": BID_READERS},
    "rounds.attachment_download": {"GET": BID_READERS},
    "rounds.attachment_new": {"POST": HUB},
    "rounds.bid_declare": both(ON_THE_PANEL),
    "rounds.bid_score": both(ON_THE_PANEL),
    "rounds.bid_moderate": both(frozenset({W.CHAIR})),
    "rounds.bid_decide": both(frozenset({W.CHAIR})),
    "rounds.contract_new": both(FINANCE),
    "providers.provider_list": {"GET": COMMISSIONING_READERS},
    "providers.provider_detail": {"GET": COMMISSIONING_READERS},
    "providers.provider_new": both(FINANCE | HUB),
    "providers.provider_edit": both(FINANCE | HUB),
    "providers.check_edit": both(FINANCE | HUB),
    # --- interventions, strands, the gap map: the Hub and spoke leads (their own spoke's) -------
    "interventions.intervention_list": {"GET": INTERVENTION_READERS},
    "interventions.intervention_export": {"GET": INTERVENTION_READERS},
    "interventions.intervention_detail": {"GET": OWN_INTERVENTION_READERS},
    "interventions.intervention_new": both(HUB | SPOKE_LEADS),
    "interventions.intervention_edit": both(HUB | OWN_SPOKE),
    "interventions.reach_edit": both(HUB | OWN_SPOKE),
    # The YEF strands are reference data: everyone reads them; the administrator and the Hub
    # keep them.
    "interventions.strand_list": {"GET": INTERVENTION_READERS | ADMIN},
    "interventions.strand_edit": both(ADMIN | HUB),
    "gaps.gap_map": {"GET": INTERVENTION_READERS},
    "gaps.heatmap_svg": {"GET": INTERVENTION_READERS},
    "gaps.gap_export": {"GET": INTERVENTION_READERS},
    "gaps.needs_edit": both(HUB | OWN_SPOKE),  # Somerset's needs
}

# The plan and return routes again, on the Hub's own plan and return: the Hub fills them in,
# no spoke lead sees them.
HUB_OBJECTS: dict[str, dict[str, frozenset[Who]]] = {
    "plans.plan_detail": {"GET": PARTNERSHIP_READERS},
    "plans.plan_edit": both(HUB),
    "plans.line_new": both(HUB),
    "plans.line_edit": both(HUB),
    "plans.line_delete": {"POST": HUB},
    "plans.plan_submit": {"POST": HUB},
    "plans.plan_new_version": {"POST": HUB},
    "plans.plan_approve": {"POST": FINANCE},
    "plans.plan_return": {"POST": FINANCE},
    "plans.plan_new": both(HUB),  # for the Hub
    "returns.return_detail": {"GET": PARTNERSHIP_READERS},
    "returns.return_template": {"GET": PARTNERSHIP_READERS},
    "returns.return_new": both(HUB),  # for the Hub
    "returns.return_edit": both(HUB),
    "returns.return_import": both(HUB),
    "returns.return_submit": both(HUB),
    "returns.return_approve": {"POST": FINANCE},
    "returns.return_send_back": {"POST": FINANCE},
    "returns.return_reopen": {"POST": FINANCE},
}
