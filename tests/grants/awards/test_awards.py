"""Grant awards: each year's Home Office grant, indicative then confirmed, with its conditions as
settings; the list of awards against what has been allocated of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from audit.models import AuditAction, AuditEvent
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.awards.models import GrantAward
from grants.awards.services import AwardFields, confirm_award, create_award, update_award
from grants.vocabulary import AwardStatus
from tests.allocations.helpers import error_summary, page_text, table_rows
from tests.builders import make_spokes, make_user
from tests.grants.awards.builders import (
    YEAR,
    award_form,
    make_allocations,
    make_award,
    make_stream,
    make_year,
    stored_counts,
)


def problems_of(error: pytest.ExceptionInfo[DomainError]) -> dict[str | None, str]:
    return {p.column: p.message for p in error.value.problems}


# --- services -------------------------------------------------------------------------------------


def test_an_award_keeps_its_conditions_as_settings(app):
    make_stream("VRU")

    award = create_award(
        financial_year="2024-25",
        stream_code="vru",
        user=None,
        fields=AwardFields(
            indicative_amount="1,528,667.00",
            award_reference="HO-VRU-24",
            offer_date=date(2024, 3, 1),
            min_match_percent="25",
            min_interventions_percent="60",
            evaluation_percent="5",
            admin_cap_percent="10",
            variance_threshold_percent="15",
            variance_threshold_amount="2500.00",
        ),
    )

    db.session.expire_all()
    assert (award.grant_stream.code, award.financial_year, award.status) == (
        "VRU",
        "2024-25",
        AwardStatus.INDICATIVE,
    )
    assert award.indicative_amount == Decimal("1528667.00")
    assert award.amount == Decimal("1528667.00")
    assert (
        award.min_match_percent,
        award.min_interventions_percent,
        award.evaluation_percent,
        award.admin_cap_percent,
        award.variance_threshold_percent,
    ) == (Decimal("25"), Decimal("60"), Decimal("5"), Decimal("10"), Decimal("15"))
    assert award.variance_threshold_amount == Decimal("2500.00")


def test_the_minimum_match_share_defaults_to_twenty_percent(app):
    award = make_award()

    assert award.min_match_percent == Decimal("20")
    assert award.variance_threshold_percent == Decimal("10")
    assert award.variance_threshold_amount == Decimal("5000.00")


def test_every_problem_with_an_award_is_listed_and_nothing_stored(app):
    make_stream("SVD")
    before = stored_counts()

    with pytest.raises(DomainError) as error:
        create_award(
            financial_year="2024-26",
            stream_code="SVD",
            user=None,
            fields=AwardFields(
                indicative_amount="157181.265",
                status="confirmed",
                min_match_percent="120",
                min_interventions_percent="lots",
                svd_labour_amount="100000.00",
                svd_non_labour_amount="-1.00",
                offer_date=date(2024, 3, 1),
                confirmed_date=date(2024, 2, 1),
            ),
        )

    problems = problems_of(error)
    assert set(problems) >= {
        "financial_year",
        "indicative_amount",
        "confirmed_amount",
        "min_match_percent",
        "min_interventions_percent",
        "svd_non_labour_amount",
        "confirmed_date",
    }
    assert "more than two decimal places" in problems["indicative_amount"]
    assert "between 0 and 100" in problems["min_match_percent"]
    assert stored_counts() == before


def test_svd_labour_and_non_labour_must_add_up_to_the_award(app):
    make_stream("SVD")

    with pytest.raises(DomainError) as error:
        create_award(
            financial_year=YEAR,
            stream_code="SVD",
            user=None,
            fields=AwardFields(
                indicative_amount="157181.26",
                svd_labour_amount="100000.00",
                svd_non_labour_amount="57181.25",
            ),
        )

    assert problems_of(error)["svd_labour_amount"] == (
        "labour £100,000.00 and non-labour £57,181.25 add up to £157,181.25, not the award's "
        "£157,181.26"
    )


def test_svd_split_that_adds_up_is_kept(app):
    award = make_award(
        stream="SVD", svd_labour_amount="100000.00", svd_non_labour_amount="57181.26"
    )

    assert (award.svd_labour_amount, award.svd_non_labour_amount) == (
        Decimal("100000.00"),
        Decimal("57181.26"),
    )


def test_only_svd_is_split_into_labour_and_non_labour(app):
    make_stream("VRU")

    with pytest.raises(DomainError) as error:
        create_award(
            financial_year=YEAR,
            stream_code="VRU",
            user=None,
            fields=AwardFields(indicative_amount="1000.00", svd_labour_amount="500.00"),
        )

    assert "only the SVD grant" in problems_of(error)["svd_labour_amount"]


def test_one_award_per_grant_and_year(app):
    make_award()

    with pytest.raises(DomainError) as error:
        make_award()

    assert problems_of(error)["grant_stream"] == (
        "there is already a VRU award for 2024-25; edit it instead"
    )


def test_confirming_an_award_is_audited_with_a_reason(app):
    award = make_award(indicative="1500000.00")

    confirm_award(
        award.id,
        confirmed_amount="1528667.00",
        confirmed_date=date(2025, 2, 14),
        lock_version=award.lock_version,
        user=None,
    )

    db.session.expire_all()
    assert award.status is AwardStatus.CONFIRMED
    assert (award.confirmed_amount, award.amount) == (Decimal("1528667.00"), Decimal("1528667.00"))
    assert award.indicative_amount == Decimal("1500000.00")
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.table_name == "grant_awards", AuditEvent.action == AuditAction.UPDATE
        )
    ).one()
    assert event.before["status"] == "indicative"
    assert event.after["status"] == "confirmed"
    assert event.after["confirmed_amount"] == "1528667.00"
    assert event.reason == (
        "VRU 2024-25 award confirmed at £1,528,667.00 (indicative "
        "£1,500,000.00); re-run the formula on the confirmed pot"
    )


def test_confirming_svd_checks_the_split_against_the_confirmed_amount(app):
    award = make_award(
        stream="SVD",
        indicative="150000.00",
        svd_labour_amount="100000.00",
        svd_non_labour_amount="50000.00",
    )

    with pytest.raises(DomainError) as error:
        confirm_award(
            award.id,
            confirmed_amount="157181.26",
            confirmed_date=None,
            lock_version=None,
            user=None,
        )
    assert "not the award's £157,181.26" in problems_of(error)["svd_labour_amount"]

    confirm_award(
        award.id,
        confirmed_amount="157181.26",
        confirmed_date=None,
        lock_version=None,
        user=None,
        svd_non_labour_amount="57181.26",
    )
    db.session.expire_all()
    assert award.svd_non_labour_amount == Decimal("57181.26")
    assert award.confirmed_date == date.today()


def test_a_confirmed_award_cannot_be_confirmed_again_or_go_back(app):
    award = make_award(confirmed="1528667.00")

    with pytest.raises(DomainError, match="already confirmed"):
        confirm_award(
            award.id, confirmed_amount="1.00", confirmed_date=None, lock_version=None, user=None
        )
    with pytest.raises(DomainError) as error:
        update_award(
            award.id,
            lock_version=None,
            user=None,
            fields=AwardFields(indicative_amount="1528667.00", status="indicative"),
        )
    assert problems_of(error)["status"] == "a confirmed award cannot go back to indicative"


def test_a_closed_award_cannot_change(app):
    award = make_award(closed=True)

    with pytest.raises(DomainError, match="closed for the year"):
        update_award(
            award.id, lock_version=None, user=None, fields=AwardFields(indicative_amount="1.00")
        )


# --- concurrent edits ---------------------------------------------------------------------------


def test_an_edit_from_a_stale_form_is_refused(app):
    award = make_award()
    loaded = award.lock_version
    update_award(
        award.id, lock_version=loaded, user=None, fields=AwardFields(indicative_amount="1500000.00")
    )

    with pytest.raises(DomainError) as error:
        update_award(
            award.id,
            lock_version=loaded,
            user=None,
            fields=AwardFields(indicative_amount="1400000.00"),
        )

    assert problems_of(error)["lock_version"] == (
        "Someone else saved this award since you opened it. Reload the page to see their "
        "changes; nothing of yours was saved."
    )
    db.session.expire_all()
    assert award.indicative_amount == Decimal("1500000.00")


def test_a_save_that_lands_between_read_and_write_is_refused(app):
    # Another process saves after this one has read the award: the UPDATE matches no row at
    # the version it read, and SQLAlchemy's version counter turns that into a refusal.
    award = make_award()
    db.session.get(GrantAward, award.id)
    with db.engine.begin() as other:
        other.execute(
            text(
                "UPDATE grant_awards SET lock_version = lock_version + 1, "
                "notes = 'theirs' WHERE id = :id"
            ),
            {"id": award.id},
        )

    with pytest.raises(DomainError, match="Someone else saved this award"):
        update_award(
            award.id,
            lock_version=None,
            user=None,
            fields=AwardFields(indicative_amount="1.00", notes="mine"),
        )

    db.session.expire_all()
    assert (award.notes, award.indicative_amount) == ("theirs", Decimal("1528667.00"))


def test_the_edit_page_refuses_a_stale_form(client, sign_in):
    sign_in(make_user(role=Role.FINANCE))
    award = make_award()
    stale = award.lock_version
    client.post(
        f"/grants/{award.id}/edit", data=award_form(lock_version=str(stale), notes="first save")
    )

    response = client.post(
        f"/grants/{award.id}/edit", data=award_form(lock_version=str(stale), notes="second save")
    )

    assert response.status_code == 400
    assert "Someone else saved this award since you opened it" in error_summary(
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert award.notes == "first save"


# --- pages ---------------------------------------------------------------------------------------


def test_finance_records_an_award_through_the_form(client, sign_in):
    make_stream("VRU")
    sign_in(make_user(role=Role.FINANCE))

    response = client.post("/grants/new", data=award_form())

    award = db.session.scalar(select(GrantAward))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/grants/{award.id}"
    assert (award.indicative_amount, award.award_reference, award.offer_date) == (
        Decimal("1528667.00"),
        "HO-VRU-2024-25",
        date(2024, 3, 1),
    )
    assert award.min_interventions_percent == Decimal("60")


def test_the_award_form_shows_every_problem_and_stores_nothing(client, sign_in):
    make_stream("VRU")
    sign_in(make_user(role=Role.FINANCE))
    before = stored_counts()

    response = client.post(
        "/grants/new",
        data=award_form(
            indicative_amount="10.005",
            min_match_percent="",
            evaluation_percent="101",
            variance_threshold_amount="-5",
            svd_labour_amount="10.00",
        ),
    )

    assert response.status_code == 400
    summary = error_summary(response.get_data(as_text=True))
    assert "The indicative amount: '10.005' has more than two decimal places" in summary
    assert "Enter the minimum match share" in summary
    assert "The evaluation share must be between 0 and 100 percent" in summary
    assert "The variance threshold amount must not be negative" in summary
    assert "Only the SVD grant is split into labour and non-labour" in summary
    assert stored_counts() == before


def test_a_part_filled_date_is_refused_not_dropped(client, sign_in):
    make_stream("VRU")
    sign_in(make_user(role=Role.FINANCE))

    response = client.post("/grants/new", data=award_form(offer_date=["", "3", "2024"]))

    assert response.status_code == 400
    assert "Enter date of the offer as a real date, for example 27 3 2024" in error_summary(
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(GrantAward)) is None


def test_the_award_list_shows_each_year_against_its_allocations(client, sign_in):
    make_year()  # 2024-25, confirmed, allocations matching
    make_award(year="2025-26", indicative="1600000.00")
    make_allocations(year="2025-26")
    make_award(stream="SVD", year="2025-26", confirmed="157181.26")
    make_allocations(
        stream="SVD", year="2025-26", amounts={"hub": "30000.00", "bristol": "127181.25"}
    )
    sign_in(make_user(role=Role.FINANCE))

    html = client.get("/grants").get_data(as_text=True)

    rows = table_rows(html, "awards-2024-25")
    assert rows[1][:5] == ["SVD", "Confirmed", "£157,181.26", "£157,181.26", "£157,181.26"]
    assert rows[1][5] == "Matches"
    assert rows[2][:5] == ["VRU", "Confirmed", "£1,528,667.00", "£1,528,667.00", "£1,528,667.00"]
    later = table_rows(html, "awards-2025-26")
    assert later[1][:5] == ["SVD", "Confirmed", "£157,181.26", "£157,181.26", "£157,181.25"]
    assert later[1][5] == "-£0.01 Does not match the award"
    assert later[2][:5] == ["VRU", "Indicative", "£1,600,000.00", "–", "£1,528,667.00"]
    assert later[2][5] == "-£71,333.00 Differs from the indicative"
    assert "Match at least 20%" in later[2][6]


def test_the_award_page_lists_allocations_and_variations(client, sign_in):
    award = make_year()["VRU"]
    from grants.awards.variations import record_reallocation

    record_reallocation(
        financial_year=YEAR,
        stream_code="VRU",
        from_code="hub",
        to_code="bristol",
        amount="1530.04",
        reason="Hub posts unfilled",
        decision_reference="PCC-DN-2024-077",
        user=None,
        quarter=3,
    )
    sign_in(make_user(role=Role.FINANCE))

    html = client.get(f"/grants/{award.id}").get_data(as_text=True)

    rows = table_rows(html, "award-allocations")
    assert rows[1][:2] == ["VRP Hub (top slice)", "£304,203.36"]
    assert rows[3][:2] == ["Bristol", "£401,530.04"]
    assert rows[-2][:2] == ["Total allocated", "£1,528,667.00"]
    assert rows[-1][1] == "Matches"
    variations = page_text(html, testid="variations")
    assert "Moved from VRP Hub to Bristol" in variations
    assert "Hub posts unfilled" in variations and "PCC-DN-2024-077" in variations


def test_confirming_on_the_page_tells_finance_to_rerun_the_formula(client, sign_in):
    award = make_award(indicative="1500000.00")
    make_allocations(amounts={"hub": "300000.00", "bristol": "1200000.00"})
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/grants/{award.id}/confirm",
        data={
            "confirmed_amount": "1528667.00",
            "confirmed_date": ["14", "2", "2025"],
            "lock_version": str(award.lock_version),
            "submit": "Confirm the award",
        },
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302
    assert "Re-run the formula on the confirmed pot" in html
    note = page_text(html, testid="rerun-note")
    assert "add up to £1,500,000.00, not the confirmed £1,528,667.00" in note
    assert 'href="/runs/new"' in html
    db.session.expire_all()
    assert (award.status, award.confirmed_date) == (AwardStatus.CONFIRMED, date(2025, 2, 14))


def test_a_bad_confirmation_answers_400_and_changes_nothing(client, sign_in):
    award = make_award()
    sign_in(make_user(role=Role.FINANCE))
    before = stored_counts()

    response = client.post(
        f"/grants/{award.id}/confirm",
        data={
            "confirmed_amount": "abc",
            "lock_version": str(award.lock_version),
            "submit": "Confirm the award",
        },
    )

    assert response.status_code == 400
    assert "The confirmed amount: 'abc' is not a number" in error_summary(
        response.get_data(as_text=True)
    )
    assert stored_counts() == before


def test_the_edit_form_is_filled_in_with_the_award(client, sign_in):
    award = make_award(award_reference="HO-1", min_interventions_percent="60")
    sign_in(make_user(role=Role.FINANCE))

    html = client.get(f"/grants/{award.id}/edit").get_data(as_text=True)

    assert 'value="1528667.00"' in html
    assert 'value="HO-1"' in html
    assert 'value="60"' in html
    assert f'name="lock_version" type="hidden" value="{award.lock_version}"' in html


def test_a_spoke_lead_sees_their_own_allocation_not_the_others(client, sign_in):
    award = make_year()["VRU"]
    sign_in(make_user(role=Role.SPOKE, spoke=make_spokes()["bristol"]))

    listing = client.get("/grants").get_data(as_text=True)
    detail = client.get(f"/grants/{award.id}").get_data(as_text=True)

    assert table_rows(listing, "awards-2024-25")[2][:5] == [
        "VRU",
        "Confirmed",
        "£1,528,667.00",
        "£1,528,667.00",
        "£400,000.00",
    ]
    assert [row[0] for row in table_rows(detail, "award-allocations")[1:]] == ["Bristol"]
    assert "North Somerset" not in detail and "South Gloucestershire" not in detail
    assert "Total allocated" not in detail
    assert "Confirm the award" not in detail and "Edit the award" not in detail
