"""Commissioning rounds and bids on the web: the Hub opens rounds and enters bids; panel members
declare, score, and the chair moderates and decides; finance makes contracts.

Every route parses, checks permission (its ``Permission``, then the object rules from
``rounds.queries``: a round or bid the user may not know about is 404, a bid they declared a
conflict on is 403 on every route and download), calls one service and renders.
"""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
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
    panel,
    queries,
    services,
    spreadsheet,
)
from commissioning.rounds.forms import (
    AttachmentForm,
    BidForm,
    ContractForm,
    DecideForm,
    DeclareForm,
    ImportBidsForm,
    ModerateForm,
    PanelForm,
    RoundForm,
)
from commissioning.rounds.models import Bid, BidAttachment, CommissioningRound
from commissioning.rounds.queries import BidAccess
from commissioning.vocabulary import DEFAULT_CRITERIA
from core.problems import DomainError
from exports.pdfs import render_pdf
from extensions import db
from web.forms import show_problems

bp = Blueprint("rounds", __name__, url_prefix="/commissioning")


def _today() -> date:
    return date.today()


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
    summary: list[str] = []
    if form.validate_on_submit():
        try:
            round_ = services.create_round(_round_input(form), user=current_user)
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            flash(f"Opened {round_.name}")
            return redirect(url_for("rounds.round_detail", round_id=round_.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/round_new.html", form=form, summary_problems=summary
    ), status


def _round_input(form: RoundForm) -> services.RoundInput:
    return services.RoundInput(
        name=form.name.data,
        financial_year=form.financial_year.data,
        grant_stream_id=_int(form.grant_stream.data),
        budget=form.budget.data,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        eligibility=form.eligibility.data,
        disagreement_margin=form.disagreement_margin.data,
        recipient_ids=[int(i) for i in form.recipients.data or [] if i.isdigit()],
        criteria=[
            services.CriterionInput(e.form.name.data, e.form.weight.data, e.form.max_score.data)
            for e in form.criteria
        ],
        panel_user_ids=[int(i) for i in form.panel.data or [] if i.isdigit()],
        chair_user_id=_int(form.chair.data),
    )


@bp.route("/rounds/<int:round_id>")
@permission_required(Permission.VIEW_COMMISSIONING)
def round_detail(round_id: int):
    round_ = _visible_round(round_id)
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
    round_ = _visible_round(round_id)
    form = PanelForm()
    candidates = queries.panel_candidates()
    form.panel.choices = [(str(u.id), f"{u.name} ({u.role.label})") for u in candidates]
    form.chair.choices = [("", "")] + [(str(u.id), u.name) for u in candidates]
    if request.method == "GET":
        form.panel.data = [str(m.user_id) for m in round_.panel]
        form.chair.data = str(round_.chair.id) if round_.chair else ""
    summary: list[str] = []
    if form.validate_on_submit():
        ids = [int(i) for i in form.panel.data or [] if i.isdigit()]
        try:
            services.update_panel(round_.id, ids, _int(form.chair.data), user=current_user)
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            flash("Saved the panel")
            return redirect(url_for("rounds.round_detail", round_id=round_.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/round_panel.html", round=round_, form=form, summary_problems=summary
    ), status


# --- bids -----------------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/bids/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def bid_new(round_id: int):
    round_ = _visible_round(round_id)
    form = BidForm()
    form.provider.choices = queries.provider_choices()
    form.spokes.choices = queries.spoke_choices(round_)
    form.yef_strand.choices = queries.strand_choices()
    summary: list[str] = []
    if form.validate_on_submit():
        try:
            bid = services.create_bid(
                round_.id, _bid_input(form), user=current_user, today=_today()
            )
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            flash(f"Saved bid {bid.reference}")
            return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/bid_new.html", round=round_, form=form, summary_problems=summary
    ), status


def _bid_input(form: BidForm) -> services.BidInput:
    return services.BidInput(
        reference=form.reference.data,
        provider_id=_int(form.provider.data),
        title=form.title.data,
        summary=form.summary.data,
        intervention_types=list(form.intervention_types.data or []),
        yef_strand_id=_int(form.yef_strand.data),
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
        spoke_ids=[int(i) for i in form.spokes.data or [] if i.isdigit()],
        submitted_on=form.submitted_on.data,
    )


@bp.route("/bids/<int:bid_id>")
@permission_required(Permission.VIEW_COMMISSIONING)
def bid_detail(bid_id: int):
    bid = _bid(bid_id, allow_undeclared=True)
    if queries.bid_access(current_user, bid) is BidAccess.MUST_DECLARE:
        return redirect(url_for("rounds.bid_declare", bid_id=bid.id))
    return render_template(
        "commissioning/rounds/bid_detail.html",
        bid=bid,
        scoring=queries.scoring_of(bid),
        member=queries.membership(bid.round, current_user),
        is_chair=queries.is_chair(bid.round, current_user),
        contract=queries.contract_for(bid),
        conflicted=queries.conflicted_members(bid),
        attachment_form=AttachmentForm(),
    )


@bp.route("/bids/<int:bid_id>/declare", methods=["GET", "POST"])
@permission_required(Permission.SCORE_BIDS)
def bid_declare(bid_id: int):
    bid = _bid(bid_id, allow_undeclared=True)
    if queries.membership(bid.round, current_user) is None:
        abort(403)
    if queries.declaration_of(bid, current_user) is not None:
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    form = DeclareForm()
    summary: list[str] = []
    if form.validate_on_submit():
        answer = {"yes": True, "no": False}.get(form.conflicted.data or "")
        try:
            panel.declare(bid.id, user=current_user, conflicted=answer, detail=form.detail.data)
        except panel.NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            if answer:
                flash(f"Declared a conflict of interest on {bid.reference}: you will not see it")
                return redirect(url_for("rounds.round_detail", round_id=bid.round_id))
            flash(f"Declared no conflict of interest on {bid.reference}")
            return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/bid_declare.html", bid=bid, form=form, summary_problems=summary
    ), status


