"""Grant agreement arithmetic and wording (pure: no Flask, no database).

The payment schedule of an agreement: which dates, and how much of each grant on each date,
split with ``split_largest_remainder`` so the payments add up to the allocation exactly. And the
default conditions text, generated from the year's award conditions (which are settings of each
``GrantAward``, never constants here).

Quarterly in arrears (the default): the recipient claims with its quarterly return, due by the
last day of the month after the quarter ends, and is paid by the last day of the month after
that. Worked example for 2024-25 with £1,530.05 of VRU grant::

    >>> payments = build_payment_schedule(
    ...     FinancialYear(2024), PaymentSchedule.QUARTERLY_IN_ARREARS, {"VRU": Decimal("1530.05")})
    >>> [(p.label, p.claim_due_on.isoformat(), p.pay_on.isoformat(), str(p.total))
    ...  for p in payments]  # doctest: +NORMALIZE_WHITESPACE
    [('Q1 (Apr-Jun)', '2024-07-31', '2024-08-31', '382.52'),
     ('Q2 (Jul-Sep)', '2024-10-31', '2024-11-30', '382.51'),
     ('Q3 (Oct-Dec)', '2025-01-31', '2025-02-28', '382.51'),
     ('Q4 (Jan-Mar)', '2025-04-30', '2025-05-31', '382.51')]
    >>> sum((p.total for p in payments), Decimal("0.00"))
    Decimal('1530.05')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.financial_year import QUARTERS, FinancialYear, quarter_label
from core.money import format_gbp, split_largest_remainder
from grants.deadlines import last_day_of_month_after, return_due_on
from grants.vocabulary import PaymentSchedule

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Payment:
    """One payment of an agreement: the period it covers, when it is claimed and paid, and how
    much of each grant (by stream code)."""

    label: str
    period_start: date
    period_end: date
    claim_due_on: date | None  # None when paid in advance, without a claim
    pay_on: date
    amounts: Mapping[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


def build_payment_schedule(
    year: FinancialYear,
    schedule: PaymentSchedule,
    amounts: Mapping[str, Decimal],
) -> list[Payment]:
    """The payments of an agreement, each grant split equally over them to the penny.

    Quarterly in advance pays on the first day of each quarter; annual in advance pays the
    whole grant on 1 April.

    >>> [(p.pay_on.isoformat(), str(p.amounts["SVD"])) for p in build_payment_schedule(
    ...     FinancialYear(2024), PaymentSchedule.QUARTERLY_IN_ADVANCE, {"SVD": Decimal("0.03")})]
    [('2024-04-01', '0.01'), ('2024-07-01', '0.01'), ('2024-10-01', '0.01'), ('2025-01-01', '0.00')]
    >>> [(p.label, str(p.total)) for p in build_payment_schedule(
    ...     FinancialYear(2024), PaymentSchedule.ANNUAL_IN_ADVANCE, {"VRU": Decimal("10.00")})]
    [('Whole year', '10.00')]
    """
    if schedule is PaymentSchedule.ANNUAL_IN_ADVANCE:
        return [Payment("Whole year", year.start, year.end, None, year.start, dict(amounts))]
    shares = {
        code: split_largest_remainder(amount, [Decimal(1)] * len(QUARTERS))
        for code, amount in amounts.items()
    }
    payments = []
    for index, quarter in enumerate(QUARTERS):
        start, end = year.quarter_dates(quarter)
        quarter_amounts = {code: parts[index] for code, parts in shares.items()}
        if schedule is PaymentSchedule.QUARTERLY_IN_ARREARS:
            claim_due = return_due_on(year, quarter)
            payments.append(
                Payment(
                    quarter_label(quarter),
                    start,
                    end,
                    claim_due,
                    last_day_of_month_after(claim_due),
                    quarter_amounts,
                )
            )
        else:
            payments.append(
                Payment(quarter_label(quarter), start, end, None, start, quarter_amounts)
            )
    return payments


@dataclass(frozen=True)
class GrantTerms:
    """One grant's conditions for the year, as the award sets them (percentages: "20" = 20%)."""

    code: str
    name: str
    min_match_percent: Decimal
    min_interventions_percent: Decimal | None = None
    evaluation_percent: Decimal | None = None
    admin_cap_percent: Decimal | None = None
    variance_threshold_percent: Decimal | None = None
    variance_threshold_amount: Decimal | None = None


def format_date(day: date) -> str:
    """``31 July 2024``.

    >>> format_date(date(2025, 1, 1))
    '1 January 2025'
    """
    return f"{day.day} {day:%B %Y}"


def format_percent(value: Decimal) -> str:
    """``20%``, ``7.5%`` (no trailing zeros).

    >>> format_percent(Decimal("20.00")), format_percent(Decimal("7.50"))
    ('20%', '7.5%')
    """
    return f"{value.normalize():f}%"


