"""Pages for grant awards and allocation variations (finance changes; others with the grants
permission read). Grant agreement pages are in ``agreement_views``, on the same blueprint.

Each view parses, checks permission (and spoke scoping), calls one service and renders.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from extensions import db
from grants.awards import queries, services, variations
from grants.awards.forms import AdjustmentForm, AwardForm, ConfirmAwardForm, ReallocationForm
from grants.awards.models import GrantAward
from grants.vocabulary import AwardStatus, VariationKind
from reference.queries import current_financial_year, list_grant_streams
from web.forms import render_form, submit
from web.params import year_or_404

bp = Blueprint("awards", __name__)

AWARD_FIELDS = (
    "indicative_amount",
    "confirmed_amount",
    "status",
    "award_reference",
    "offer_date",
    "confirmed_date",
    "min_match_percent",
    "min_interventions_percent",
    "evaluation_percent",
    "admin_cap_percent",
    "variance_threshold_percent",
    "variance_threshold_amount",
    "svd_labour_amount",
    "svd_non_labour_amount",
    "return_due_days",
    "plan_due_on",
    "notes",
)
# --- awards ---------------------------------------------------------------------------------------


@bp.route("/grants")
@permission_required(Permission.VIEW_GRANTS)
def award_list():
    summaries = queries.award_summaries(current_user)
    years = [
        (year, list(items))
        for year, items in groupby(summaries, key=lambda s: s.award.financial_year)
    ]
    return render_template("grants/awards/award_list.html", years=years)


@bp.route("/grants/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def award_new():
    form = AwardForm()
    form.grant_stream.choices = [(s.code, f"{s.code}: {s.name}") for s in list_grant_streams()]
    if request.method == "GET":
        form.financial_year.data = request.args.get("year") or current_financial_year().label
        form.grant_stream.data = request.args.get("stream")

    def create() -> GrantAward:
        return services.create_award(
            financial_year=form.financial_year.data,
            stream_code=form.grant_stream.data,
            fields=_award_fields(form),
            user=current_user,
        )

    submitted = submit(form, create)
    if submitted.saved:
        award = submitted.result
        flash(f"Recorded the {award.reference} award")
        return redirect(url_for("awards.award_detail", award_id=award.id))
    return render_form("grants/awards/award_new.html", form, submitted)


@bp.route("/grants/<int:award_id>")
@permission_required(Permission.VIEW_GRANTS)
def award_detail(award_id: int):
    award = db.get_or_404(GrantAward, award_id)
    form = ConfirmAwardForm(formdata=None, data={"lock_version": award.lock_version})
    return _render_award_detail(award, form)


@bp.route("/grants/<int:award_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def award_edit(award_id: int):
    award = db.get_or_404(GrantAward, award_id)
    form = AwardForm()
    del form.financial_year
    del form.grant_stream
    if request.method == "GET":
        form.process(data=_award_data(award))

    def save() -> None:
        services.update_award(
            award.id,
            fields=_award_fields(form),
            lock_version=form.lock_version.data,
            user=current_user,
        )

    submitted = submit(form, save)
    if submitted.saved:
        flash(f"Saved the {award.reference} award")
        return redirect(url_for("awards.award_detail", award_id=award.id))
    return render_form("grants/awards/award_edit.html", form, submitted, award=award)


@bp.route("/grants/<int:award_id>/confirm", methods=["POST"])
@permission_required(Permission.MANAGE_GRANTS)
def award_confirm(award_id: int):
    award = db.get_or_404(GrantAward, award_id)
    form = ConfirmAwardForm()

    def confirm() -> None:
        services.confirm_award(
            award.id,
            confirmed_amount=form.confirmed_amount.data,
            confirmed_date=form.confirmed_date.data,
            lock_version=form.lock_version.data,
            svd_labour_amount=form.svd_labour_amount.data,
            svd_non_labour_amount=form.svd_non_labour_amount.data,
            user=current_user,
        )

    submitted = submit(form, confirm)
    if submitted.saved:
        flash(
            f"Confirmed the {award.reference} award. Re-run the formula on the confirmed "
            f"pot and approve it, so the allocations match the award."
        )
        return redirect(url_for("awards.award_detail", award_id=award.id))
    db.session.refresh(award)
    return _render_award_detail(award, form, submitted.summary_problems, status=400)


def _render_award_detail(
    award: GrantAward,
    confirm_form: ConfirmAwardForm,
    summary_problems: list[str] | None = None,
    status: int = 200,
) -> Any:
    posted = request.method == "POST"
    return render_template(
        "grants/awards/award_detail.html",
        award=award,
        summary=queries.summarise_award(award, current_user),
        allocations=queries.allocations_of_award(award, current_user),
        variations=queries.variations_for(
            current_user, financial_year=award.financial_year, grant_stream_id=award.grant_stream_id
        ),
        confirm_form=confirm_form,
        form=confirm_form if posted else None,
        summary_problems=summary_problems or [],
        AwardStatus=AwardStatus,
    ), status


def _award_fields(form: AwardForm) -> services.AwardFields:
    return services.AwardFields(**{name: form[name].data for name in AWARD_FIELDS})


def _award_data(award: GrantAward) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(award, name) for name in AWARD_FIELDS}
    data = {
        name: (
            str(value)
            if value is not None and name.endswith(("amount", "percent", "days"))
            else value
        )
        for name, value in data.items()
    }
    data["status"] = award.status.value
    data["lock_version"] = award.lock_version
    return data


# --- allocation variations ------------------------------------------------------------------------


@bp.route("/variations")
@permission_required(Permission.VIEW_GRANTS)
def variation_list():
    year = year_or_404(request.args.get("year"))
    return render_template(
        "grants/awards/variation_list.html",
        year=year,
        years=queries.allocation_years(),
        variations=queries.variations_for(current_user, financial_year=year),
        VariationKind=VariationKind,
    )


@bp.route("/variations/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def variation_new():
    kind_arg = request.args.get("kind", VariationKind.REALLOCATION.value)
    if kind_arg not in {k.value for k in VariationKind}:
        abort(404)
    kind = VariationKind(kind_arg)
    form: ReallocationForm | AdjustmentForm = (
        ReallocationForm() if kind is VariationKind.REALLOCATION else AdjustmentForm()
    )
    years = queries.allocation_years() or [current_financial_year().label]
    form.financial_year.choices = [(y, y) for y in years]
    form.grant_stream.choices = [(s.code, f"{s.code}: {s.name}") for s in list_grant_streams()]
    recipients = [("", "Choose a recipient")] + [(o.code, o.name) for o in queries.recipients()]
    if isinstance(form, ReallocationForm):
        form.from_recipient.choices = form.to_recipient.choices = recipients
    else:
        form.recipient.choices = recipients
    if request.method == "GET":
        _prefill_variation(form)
    submitted = submit(form, lambda: _record_variation(form))
    if submitted.saved:
        variation = submitted.result
        flash(f"Recorded the {variation.kind.value} under decision {variation.decision_reference}")
        return redirect(url_for("awards.variation_list", year=variation.financial_year))
    return render_form(
        "grants/awards/variation_new.html",
        form,
        submitted,
        kind=kind,
        VariationKind=VariationKind,
    )


def _prefill_variation(form: ReallocationForm | AdjustmentForm) -> None:
    """Fill the form from the query string, e.g. from the underspend page's link:
    ``?year=2024-25&stream=VRU&from=bristol&to=somerset&amount=1000.00``."""
    args = request.args
    form.financial_year.data = args.get("year") or current_financial_year().label
    form.grant_stream.data = args.get("stream", "").upper() or None
    form.amount.data = args.get("amount")
    form.quarter.data = args.get("quarter", "")
    if isinstance(form, ReallocationForm):
        form.from_recipient.data = args.get("from")
        form.to_recipient.data = args.get("to")
    else:
        form.recipient.data = args.get("recipient") or args.get("to")


def _record_variation(form: ReallocationForm | AdjustmentForm) -> Any:
    common = {
        "financial_year": form.financial_year.data,
        "stream_code": form.grant_stream.data,
        "amount": form.amount.data,
        "reason": form.reason.data,
        "decision_reference": form.decision_reference.data,
        "quarter": form.quarter.data,
        "user": current_user,
    }
    if isinstance(form, ReallocationForm):
        return variations.record_reallocation(
            from_code=form.from_recipient.data, to_code=form.to_recipient.data, **common
        )
    return variations.record_adjustment(recipient_code=form.recipient.data, **common)


# The agreement pages register their routes on ``bp``.