@bp.route("/bids/<int:bid_id>/score", methods=["GET", "POST"])
@permission_required(Permission.SCORE_BIDS)
def bid_score(bid_id: int):
    bid = _bid(bid_id)
    if queries.membership(bid.round, current_user) is None:
        abort(403)
    mine = {s.criterion_id: s for s in bid.scores if s.user_id == current_user.id}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        entries = [
            panel.ScoreInput(
                c.id, request.form.get(f"score-{c.id}"), request.form.get(f"comment-{c.id}")
            )
            for c in bid.round.criteria
        ]
        try:
            panel.save_scores(bid.id, entries, user=current_user)
        except panel.NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            errors = {p.column or "": p.message for p in error.problems}
            status = 400
        else:
            flash(f"Saved your scores for {bid.reference}")
            return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    return render_template(
        "commissioning/rounds/bid_score.html",
        bid=bid,
        mine=mine,
        typed=request.form,
        errors=errors,
    ), status


@bp.route("/bids/<int:bid_id>/moderate", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_BIDS)
def bid_moderate(bid_id: int):
    bid = _chaired_bid(bid_id)
    form = ModerateForm()
    summary: list[str] = []
    if form.validate_on_submit():
        try:
            panel.moderate(
                bid.id, user=current_user, score=form.score.data, reason=form.reason.data
            )
        except panel.NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            flash(f"Saved the agreed score for {bid.reference}")
            return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/bid_moderate.html",
        bid=bid,
        scoring=queries.scoring_of(bid),
        form=form,
        summary_problems=summary,
    ), status


@bp.route("/bids/<int:bid_id>/decide", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_BIDS)
def bid_decide(bid_id: int):
    bid = _chaired_bid(bid_id)
    form = DecideForm()
    summary: list[str] = []
    if form.validate_on_submit():
        try:
            panel.decide(
                bid.id,
                user=current_user,
                decision=form.decision.data,
                reference=form.reference.data,
                minutes=form.minutes.data,
                conditions=form.conditions.data,
            )
        except panel.NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            flash(f"Recorded the decision on {bid.reference}")
            return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/bid_decide.html",
        bid=bid,
        scoring=queries.scoring_of(bid),
        conflicted=queries.conflicted_members(bid),
        form=form,
        summary_problems=summary,
    ), status


