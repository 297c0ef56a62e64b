"""Setting up a partnership from nothing: ``vrp setup`` from a file, idempotent, all or nothing;
and the administrator's pages that add, rename and close spokes and grant streams."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.roles import Role
from extensions import db
from grants.plans.models import DeliveryPlan
from grants.vocabulary import ReviewStatus
from reference.models import (
    FinancialYearRecord,
    GrantStream,
    Organisation,
    OrganisationKind,
    Partnership,
)
from tests.builders import make_user

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "partnerships"
AVON = str(EXAMPLES / "avon-and-somerset.toml")
THREE = str(EXAMPLES / "three-spokes.toml")


def setup(runner, *args):
    return runner.invoke(args=["setup", *args])


def spokes() -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Organisation.name)
            .where(Organisation.kind == OrganisationKind.SPOKE)
            .order_by(Organisation.name)
        )
    )


def counts() -> tuple[int, int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]
        for model in (Partnership, Organisation, GrantStream, FinancialYearRecord, AuditEvent)
    )


@pytest.mark.parametrize(
    ("path", "spoke_count", "streams"),
    [
        (AVON, 5, ["SVD", "VRU"]),
        (THREE, 3, ["HOTSPOT", "VRU"]),
    ],
)
def test_setup_from_each_example_twice_changes_nothing_the_second_time(
    runner, path, spoke_count, streams
):
    first = setup(runner, path)
    after_first = counts()
    second = setup(runner, path)

    assert first.exit_code == 0, first.output
    assert "Created spoke" in first.output
    assert len(spokes()) == spoke_count
    assert list(db.session.scalars(select(GrantStream.code).order_by(GrantStream.code))) == streams
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert counts() == after_first  # not even an audit event


def test_a_new_partnership_can_have_its_first_spoke_lead_at_once(runner):
    setup(runner, THREE)

    result = runner.invoke(
        args=["users", "create", "lead@eastmere.example", "--role", "spoke", "--spoke", "eastmere"],
        input="a-long-enough-secret\n",
    )

    assert result.exit_code == 0, result.output
    assert "Spoke lead for Eastmere District Council" in result.output


def test_the_header_shows_the_partnership_from_its_set_up(runner, client, sign_in):
    setup(runner, THREE)
    sign_in(make_user(role=Role.ADMIN))

    html = client.get("/").get_data(as_text=True)

    assert "Three Rivers Violence Reduction Unit" in html


def test_a_changed_file_updates_in_place_and_leaves_unlisted_spokes_alone(runner, tmp_path):
    setup(runner, THREE)
    changed = (
        Path(THREE)
        .read_text(encoding="utf-8")
        .replace('name = "Eastmere District Council"', 'name = "Eastmere Borough Council"')
        .replace('[[spokes]]\ncode = "southford"', '[[spokes]]\ncode = "westport"')
    )
    (tmp_path / "p.toml").write_text(changed, encoding="utf-8")

    result = setup(runner, str(tmp_path / "p.toml"))

    assert result.exit_code == 0, result.output
    assert (
        "Updated spoke Eastmere Borough Council (eastmere): name 'Eastmere District "
        "Council' -> 'Eastmere Borough Council'" in result.output
    )
    assert "Created spoke Southford City Council (westport)" in result.output
    assert (
        "Left as it is: spoke Southford City Council (southford), not in the file" in result.output
    )
    assert len(spokes()) == 4
    renamed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.table_name == "organisations", AuditEvent.action == "update"
        )
    )
    assert renamed.reason == "partnership set-up file"


def test_a_dry_run_says_what_would_change_and_writes_nothing(runner):
    result = setup(runner, THREE, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Would create spoke Northbank Borough Council (northbank)" in result.output
    assert "Dry run: nothing was written." in result.output
    assert counts() == (0, 0, 0, 0, 0)


def test_a_bad_file_lists_every_problem_with_its_line_and_writes_nothing(runner, tmp_path):
    text = Path(THREE).read_text(encoding="utf-8")
    text = text.replace('code = "eastmere"', 'code = "northbank"').replace(
        'name = "Southford City Council"', 'nmae = "Southford City Council"'
    )
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")

    result = setup(runner, str(tmp_path / "bad.toml"))

    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert "bad.toml, line 30: unknown key 'nmae' in a spoke" in result.output
    assert "bad.toml, line 28: spoke 3 has no name" in result.output
    assert "bad.toml, line 23: the code 'northbank' is used twice" in result.output
    assert "Traceback" not in result.output
    assert counts() == (0, 0, 0, 0, 0)


def test_a_code_cannot_change_kind(runner, tmp_path):
    setup(runner, THREE)
    text = Path(THREE).read_text(encoding="utf-8").replace('code = "northbank"', 'code = "hub"')
    text = text.replace('[hub]\ncode = "hub"', '[hub]\ncode = "centre"')
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    before = counts()

    result = setup(runner, str(tmp_path / "p.toml"))

    assert result.exit_code == 1
    assert "the code 'hub' already belongs to Three Rivers VRU Hub (VRP Hub)" in result.output
    assert counts() == before


def test_closing_a_spoke_in_the_file_is_refused_while_it_has_an_open_plan(runner, tmp_path):
    setup(runner, THREE)
    northbank = db.session.scalar(select(Organisation).where(Organisation.code == "northbank"))
    db.session.add(
        DeliveryPlan(recipient=northbank, financial_year="2025-26", status=ReviewStatus.DRAFT)
    )
    db.session.commit()
    text = (
        Path(THREE)
        .read_text(encoding="utf-8")
        .replace('org_id = "GB-LAE-NBK"', 'org_id = "GB-LAE-NBK"\nclosed_from = "2026-27"')
    )
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")

    result = setup(runner, str(tmp_path / "p.toml"))

    assert result.exit_code == 1
    assert (
        "Northbank Borough Council's 2025-26 delivery plan (version 1) is draft: approve it first"
    ) in result.output
    db.session.expire_all()
    assert (
        db.session.scalar(select(Organisation.closed_from).where(Organisation.code == "northbank"))
        is None
    )


# --- the administrator's pages ------------------------------------------------------------------


@pytest.fixture
def admin_client(runner, client, sign_in):
    setup(runner, THREE)
    sign_in(make_user(role=Role.ADMIN))
    return client


def test_only_administrators_open_the_set_up_pages(runner, client, sign_in):
    setup(runner, THREE)
    sign_in(make_user(role=Role.FINANCE))

    assert client.get("/admin/partnership/").status_code == 403
    assert (
        client.post("/admin/partnership/spokes/new", data={"code": "x", "name": "X"}).status_code
        == 403
    )


def test_the_overview_lists_spokes_streams_and_years(admin_client):
    html = admin_client.get("/admin/partnership/").get_data(as_text=True)

    for text in (
        "Northbank Borough Council",
        "Hotspot policing grant",
        "2025-26",
        "current",
        "from 2025-26",
    ):
        assert text in html


def test_an_administrator_adds_renames_and_closes_a_spoke(admin_client):
    added = admin_client.post(
        "/admin/partnership/spokes/new",
        data={
            "code": "westport",
            "name": "Westport Council",
            "org_id": "GB-LAE-WPT",
            "colour": "#123456",
            "active_from": "2025-26",
        },
    )
    renamed = admin_client.post(
        "/admin/partnership/spokes/westport/edit",
        data={"name": "Westport City Council", "org_id": "GB-LAE-WPT", "colour": "#123456"},
    )
    closed = admin_client.post(
        "/admin/partnership/spokes/westport/close",
        data={"closed_from": "2026-27", "reason": "Merged into Southford"},
    )

    assert (added.status_code, renamed.status_code, closed.status_code) == (302, 302, 302)
    westport = db.session.scalar(select(Organisation).where(Organisation.code == "westport"))
    db.session.refresh(westport)
    assert (westport.name, westport.closed_from, westport.active) == (
        "Westport City Council",
        "2026-27",
        False,
    )
    assert westport.takes_part_in("2025-26") and not westport.takes_part_in("2026-27")
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.table_name == "organisations", AuditEvent.record_label == "westport")
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action.value for e in events] == ["create", "update", "update"]
    assert events[-1].reason == "Merged into Southford"


def test_the_spoke_form_names_each_bad_field(admin_client):
    response = admin_client.post(
        "/admin/partnership/spokes/new",
        data={"code": "North Bank", "name": "", "colour": "blue", "active_from": "2025"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the spoke&#39;s name" in html or "Enter the spoke's name" in html
    assert "lowercase letters, digits and hyphens" in html
    assert "#rrggbb" in html
    assert len(spokes()) == 3


def test_closing_a_spoke_with_open_work_is_refused_on_the_page(admin_client):
    northbank = db.session.scalar(select(Organisation).where(Organisation.code == "northbank"))
    db.session.add(
        DeliveryPlan(recipient=northbank, financial_year="2025-26", status=ReviewStatus.SUBMITTED)
    )
    db.session.commit()

    response = admin_client.post(
        "/admin/partnership/spokes/northbank/close",
        data={"closed_from": "2026-27", "reason": "Boundary change"},
    )

    assert response.status_code == 400
    assert "2025-26 delivery plan (version 1) is submitted" in response.get_data(as_text=True)
    db.session.refresh(northbank)
    assert northbank.active


def test_an_administrator_adds_and_closes_a_grant_stream_and_adds_a_year(admin_client):
    admin_client.post(
        "/admin/partnership/streams/new",
        data={"code": "yjb", "name": "Youth justice grant", "active_from": "2025-26"},
    )
    admin_client.post(
        "/admin/partnership/streams/YJB/close",
        data={"closed_from": "2027-28", "reason": "Grant ended"},
    )
    admin_client.post(
        "/admin/partnership/years", data={"financial_year": "2026-27", "make_current": "y"}
    )

    stream = db.session.scalar(select(GrantStream).where(GrantStream.code == "YJB"))
    assert (stream.name, stream.closed_from, stream.active) == (
        "Youth justice grant",
        "2027-28",
        False,
    )
    current = db.session.scalar(
        select(FinancialYearRecord.label).where(FinancialYearRecord.is_current.is_(True))
    )
    assert current == "2026-27"


def test_adding_a_year_already_set_up_says_so_and_audits_nothing(admin_client):
    admin_client.post(
        "/admin/partnership/years", data={"financial_year": "2026-27"}, follow_redirects=True
    )
    before = db.session.scalar(select(func.count(AuditEvent.id)))

    response = admin_client.post(
        "/admin/partnership/years", data={"financial_year": "2026-27"}, follow_redirects=True
    )

    html = response.get_data(as_text=True)
    assert "2026-27 is already set up" in html
    assert "Added 2026-27" not in html
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
