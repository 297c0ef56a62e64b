"""Providers on the web: the list with what expires in the next 60 days, one provider with its
due-diligence checklist (saying which items block a contract), registering a provider and
recording a check. Parse, check permission, one service, render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from commissioning.providers import queries, services
from commissioning.providers.diligence import CHECK_NAMES, CHECKS
from commissioning.providers.forms import CheckForm, ProviderForm
from commissioning.providers.models import Provider
from extensions import db
from web.forms import render_form, submit

bp = Blueprint("providers", __name__, url_prefix="/commissioning/providers")
FIELDS = tuple(services.ProviderInput.__dataclass_fields__)


@bp.route("")
@permission_required(Permission.VIEW_PROVIDERS)
def provider_list():
    today = date.today()
    providers = queries.providers()
    return render_template(
        "commissioning/providers/provider_list.html",
        providers=providers,
        blockers={p.id: queries.blockers_for(p, today) for p in providers},
        expiring=queries.expiring_soon(today),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_PROVIDERS)
def provider_new():
    form = ProviderForm()
    submitted = submit(form, lambda: services.create_provider(_typed(form), user=current_user))
    if submitted.saved:
        provider = submitted.result
        flash(f"Registered {provider.name}")
        return redirect(url_for("providers.provider_detail", provider_id=provider.id))
    return render_form("commissioning/providers/provider_new.html", form, submitted)


@bp.route("/<int:provider_id>")
@permission_required(Permission.VIEW_PROVIDERS)
def provider_detail(provider_id: int):
    provider: Provider = db.get_or_404(Provider, provider_id)
    today = date.today()
    return render_template(
        "commissioning/providers/provider_detail.html",
        provider=provider,
        checks={c.kind: c for c in provider.checks},
        CHECKS=CHECKS,
        blockers=queries.blockers_for(provider, today),
        expiring={
            e.check_name for e in queries.expiring_soon(today) if e.provider.id == provider.id
        },
    )


@bp.route("/<int:provider_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_PROVIDERS)
def provider_edit(provider_id: int):
    provider: Provider = db.get_or_404(Provider, provider_id)
    form = ProviderForm()
    if request.method == "GET":
        form.process(
            data={name: getattr(provider, name, None) for name in FIELDS}
            | {"name": provider.name, "org_identifier": provider.org_identifier}
        )
    submitted = submit(
        form, lambda: services.update_provider(provider.id, _typed(form), user=current_user)
    )
    if submitted.saved:
        flash(f"Saved {provider.name}")
        return redirect(url_for("providers.provider_detail", provider_id=provider.id))
    return render_form(
        "commissioning/providers/provider_new.html", form, submitted, provider=provider
    )


def _typed(form: ProviderForm) -> services.ProviderInput:
    return services.ProviderInput(**{name: form[name].data for name in FIELDS})


@bp.route("/<int:provider_id>/checks/<kind>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_PROVIDERS)
def check_edit(provider_id: int, kind: str):
    provider: Provider = db.get_or_404(Provider, provider_id)
    if kind not in CHECK_NAMES:
        abort(404)
    form = CheckForm()
    existing = next((c for c in provider.checks if c.kind == kind), None)
    if not form.is_submitted() and existing is not None:
        form.evidence.data = existing.evidence
        form.checked_on.data = existing.checked_on
        form.expires_on.data = existing.expires_on
    submitted = submit(
        form,
        lambda: services.record_check(
            provider.id,
            kind,
            services.CheckInput(form.evidence.data, form.checked_on.data, form.expires_on.data),
            user=current_user,
            today=date.today(),
        ),
    )
    if submitted.saved:
        flash(f"Saved the {CHECK_NAMES[kind].lower()} check")
        return redirect(url_for("providers.provider_detail", provider_id=provider.id))
    return render_form(
        "commissioning/providers/check_edit.html",
        form,
        submitted,
        provider=provider,
        check_name=CHECK_NAMES[kind],
    )
