"""The quarterly return spreadsheet template a spoke lead fills in: one workbook per recipient,
grant and quarter, with the plan's lines, the figures so far and room for match funding and
reach. ``spreadsheet`` reads it back."""

from __future__ import annotations

from commissioning.interventions.return_sheet import SHEET as INTERVENTIONS_SHEET
from commissioning.interventions.return_sheet import sheet_rows as intervention_sheet_rows
from core.financial_year import FinancialYear, FinancialYearError
from core.money import ZERO
from core.problems import DomainError, Problem, Problems
from exports.spreadsheets import MONEY_FORMAT, Formula, SheetLayout, Validation, write_xlsx
from grants.plans.models import PlanLine
from grants.plans.queries import approved_plan_for
from grants.returns import queries
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import REACH_BANDS
from reference.models import GrantStream, Organisation

# --- the template ---------------------------------------------------------------------------------

RETURN_SHEET = "Return"
SPEND_SHEET = "Spend"
MATCH_SHEET = "Match funding"
REACH_SHEET = "Reach"
IDENTITY_FIELDS = ("spoke", "grant", "financial_year", "quarter")
TEXT_FIELDS = ("narrative", "risks")
SPEND_REQUIRED = ("line_ref", "actual", "forecast_remaining", "variance_reason")
MATCH_COLUMNS = ("contributor", "kind", "amount", "evidence_reference", "valuation_basis")
MATCH_REQUIRED = ("contributor", "kind", "amount")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Wide enough for £999,999.99 in a spreadsheet's default font, with room to spare.
MONEY_WIDTH = 16
# Rows of the Match funding sheet that keep their £ format and checks when a user adds them.
MATCH_ROWS = 200
_AMOUNT = {
    "validate": "decimal",
    "criteria": ">=",
    "value": 0,
    "error_title": "Not an amount",
    "error_message": "Enter an amount in pounds of 0 or more, such as 1250.00",
}


def template_filename(
    recipient: Organisation, stream: GrantStream, financial_year: str, quarter: int
) -> str:
    return f"return-{recipient.code}-{stream.code}-{financial_year}-Q{quarter}.xlsx"


def build_template_for(ret: QuarterlyReturn) -> bytes:
    """The template for an open return, filled in with what it holds so far."""
    return _workbook(
        ret.recipient,
        ret.grant_stream,
        ret.financial_year,
        ret.quarter,
        [line.plan_line for line in ret.lines],
        ret,
    )


def build_template(
    *, spoke_code: str, grant_code: str, financial_year: str, quarter: int
) -> tuple[str, bytes]:
    """The template for a spoke (or ``hub``), grant, year and quarter: from the return if it
    has been started, else from the approved plan. Returns (file name, bytes)."""
    problems = Problems()
    recipient = queries.recipient_by_code(spoke_code)
    if recipient is None:
        problems.add(f"unknown spoke {spoke_code!r}", column="spoke")
    stream = queries.stream_by_code(grant_code)
    if stream is None:
        problems.add(f"unknown grant {grant_code!r}; write VRU or SVD", column="grant")
    year = None
    try:
        year = FinancialYear.parse(financial_year).label
    except FinancialYearError as error:
        problems.add(str(error), column="year")
    if quarter not in (1, 2, 3, 4):
        problems.add(f"quarter {quarter!r} is not 1, 2, 3 or 4", column="quarter")
    if problems or recipient is None or stream is None or year is None:
        raise DomainError("No template was made", problems)
    name = template_filename(recipient, stream, year, quarter)
    ret = queries.find_return(recipient.id, stream.id, year, quarter)
    if ret is not None:
        return name, build_template_for(ret)
    plan = approved_plan_for(recipient.id, year)
    lines = queries.plan_lines_for(plan, stream.id) if plan is not None else []
    if not lines:
        raise DomainError(
            "No template was made",
            [
                Problem(
                    f"{recipient.name} has no approved delivery plan with {stream.code} lines for "
                    f"{year}",
                    column="spoke",
                )
            ],
        )
    return name, _workbook(recipient, stream, year, quarter, lines, None)


