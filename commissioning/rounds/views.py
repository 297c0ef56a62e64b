"""Commissioning rounds and bids on the web: the Hub opens rounds, changes their panels, enters and
imports bids and attaches files; finance makes contracts. The panel's pages (declare, score,
moderate, decide) are in ``panel_views``, registered on the same blueprint.

Every route parses, checks permission (its ``Permission``, then the object rules in
``blueprint``: a round or bid the user may not know about is 404, a bid they declared a conflict
on is 403 on every route and download), calls one service and renders.
"""

from __future__ import annotations

import io

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from commissioning.rounds import (
    attachments,
    contracts,
    panel_views,
    queries,
    services,
    spreadsheet,
)
from commissioning.rounds.blueprint import bp, open_bid, to_int, today, visible_round
from commissioning.rounds.forms import (
    AttachmentForm,
    BidForm,
    ContractForm,
    ImportBidsForm,
    PanelForm,
    RoundForm,
)
from commissioning.rounds.models import BidAttachment, Contract
from commissioning.rounds.queries import BidAccess
from commissioning.vocabulary import DEFAULT_CRITERIA
from core.cells import whole_numbers
from core.problems import DomainError
from extensions import db
from web.forms import render_form, submit

__all__ = ["bp", "panel_views"]  # panel_views: imported for its routes on bp


# --- rounds ---------------------------------------------------------------------------------------