def build_default_conditions(
    year: FinancialYear,
    grants: Sequence[GrantTerms],
    schedule: PaymentSchedule,
) -> str:
    """The default conditions of an agreement as numbered paragraphs separated by blank lines.

    Finance can edit the text before issuing; the figures come from the award conditions. The
    amounts are not in the text (the agreement states them apart), so a varied agreement can
    keep its conditions.

    >>> text = build_default_conditions(FinancialYear(2024), [GrantTerms(
    ...     "VRU", "Violence Reduction Unit grant", Decimal("20"), Decimal("40"), Decimal("10"),
    ...     Decimal("5"))], PaymentSchedule.QUARTERLY_IN_ARREARS)
    >>> print(text.split("\\n\\n")[2])  # doctest: +NORMALIZE_WHITESPACE
    3. Violence Reduction Unit grant (VRU): match funding (cash or in kind) of at least 20% of
    grant spend; at least 40% of the grant spent on interventions; at least 10% of
    intervention spend on evaluating them; no more than 5% on management and administration.
    """
    paragraphs = [
        f"Purpose. The grant is paid for work to prevent and reduce serious violence in "
        f"{year.label}, as set out in the recipient's delivery plan approved by the Office of the "
        f"Police and Crime Commissioner (OPCC).",
        f"Eligible expenditure. The grant may be spent only on the activities in the approved "
        f"delivery plan, on costs incurred between {format_date(year.start)} and "
        f"{format_date(year.end)}. It may not be spent on activities funded from elsewhere, on "
        f"contingencies or reserves, on costs outside that period, or on capital items unless "
        f"the delivery plan includes them and the OPCC has agreed them in writing.",
    ]
    paragraphs.extend(_grant_paragraph(terms) for terms in grants)
    due = "; ".join(f"Q{q} by {format_date(return_due_on(year, q))}" for q in QUARTERS)
    paragraphs.append(
        f"Quarterly returns. The recipient sends a return of spend, forecast, match funding and "
        f"reach for each quarter: {due}. Spend that differs from the quarterly profile by more "
        f"than the threshold set for the grant must be explained in the return."
    )
    paragraphs.append(_payment_paragraph(schedule))
    paragraphs.append(
        f"No carry-over. Grant not spent by {format_date(year.end)} cannot be carried into "
        f"{year.next().label}. The recipient reports forecast underspend as soon as it is known, "
        f"so that the OPCC can move it to other recipients during the year; money moved is "
        f"recorded as a variation of the allocation."
    )
    paragraphs.append(
        "Records and audit. The recipient keeps evidence of spend and match funding for six "
        "years and gives the OPCC, its auditors and the Home Office access to it on request. "
        "Grant spent other than under these conditions may be recovered."
    )
    return "\n\n".join(f"{n}. {text}" for n, text in enumerate(paragraphs, start=1))


def _grant_paragraph(terms: GrantTerms) -> str:
    rules = [
        f"match funding (cash or in kind) of at least "
        f"{format_percent(terms.min_match_percent)} of grant spend"
    ]
    if terms.min_interventions_percent is not None:
        rules.append(
            f"at least {format_percent(terms.min_interventions_percent)} of the grant "
            f"spent on interventions"
        )
    if terms.evaluation_percent is not None:
        rules.append(
            f"at least {format_percent(terms.evaluation_percent)} of intervention "
            f"spend on evaluating them"
        )
    if terms.admin_cap_percent is not None:
        rules.append(
            f"no more than {format_percent(terms.admin_cap_percent)} on management "
            f"and administration"
        )
    if terms.variance_threshold_percent is not None and terms.variance_threshold_amount is not None:
        rules.append(
            f"variances from profile above "
            f"{format_percent(terms.variance_threshold_percent)} or "
            f"{format_gbp(terms.variance_threshold_amount)} explained"
        )
    if terms.code == "SVD":
        rules.append("spend reported as labour and non-labour costs")
    return f"{terms.name} ({terms.code}): " + "; ".join(rules) + "."


def _payment_paragraph(schedule: PaymentSchedule) -> str:
    if schedule is PaymentSchedule.QUARTERLY_IN_ARREARS:
        return (
            "Payment. The grant is paid quarterly in arrears, on a claim made with each "
            "quarterly return for eligible spend in the quarter, capped by what is left of "
            "the allocation; the payment schedule sets out the dates and the most each "
            "payment can be."
        )
    if schedule is PaymentSchedule.QUARTERLY_IN_ADVANCE:
        return (
            "Payment. The grant is paid quarterly in advance on the dates in the payment "
            "schedule; spend is reconciled against each quarterly return and any "
            "overpayment is recovered from the next payment or at year end."
        )
    return (
        "Payment. The grant is paid in one sum in advance; spend is reconciled against the "
        "quarterly returns and any unspent grant is repaid at year end."
    )
