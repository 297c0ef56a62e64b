"""Set a spoke's needs for the gap map: the intervention types its needs assessment calls for.
A spoke lead sets their own spoke's; the Hub sets any spoke's."""

from __future__ import annotations

from auth.models import User
from commissioning.gaps.models import SpokeNeed
from commissioning.vocabulary import INTERVENTION_TYPE_NAMES
from core.problems import DomainError, Problems
from extensions import db
from reference.models import Organisation, OrganisationKind


class NotYourSpoke(DomainError):
    """A spoke lead setting another spoke's needs."""


def set_needs(
    spoke_id: int, types: list[str], *, user: User | None, source: str | None = None
) -> None:
    spoke = db.session.get(Organisation, spoke_id)
    if spoke is None or spoke.kind is not OrganisationKind.SPOKE:
        raise DomainError("No such spoke")
    if user is not None and user.is_spoke_scoped and user.spoke_id != spoke.id:
        raise NotYourSpoke("Spoke leads set their own spoke's needs only")
    problems = Problems()
    for code in types:
        if code not in INTERVENTION_TYPE_NAMES:
            problems.add(f"{code} is not one of the 14 intervention types", column="needs")
    if problems:
        raise DomainError("The needs were not saved", problems)
    wanted = set(types)
    current = {
        n.intervention_type: n for n in db.session.query(SpokeNeed).filter_by(spoke_id=spoke.id)
    }
    for code, need in current.items():
        if code not in wanted:
            db.session.delete(need)
    for code in sorted(wanted - set(current)):
        db.session.add(SpokeNeed(spoke=spoke, intervention_type=code, source=source))
    db.session.commit()