@bp.route("/rounds")
@permission_required(Permission.VIEW_COMMISSIONING)
def round_list():
    return render_template(
        "commissioning/rounds/round_list.html", rounds=queries.visible_rounds(current_user)
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def round_new():
    form = RoundForm()
    form.grant_stream.choices = queries.grant_stream_choices()
    form.recipients.choices = queries.recipient_choices()
    candidates = queries.panel_candidates()
    form.panel.choices = [(str(u.id), f"{u.name} ({u.role.label})") for u in candidates]
    form.chair.choices = [("", "")] + [(str(u.id), u.name) for u in candidates]
    if request.method == "GET":
        form.disagreement_margin.data = "15"
        for entry, (name, weight, maximum) in zip(form.criteria, DEFAULT_CRITERIA, strict=False):
            entry.form.name.data, entry.form.weight.data, entry.form.max_score.data = (
                name,
                weight,
                maximum,
            )
    submitted = submit(form, lambda: services.create_round(_round_input(form), user=current_user))
    if submitted.saved:
        round_ = submitted.result
        flash(f"Opened {round_.name}")
        return redirect(url_for("rounds.round_detail", round_id=round_.id))
    return render_form("commissioning/rounds/round_new.html", form, submitted)


def _round_input(form: RoundForm) -> services.RoundInput:
    return services.RoundInput(
        name=form.name.data,
        financial_year=form.financial_year.data,
        grant_stream_id=to_int(form.grant_stream.data),
        budget=form.budget.data,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        eligibility=form.eligibility.data,
        disagreement_margin=form.disagreement_margin.data,
        recipient_ids=whole_numbers(form.recipients.data or []),
        criteria=[
            services.CriterionInput(e.form.name.data, e.form.weight.data, e.form.max_score.data)
            for e in form.criteria
        ],
        panel_user_ids=whole_numbers(form.panel.data or []),
        chair_user_id=to_int(form.chair.data),
    )


@bp.route("/rounds/<int:round_id>")
@permission_required(Permission.VIEW_COMMISSIONING)
def round_detail(round_id: int):
    round_ = visible_round(round_id)
    rows = queries.ranking(round_, current_user)
    return render_template(
        "commissioning/rounds/round_detail.html",
        round=round_,
        rows=rows,
        member=queries.membership(round_, current_user),
        BidAccess=BidAccess,
    )


@bp.route("/rounds/<int:round_id>/panel", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def round_panel(round_id: int):
    round_ = visible_round(round_id)
    form = PanelForm()
    candidates = queries.panel_candidates()
    form.panel.choices = [(str(u.id), f"{u.name} ({u.role.label})") for u in candidates]
    form.chair.choices = [("", "")] + [(str(u.id), u.name) for u in candidates]
    if request.method == "GET":
        form.panel.data = [str(m.user_id) for m in round_.panel]
        form.chair.data = str(round_.chair.id) if round_.chair else ""

    def save() -> None:
        ids = whole_numbers(form.panel.data or [])
        services.update_panel(round_.id, ids, to_int(form.chair.data), user=current_user)

    submitted = submit(form, save)
    if submitted.saved:
        flash("Saved the panel")
        return redirect(url_for("rounds.round_detail", round_id=round_.id))
    return render_form("commissioning/rounds/round_panel.html", form, submitted, round=round_)


# --- bids -----------------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/bids/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def bid_new(round_id: int):
    round_ = visible_round(round_id)
    form = BidForm()
    form.provider.choices = queries.provider_choices()
    form.spokes.choices = queries.spoke_choices(round_)
    form.yef_strand.choices = queries.strand_choices()
    submitted = submit(
        form,
        lambda: services.create_bid(round_.id, _bid_input(form), user=current_user, today=today()),
    )
    if submitted.saved:
        bid = submitted.result
        flash(f"Saved bid {bid.reference}")
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    return render_form("commissioning/rounds/bid_new.html", form, submitted, round=round_)


def _bid_input(form: BidForm) -> services.BidInput:
    return services.BidInput(
        reference=form.reference.data,
        provider_id=to_int(form.provider.data),
        title=form.title.data,
        summary=form.summary.data,
        intervention_types=list(form.intervention_types.data or []),
        yef_strand_id=to_int(form.yef_strand.data),
        level=form.level.data,
        cohort=form.cohort.data,
        age_band=form.age_band.data or None,
        setting=form.setting.data,
        output_targets=form.output_targets.data,
        participants=form.participants.data,
        cost=form.cost.data,
        q1=form.q1.data,
        q2=form.q2.data,
        q3=form.q3.data,
        q4=form.q4.data,
        match_funding=form.match_funding.data,
        spoke_ids=whole_numbers(form.spokes.data or []),
        submitted_on=form.submitted_on.data,
    )


@bp.route("/bids/<int:bid_id>")
@permission_required(Permission.VIEW_COMMISSIONING)
def bid_detail(bid_id: int):
    bid = open_bid(bid_id, allow_undeclared=True)
    if queries.bid_access(current_user, bid) is BidAccess.MUST_DECLARE:
        return redirect(url_for("rounds.bid_declare", bid_id=bid.id))
    return render_template(
        "commissioning/rounds/bid_detail.html",
        bid=bid,
        shown=queries.scores_for(bid, current_user),
        member=queries.membership(bid.round, current_user),
        is_chair=queries.is_acting_chair(bid, current_user),
        acting_chair=queries.acting_chair(bid),
        contract=queries.contract_for(bid),
        conflicted=queries.conflicted_members(bid),
        attachment_form=AttachmentForm(),
    )


@bp.route("/bids/<int:bid_id>/attachments", methods=["POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def attachment_new(bid_id: int):
    bid = open_bid(bid_id)
    form = AttachmentForm()
    upload = form.file.data if form.validate_on_submit() else None
    try:
        attachments.add_attachment(
            bid.id,
            filename=upload.filename if upload else None,
            content=upload.read() if upload else b"",
            instance_path=current_app.instance_path,
            user=current_user,
            max_bytes=current_app.config.get("MAX_ATTACHMENT_BYTES", attachments.MAX_BYTES),
        )
    except DomainError as error:
        db.session.rollback()
        for problem in error.problems:
            flash(f"The file was not attached: {problem.message}", "error")
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id)), 303
    flash("Attached the file")
    return redirect(url_for("rounds.bid_detail", bid_id=bid.id))


@bp.route("/attachments/<int:attachment_id>")
@permission_required(Permission.VIEW_COMMISSIONING)
def attachment_download(attachment_id: int):
    attachment = db.get_or_404(BidAttachment, attachment_id)
    open_bid(attachment.bid_id)  # the same checks as the bid itself
    return send_file(  # encodes any name safely in the header (RFC 6266), unlike an f-string
        io.BytesIO(attachments.read_attachment(attachment, current_app.instance_path)),
        mimetype=attachments.MIME_TYPES[attachment.kind],
        as_attachment=True,
        download_name=attachment.filename,
    )


@bp.route("/bids/<int:bid_id>/contract", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CONTRACTS)
def contract_new(bid_id: int):
    bid = open_bid(bid_id)
    form = ContractForm()
    form.plan_line.choices = queries.plan_line_choices(bid)
    if request.method == "GET":
        form.value.data = str(bid.cost)
        form.match_amount.data = str(bid.match_funding)
        form.reference.data = f"C-{bid.round.financial_year}-{bid.reference}"

    def make() -> Contract:
        data = contracts.ContractInput(
            reference=form.reference.data,
            plan_line_id=to_int(form.plan_line.data),
            value=form.value.data,
            vru_amount=form.vru_amount.data,
            svd_amount=form.svd_amount.data,
            match_amount=form.match_amount.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
        return contracts.create_contract(bid.id, data, user=current_user, today=today())

    submitted = submit(form, make)
    if submitted.saved:
        flash(f"Made contract {submitted.result.reference}")
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    return render_form(
        "commissioning/rounds/contract_new.html",
        form,
        submitted,
        bid=bid,
        blockers=queries.provider_blockers(bid, today()),
    )


@bp.route("/rounds/<int:round_id>/bids/template.xlsx")
@permission_required(Permission.MANAGE_ROUNDS)
def bid_template(round_id: int):
    round_ = visible_round(round_id)
    return Response(
        spreadsheet.template_workbook(round_),
        mimetype=attachments.MIME_TYPES["xlsx"],
        headers={"Content-Disposition": 'attachment; filename="bids-template.xlsx"'},
    )


@bp.route("/rounds/<int:round_id>/bids/import", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def bid_import(round_id: int):
    round_ = visible_round(round_id)
    form = ImportBidsForm()
    problems: list[str] = []
    if form.validate_on_submit() and form.file.data:
        upload = form.file.data
        try:
            result = spreadsheet.import_bids(
                upload.read(), upload.filename or "bids.xlsx", user=current_user, today=today()
            )
        except DomainError as error:
            db.session.rollback()
            problems = [str(p) for p in error.problems] or [error.message]
        else:
            flash(f"Imported {len(result.bids)} bids")
            return redirect(url_for("rounds.round_detail", round_id=round_.id))
    elif request.method == "POST":
        problems = ["Choose the filled-in bid spreadsheet"]
    return render_template(
        "commissioning/rounds/bid_import.html", round=round_, form=form, summary_problems=problems
    ), (400 if problems else 200)