@bp.route("/bids/<int:bid_id>/letter.pdf")
@permission_required(Permission.VIEW_COMMISSIONING)
def bid_letter(bid_id: int):
    bid = _bid(bid_id)
    if bid.decision is None:
        abort(404)
    html = render_template(
        "pdf/decision_letter.html", bid=bid, partnership=current_app.config["PARTNERSHIP_NAME"]
    )
    filename = f"decision-{bid.round.financial_year}-{bid.reference}.pdf"
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.route("/bids/<int:bid_id>/attachments", methods=["POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def attachment_new(bid_id: int):
    bid = _bid(bid_id)
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
    _bid(attachment.bid_id)  # the same checks as the bid itself
    return send_file(  # encodes any name safely in the header (RFC 6266), unlike an f-string
        io.BytesIO(attachments.read_attachment(attachment, current_app.instance_path)),
        mimetype=attachments.MIME_TYPES[attachment.kind],
        as_attachment=True,
        download_name=attachment.filename,
    )


@bp.route("/bids/<int:bid_id>/contract", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_CONTRACTS)
def contract_new(bid_id: int):
    bid = _bid(bid_id)
    form = ContractForm()
    form.plan_line.choices = queries.plan_line_choices(bid)
    if request.method == "GET":
        form.value.data = str(bid.cost)
        form.match_amount.data = str(bid.match_funding)
        form.reference.data = f"C-{bid.round.financial_year}-{bid.reference}"
    summary: list[str] = []
    if form.validate_on_submit():
        data = contracts.ContractInput(
            reference=form.reference.data,
            plan_line_id=_int(form.plan_line.data),
            value=form.value.data,
            vru_amount=form.vru_amount.data,
            svd_amount=form.svd_amount.data,
            match_amount=form.match_amount.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
        try:
            contract = contracts.create_contract(bid.id, data, user=current_user, today=_today())
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            flash(f"Made contract {contract.reference}")
            return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/contract_new.html",
        bid=bid,
        form=form,
        blockers=queries.provider_blockers(bid, _today()),
        summary_problems=summary,
    ), status


@bp.route("/rounds/<int:round_id>/bids/template.xlsx")
@permission_required(Permission.MANAGE_ROUNDS)
def bid_template(round_id: int):
    round_ = _visible_round(round_id)
    return Response(
        spreadsheet.template_workbook(round_),
        mimetype=attachments.MIME_TYPES["xlsx"],
        headers={"Content-Disposition": 'attachment; filename="bids-template.xlsx"'},
    )


@bp.route("/rounds/<int:round_id>/bids/import", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def bid_import(round_id: int):
    round_ = _visible_round(round_id)
    form = ImportBidsForm()
    problems: list[str] = []
    if form.validate_on_submit() and form.file.data:
        upload = form.file.data
        try:
            result = spreadsheet.import_bids(
                upload.read(), upload.filename or "bids.xlsx", user=current_user, today=_today()
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


# --- helpers --------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _visible_round(round_id: int) -> CommissioningRound:
    round_: CommissioningRound = db.get_or_404(CommissioningRound, round_id)
    if not queries.can_see_round(current_user, round_):
        abort(404)
    return round_


def _bid(bid_id: int, *, allow_undeclared: bool = False) -> Bid:
    bid: Bid = db.get_or_404(Bid, bid_id)
    access = queries.bid_access(current_user, bid)
    if access is BidAccess.NONE:
        abort(404)
    if access is BidAccess.CONFLICTED:
        abort(403)
    if access is BidAccess.MUST_DECLARE and not allow_undeclared:
        abort(403)
    return bid


def _chaired_bid(bid_id: int) -> Bid:
    bid = _bid(bid_id)
    if not queries.is_chair(bid.round, current_user):
        abort(403)
    return bid
