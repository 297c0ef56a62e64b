"""The panel's pages: declare an interest, score, and, for the member chairing the bid, moderate
and decide (checked, then confirmed); the decision letter.

Each route parses, checks its ``Permission`` and the bid's object rules (``blueprint``), calls
one service in ``panel`` and renders. Scores are shown as ``queries.scores_for`` allows: a
member sees the others' only once they have scored the bid themselves.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from commissioning.rounds import panel, queries
from commissioning.rounds.blueprint import bp, chaired_bid, open_bid
from commissioning.rounds.forms import DecideForm, DeclareForm, ModerateForm
from commissioning.vocabulary import Decision
from core.problems import DomainError
from exports.pdfs import render_pdf
from extensions import db
from web.forms import refusing, render_form, show_problems, submit


@bp.route("/bids/<int:bid_id>/declare", methods=["GET", "POST"])
@permission_required(Permission.SCORE_BIDS)
def bid_declare(bid_id: int):
    bid = open_bid(bid_id, allow_undeclared=True)
    if queries.membership(bid.round, current_user) is None:
        abort(403, description="Only the round's panel members declare on its bids")
    if queries.declaration_of(bid, current_user) is not None:
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    form = DeclareForm()
    answer = {"yes": True, "no": False}.get(form.conflicted.data or "")
    submitted = submit(
        form,
        refusing(
            lambda: panel.declare(
                bid.id, user=current_user, conflicted=answer, detail=form.detail.data
            ),
            panel.NotAllowed,
        ),
    )
    if submitted.saved:
        if answer:
            flash(f"Declared a conflict of interest on {bid.reference}: you will not see it")
            return redirect(url_for("rounds.round_detail", round_id=bid.round_id))
        flash(f"Declared no conflict of interest on {bid.reference}")
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    return render_form("commissioning/rounds/bid_declare.html", form, submitted, bid=bid)


@bp.route("/bids/<int:bid_id>/score", methods=["GET", "POST"])
@permission_required(Permission.SCORE_BIDS)
def bid_score(bid_id: int):
    bid = open_bid(bid_id)
    if queries.membership(bid.round, current_user) is None:
        abort(403, description="Only the round's panel members score its bids")
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
        except panel.NotAllowed as refused:
            db.session.rollback()
            abort(403, description=refused.message)
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
    bid = chaired_bid(bid_id)
    form = ModerateForm()
    submitted = submit(
        form,
        refusing(
            lambda: panel.moderate(
                bid.id, user=current_user, score=form.score.data, reason=form.reason.data
            ),
            panel.NotAllowed,
        ),
    )
    if submitted.saved:
        flash(f"Saved the agreed score for {bid.reference}")
        return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    return render_form(
        "commissioning/rounds/bid_moderate.html",
        form,
        submitted,
        bid=bid,
        shown=queries.scores_for(bid, current_user),
    )


@bp.route("/bids/<int:bid_id>/decide", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_BIDS)
def bid_decide(bid_id: int):
    """Three steps: the form; the decision checked and stated for confirmation (nothing saved);
    on confirmation, recorded. ``confirmed=no`` goes back to the form with what was typed."""
    bid = chaired_bid(bid_id)
    form = DecideForm()
    summary: list[str] = []
    review: panel.DecisionReview | None = None
    answer = request.form.get("confirmed")
    if form.validate_on_submit() and answer != "no":
        fields = {
            "user": current_user,
            "decision": form.decision.data,
            "reference": form.reference.data,
            "minutes": form.minutes.data,
            "conditions": form.conditions.data,
        }
        try:
            if answer == "yes":
                recorded = panel.decide(bid.id, **fields)
            else:
                review = panel.review_decision(bid.id, **fields)
        except panel.NotAllowed as refused:
            db.session.rollback()
            abort(403, description=refused.message)
        except DomainError as error:
            db.session.rollback()
            summary = show_problems(form, error.problems)
        else:
            if answer == "yes":
                flash(recorded.outcome)
                return redirect(url_for("rounds.bid_detail", bid_id=bid.id))
    status = 400 if form.errors or summary else 200
    return render_template(
        "commissioning/rounds/bid_decide.html",
        bid=bid,
        shown=queries.scores_for(bid, current_user),
        conflicted=queries.conflicted_members(bid),
        decided=bid.decision is not None and bid.decision is not Decision.DEFER,
        review=review,
        form=form,
        summary_problems=summary,
    ), status


@bp.route("/bids/<int:bid_id>/letter.pdf")
@permission_required(Permission.VIEW_COMMISSIONING)
def bid_letter(bid_id: int):
    bid = open_bid(bid_id)
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
