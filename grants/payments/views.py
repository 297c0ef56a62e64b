"""Payments pages: where every pound stands for a year (and its XLSX), recording a payment, and
reversing one recorded by mistake."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from core.problems import DomainError
from extensions import db
from grants.awards import queries as award_queries
from grants.payments import queries, services
from grants.payments.forms import PaymentForm, ReversePaymentForm
from grants.payments.models import GrantPayment
from grants.payments.spreadsheet import XLSX_MIMETYPE, position_workbook
from reference.queries import current_financial_year, list_grant_streams
from web.forms import render_form, show_problems, submit
from web.params import year_or_404

bp = Blueprint("payments", __name__)


@bp.route("/payments")
@permission_required(Permission.VIEW_GRANTS)
def position():
    year = year_or_404(request.args.get("year") or current_financial_year().label)
    years = sorted(set(award_queries.allocation_years()) | {year}, reverse=True)
    return render_template(
        "grants/payments/position.html",
        year=year,
        years=years,
        report=queries.position_report(year, current_user),
        payments=queries.payments_of(year, current_user),
    )


@bp.route("/payments/position-<year>.xlsx")
@permission_required(Permission.VIEW_GRANTS)
def position_xlsx(year: str):
    year = year_or_404(year)
    content = position_workbook(queries.position_report(year, current_user))
    return Response(
        content,
        mimetype=XLSX_MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="where-every-pound-stands-{year}.xlsx"'
        },
    )


@bp.route("/payments/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def payment_new():
    year = year_or_404(request.args.get("year") or current_financial_year().label)
    form = PaymentForm()
    form.recipient.choices = [("", "Choose")] + [
        (o.code, o.name) for o in award_queries.recipients()
    ]
    form.grant.choices = [("", "Choose")] + [(s.code, s.name) for s in list_grant_streams()]
    if request.method == "GET":
        form.recipient.data = request.args.get("recipient")
        form.grant.data = request.args.get("grant")
        form.quarter.data = request.args.get("quarter")
        form.amount.data = request.args.get("amount")
    summary_problems: list[str] = []
    # A date that is not a real date is the form's problem; the service still checks everything
    # else, so every problem shows at once.
    if form.validate_on_submit() or (form.is_submitted() and set(form.errors) <= {"paid_on"}):
        try:
            payment = services.record_payment(
                services.PaymentFields(
                    recipient_code=form.recipient.data,
                    stream_code=form.grant.data,
                    financial_year=year,
                    quarter=form.quarter.data,
                    paid_on=form.paid_on.data,
                    amount=form.amount.data,
                    payment_reference=form.payment_reference.data,
                    notes=form.notes.data,
                ),
                user=current_user,
                today=date.today(),
            )
        except DomainError as error:
            db.session.rollback()
            problems = [
                p for p in error.problems if not (p.column == "paid_on" and form.paid_on.errors)
            ]
            summary_problems = show_problems(form, problems, summary_only=())
        else:
            flash(f"Recorded {payment.reference}")
            return redirect(url_for("payments.position", year=year))
    status = 400 if form.errors or summary_problems else 200
    return render_template(
        "grants/payments/payment_new.html", form=form, year=year, summary_problems=summary_problems
    ), status


@bp.route("/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def payment_reverse(payment_id: int):
    payment: GrantPayment = db.get_or_404(GrantPayment, payment_id)
    form = ReversePaymentForm()
    submitted = submit(
        form, lambda: services.reverse_payment(payment.id, form.reason.data, user=current_user)
    )
    if submitted.saved:
        flash(
            f"Reversed {payment.reference}: it no longer counts as paid, and Q{payment.quarter} "
            "may be paid again"
        )
        return redirect(url_for("payments.position", year=payment.financial_year))
    return render_form("grants/payments/payment_reverse.html", form, submitted, payment=payment)