def _workbook(
    recipient: Organisation,
    stream: GrantStream,
    financial_year: str,
    quarter: int,
    lines: list[PlanLine],
    ret: QuarterlyReturn | None,
) -> bytes:
    values = {line.plan_line_id: line for line in ret.lines} if ret is not None else {}
    spend: list[list[object]] = [
        [
            "line_ref",
            "title",
            "category",
            "annual_budget",
            f"profile_q{quarter}",
            "actual",
            "forecast_remaining",
            "variance_reason",
        ]
    ]
    for plan_line in lines:
        entered = values.get(plan_line.id)
        spend.append(
            [
                plan_line.line_ref,
                plan_line.title,
                plan_line.category.label,
                plan_line.annual_budget,
                plan_line.profile[quarter - 1],
                entered.actual if entered else ZERO,
                entered.forecast_remaining if entered else ZERO,
                entered.variance_reason if entered else None,
            ]
        )
    last = len(spend)
    spend.append(
        ["Total", None, None]
        + [
            Formula(f"=SUM({column}2:{column}{last})", sum((row[index] for row in spend[1:]), ZERO))  # type: ignore[misc]
            for column, index in (("D", 3), ("E", 4), ("F", 5), ("G", 6))
        ]
        + [None]
    )
    match: list[list[object]] = [list(MATCH_COLUMNS)]
    for item in ret.match_lines if ret is not None else []:
        match.append(
            [
                item.contributor,
                item.kind.value,
                item.amount,
                item.evidence_reference,
                item.valuation_basis,
            ]
        )
    reach: list[list[object]] = [["band", "number"]]
    for band, label in REACH_BANDS:
        reach.append([label, getattr(ret, band) if ret is not None else 0])
    about: list[list[object]] = [
        ["field", "value", "notes"],
        ["spoke", recipient.code, recipient.name],
        ["grant", stream.code, stream.name],
        ["financial_year", financial_year, None],
        ["quarter", quarter, "Leave these four as they are: they say which return this is."],
        [
            "narrative",
            ret.narrative if ret is not None else None,
            "Delivery this quarter: what happened, what changed, what is next.",
        ],
        ["risks", ret.risks if ret is not None else None, "Risks and issues (optional)."],
    ]
    return write_xlsx(
        {
            RETURN_SHEET: about,
            SPEND_SHEET: spend,
            MATCH_SHEET: match,
            REACH_SHEET: reach,
            # Reach per intervention, for the interventions register (commissioning).
            INTERVENTIONS_SHEET: intervention_sheet_rows(recipient.id, financial_year, quarter),
        },
        _layouts(len(lines)),
    )


def _layouts(line_count: int) -> dict[str, SheetLayout]:
    """Widths, £ formats, checks on the cells to fill in, and a print set-up for every sheet:
    landscape, one page wide, the header row repeated on every page."""
    printable = {"landscape": True, "fit_to_width": True, "repeat_header": True}
    money = dict.fromkeys(range(3, 7), MONEY_FORMAT)  # annual_budget .. forecast_remaining
    return {
        RETURN_SHEET: SheetLayout(widths={0: 16, 1: 40, 2: 60}, **printable),
        SPEND_SHEET: SheetLayout(
            widths={0: 10, 1: 36, 2: 20, **dict.fromkeys(range(3, 7), MONEY_WIDTH), 7: 50},
            formats=money,
            validations=[Validation(column, 1, max(line_count, 1), _AMOUNT) for column in (5, 6)],
            **printable,
        ),
        MATCH_SHEET: SheetLayout(
            widths={0: 30, 1: 10, 2: MONEY_WIDTH, 3: 24, 4: 40},
            formats={2: MONEY_FORMAT},
            validations=[
                Validation(
                    1,
                    1,
                    MATCH_ROWS,
                    {
                        "validate": "list",
                        "source": ["cash", "in_kind"],
                        "error_title": "Not a kind of match funding",
                        "error_message": "Choose cash or in_kind",
                    },
                ),
                Validation(2, 1, MATCH_ROWS, _AMOUNT),
            ],
            **printable,
        ),
        REACH_SHEET: SheetLayout(
            widths={0: 40, 1: 12},
            validations=[
                Validation(
                    1,
                    1,
                    len(REACH_BANDS),
                    {
                        "validate": "integer",
                        "criteria": ">=",
                        "value": 0,
                        "error_title": "Not a number of people",
                        "error_message": "Enter a whole number of 0 or more",
                    },
                )
            ],
            **printable,
        ),
    }
