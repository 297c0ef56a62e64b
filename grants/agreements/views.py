"""Pages for grant agreements (the ``agreements`` blueprint): list, draft, edit the draft, issue,
sign, vary, and the agreement document as a PDF.

Spoke leads read their own spoke's agreements only (another spoke's by URL answers 403);
finance changes them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from auth.scoping import ensure_spoke_visible
from exports.pdfs import render_pdf
from extensions import db
from grants.agreements import queries, services
from grants.agreements.forms import (
    AgreementForm,
    IssueAgreementForm,
    SignAgreementForm,
    VaryAgreementForm,
)
from grants.agreements.models import GrantAgreement
from grants.awards import queries as award_queries
from grants.vocabulary import AgreementStatus
from reference.queries import current_financial_year
from web.forms import render_form, submit
from web.params import year_or_404

bp = Blueprint("agreements", __name__)


@bp.route("/agreements")
@permission_required(Permission.VIEW_GRANTS)
def agreement_list():
    year = year_or_404(request.args.get("year"))
    agreements = queries.agreements_for(current_user, financial_year=year)
    return render_template(
        "grants/agreements/agreement_list.html",
        year=year,
        years=award_queries.allocation_years(),
        agreements=agreements,
        totals=queries.current_version_totals(agreements),
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def agreement_new():
    form = AgreementForm()
    years = award_queries.allocation_years() or [current_financial_year().label]
    form.financial_year.choices = [(y, y) for y in years]
    form.recipient.choices = [("", "Choose a spoke")] + [
        (o.code, o.name) for o in award_queries.recipients(spokes_only=True)
    ]
    del form.lock_version
    if request.method == "GET":
        form.financial_year.data = request.args.get("year") or years[0]
        form.recipient.data = request.args.get("spoke")

    def draft() -> GrantAgreement:
        return services.create_agreement(
            financial_year=form.financial_year.data,
            recipient_code=form.recipient.data,
            fields=_agreement_fields(form),
            user=current_user,
        )

    submitted = submit(form, draft)
    if submitted.saved:
        agreement = submitted.result
        flash(f"Drafted agreement {agreement.reference}")
        return redirect(url_for("agreements.agreement_detail", agreement_id=agreement.id))
    return render_form("grants/agreements/agreement_new.html", form, submitted)


@bp.route("/agreements/<int:agreement_id>")
@permission_required(Permission.VIEW_GRANTS)
def agreement_detail(agreement_id: int):
    agreement = _visible_agreement(agreement_id)
    return _render_detail(agreement)


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def agreement_edit(agreement_id: int):
    agreement = db.get_or_404(GrantAgreement, agreement_id)
    form = AgreementForm()
    del form.financial_year
    del form.recipient
    if request.method == "GET":
        form.process(
            data={
                "payment_schedule": agreement.payment_schedule.value,
                "conditions": agreement.conditions,
                "opcc_signatory": agreement.opcc_signatory,
                "recipient_signatory": agreement.recipient_signatory,
                "lock_version": agreement.lock_version,
            }
        )

    def save() -> None:
        services.update_agreement(
            agreement.id,
            fields=_agreement_fields(form),
            lock_version=form.lock_version.data,
            user=current_user,
        )

    submitted = submit(form, save)
    if submitted.saved:
        flash(f"Saved the draft agreement {agreement.reference}")
        return redirect(url_for("agreements.agreement_detail", agreement_id=agreement.id))
    return render_form(
        "grants/agreements/agreement_edit.html", form, submitted, agreement=agreement
    )


@bp.route("/agreements/<int:agreement_id>/issue", methods=["POST"])
@permission_required(Permission.MANAGE_GRANTS)
def agreement_issue(agreement_id: int):
    agreement = db.get_or_404(GrantAgreement, agreement_id)
    form = IssueAgreementForm()

    def issue() -> None:
        services.issue_agreement(
            agreement.id,
            issued_on=form.issued_on.data,
            opcc_signatory=form.opcc_signatory.data,
            lock_version=form.lock_version.data,
            user=current_user,
        )

    submitted = submit(form, issue)
    if submitted.saved:
        flash(f"Issued agreement {agreement.reference} for signature")
        return redirect(url_for("agreements.agreement_detail", agreement_id=agreement.id))
    return _render_detail(
        agreement, issue_form=form, failed=form, summary_problems=submitted.summary_problems
    )


@bp.route("/agreements/<int:agreement_id>/sign", methods=["POST"])
@permission_required(Permission.MANAGE_GRANTS)
def agreement_sign(agreement_id: int):
    agreement = db.get_or_404(GrantAgreement, agreement_id)
    form = SignAgreementForm()

    def sign() -> None:
        services.sign_agreement(
            agreement.id,
            signed_on=form.signed_on.data,
            recipient_signatory=form.recipient_signatory.data,
            lock_version=form.lock_version.data,
            user=current_user,
        )

    submitted = submit(form, sign)
    if submitted.saved:
        flash(f"Recorded the signed agreement {agreement.reference}")
        return redirect(url_for("agreements.agreement_detail", agreement_id=agreement.id))
    return _render_detail(
        agreement, sign_form=form, failed=form, summary_problems=submitted.summary_problems
    )


@bp.route("/agreements/<int:agreement_id>/vary", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_GRANTS)
def agreement_vary(agreement_id: int):
    agreement = db.get_or_404(GrantAgreement, agreement_id)
    form = VaryAgreementForm()
    if request.method == "GET":
        form.process(
            data={"conditions": agreement.conditions, "lock_version": agreement.lock_version}
        )

    def vary() -> GrantAgreement:
        return services.vary_agreement(
            agreement.id,
            variation_reason=form.variation_reason.data,
            conditions=form.conditions.data,
            lock_version=form.lock_version.data,
            user=current_user,
        )

    submitted = submit(form, vary)
    if submitted.saved:
        new = submitted.result
        flash(
            f"Started version {new.version}; version {agreement.version} is kept as "
            f"varied. Issue the new version for signature when it is ready."
        )
        return redirect(url_for("agreements.agreement_detail", agreement_id=new.id))
    return render_form(
        "grants/agreements/agreement_vary.html",
        form,
        submitted,
        agreement=agreement,
        current=award_queries.current_amounts(agreement.recipient_id, agreement.financial_year),
    )


@bp.route("/agreements/<int:agreement_id>/agreement.pdf")
@permission_required(Permission.VIEW_GRANTS)
def agreement_pdf(agreement_id: int):
    agreement = _visible_agreement(agreement_id)
    html = render_template(
        "pdf/grant_agreement.html", document=queries.agreement_document(agreement)
    )
    filename = (
        f"grant-agreement-{agreement.recipient.code}-{agreement.financial_year}"
        f"-v{agreement.version}.pdf"
    )
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _visible_agreement(agreement_id: int) -> GrantAgreement:
    agreement: GrantAgreement = db.get_or_404(GrantAgreement, agreement_id)
    ensure_spoke_visible(current_user, agreement.recipient)
    return agreement


def _render_detail(
    agreement: GrantAgreement,
    *,
    issue_form: IssueAgreementForm | None = None,
    sign_form: SignAgreementForm | None = None,
    failed: Any = None,
    summary_problems: list[str] | None = None,
) -> Any:
    if failed is not None:
        db.session.refresh(agreement)
    lock = {"lock_version": agreement.lock_version}
    return render_template(
        "grants/agreements/agreement_detail.html",
        agreement=agreement,
        document=queries.agreement_document(agreement),
        versions=queries.agreement_versions(agreement.recipient_id, agreement.financial_year),
        current=award_queries.current_amounts(agreement.recipient_id, agreement.financial_year),
        issue_form=issue_form
        or IssueAgreementForm(
            formdata=None, data={**lock, "opcc_signatory": agreement.opcc_signatory}
        ),
        sign_form=sign_form
        or SignAgreementForm(
            formdata=None, data={**lock, "recipient_signatory": agreement.recipient_signatory}
        ),
        form=failed,
        summary_problems=summary_problems or [],
        AgreementStatus=AgreementStatus,
    ), 400 if failed is not None else 200


def _agreement_fields(form: AgreementForm) -> services.AgreementFields:
    return services.AgreementFields(
        payment_schedule=form.payment_schedule.data,
        conditions=form.conditions.data,
        opcc_signatory=form.opcc_signatory.data,
        recipient_signatory=form.recipient_signatory.data,
    )
