"""Reach per intervention on a sheet of the quarterly return: the template lists the spoke's
interventions; an import sets each one's quarter in the same transaction as the return, and a
bad cell on the sheet refuses the whole file."""

from __future__ import annotations

from decimal import Decimal

from python_calamine import CalamineWorkbook
from sqlalchemy import select

from commissioning.interventions.models import Intervention, InterventionReach
from commissioning.interventions.return_sheet import COLUMNS
from commissioning.vocabulary import Level
from exports.spreadsheets import write_xlsx
from extensions import db
from grants.returns.models import QuarterlyReturn
from reference.models import Organisation
from tests.grants.returns.builders import import_args


def _open_return() -> QuarterlyReturn:
    return next(
        r
        for r in db.session.scalars(
            select(QuarterlyReturn).where(QuarterlyReturn.financial_year == "2024-25")
        )
        if r.status.is_editable and r.recipient.kind.value == "spoke"
    )


def _cell(value: object) -> object:
    """Cells read back as written: calamine gives numbers as floats; money as Decimal."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    return None if value == "" else value


def _sheets(content: bytes) -> dict[str, list[list[object]]]:
    import io

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_the_return_carries_an_interventions_sheet_and_imports_it(demo, runner, tmp_path):
    ret = _open_return()
    spoke = db.session.get(Organisation, ret.recipient_id)
    mentoring = Intervention(
        name="Mentoring in 2024-25",
        financial_year="2024-25",
        intervention_type="targeted_mentors",
        level=Level.TARGETED,
        spokes=[spoke],
        annual_cost=Decimal("0.00"),
    )
    db.session.add(mentoring)
    db.session.commit()
    out = tmp_path / "return.xlsx"
    args = ["--spoke", spoke.code, "--grant", ret.grant_stream.code, "--year", "2024-25"]
    made = runner.invoke(
        args=["returns", "template", *args, "--quarter", str(ret.quarter), "--out", str(out)]
    )
    assert made.exit_code == 0, made.output
    sheets = _sheets(out.read_bytes())
    assert sheets["Interventions"][0] == list(COLUMNS)
    assert [row[1] for row in sheets["Interventions"][1:]] == ["Mentoring in 2024-25"]

    def with_reach(*cells: object) -> bytes:
        sheets["Interventions"] = [list(COLUMNS), [mentoring.id, mentoring.name, *cells]]
        return write_xlsx(
            {name: [[_cell(c) for c in r] for r in rows] for name, rows in sheets.items()}
        )

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(with_reach(0, 4, 6, 2, 1, "many", 3))
    refused = runner.invoke(args=import_args(bad, spoke.code))
    assert refused.exit_code != 0
    assert "Interventions sheet, row 2, column reach_professionals" in refused.output
    assert db.session.scalar(select(InterventionReach).where(
        InterventionReach.intervention_id == mentoring.id
    )) is None  # fmt: skip

    good = tmp_path / "good.xlsx"
    good.write_bytes(with_reach(0, 4, 6, 2, 1, 5, 3))
    imported = runner.invoke(args=import_args(good, spoke.code))
    assert imported.exit_code == 0, imported.output
    reach = db.session.scalar(
        select(InterventionReach).where(InterventionReach.intervention_id == mentoring.id)
    )
    assert (reach.quarter, reach.young_people, reach.reach_professionals, reach.outputs) == (
        ret.quarter,
        12,
        5,
        3,
    )
