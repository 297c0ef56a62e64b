"""The demo's funding formulas, indicator dataset and approved runs (all labelled illustrative).

2023-24: one approved run per grant (Somerset's VRU and SVD come to £439,194, as in the annual
report). 2024-25: VRU approved against the indicative grant, then superseded by the run on the
confirmed grant; SVD approved; and a draft "violence only" scenario to compare.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import select

from allocations import services
from allocations.models import FormulaRun, FormulaVersion, IndicatorDataset
from auth.models import User
from extensions import db
from formulas.spec import parse_formula_toml

DATASET_NAME = "Needs assessment 2021"
CONFIRMED_VRU_2024_25 = "1546911.00"  # illustrative: the real confirmed figure is not published

# (formula file, run label, pot or None for the formula's, previous-year run label or None,
#  decision reference or None for a draft scenario)
RUNS = (
    (
        "vru-2023-24.toml",
        "VRU 2023-24 (illustrative)",
        None,
        None,
        "PCC-DN-2023-014 (illustrative)",
    ),
    (
        "svd-2023-24.toml",
        "SVD 2023-24 (illustrative)",
        None,
        None,
        "PCC-DN-2023-015 (illustrative)",
    ),
    (
        "vru-2024-25.toml",
        "VRU 2024-25 on the indicative grant (illustrative)",
        None,
        "VRU 2023-24 (illustrative)",
        "PCC-DN-2024-006 (illustrative)",
    ),
    (
        "vru-2024-25.toml",
        "VRU 2024-25 on the confirmed grant (illustrative)",
        CONFIRMED_VRU_2024_25,
        "VRU 2023-24 (illustrative)",
        "PCC-DN-2024-019 (illustrative)",
    ),
    (
        "svd-2024-25.toml",
        "SVD 2024-25 (illustrative)",
        None,
        "SVD 2023-24 (illustrative)",
        "PCC-DN-2024-007 (illustrative)",
    ),
    (
        "vru-2024-25-scenario.toml",
        "Scenario: need by serious violence alone (illustrative)",
        CONFIRMED_VRU_2024_25,
        "VRU 2023-24 (illustrative)",
        None,
    ),
)


def _data_file(name: str) -> bytes:
    return resources.files("demo").joinpath("data", name).read_bytes()


def load_demo_allocations(finance: User | None) -> list[str]:
    """Load what is missing; returns what was created."""
    created: list[str] = []
    dataset = db.session.scalar(
        select(IndicatorDataset).where(IndicatorDataset.name == DATASET_NAME)
    )
    if dataset is None:
        dataset = services.import_indicator_dataset(
            _data_file("needs-assessment-2021.csv"),
            filename="needs-assessment-2021.csv",
            name=DATASET_NAME,
            user=finance,
        )
        created.append(f"indicator dataset {dataset.title}")
    versions: dict[str, FormulaVersion] = {}
    for filename, *_ in RUNS:
        if filename in versions:
            continue
        text = _data_file(filename).decode("utf-8")
        spec = parse_formula_toml(text, file=filename)
        version = db.session.scalar(
            select(FormulaVersion).where(
                FormulaVersion.name == spec.name, FormulaVersion.version == spec.version
            )
        )
        if version is None:
            version = services.create_formula_version(
                text, user=finance, filename=filename, change_note="Demo formula (illustrative)"
            )
            created.append(f"formula {version.title}")
        versions[filename] = version
    for filename, label, pot, previous_label, decision in RUNS:
        if db.session.scalar(select(FormulaRun.id).where(FormulaRun.label == label)):
            continue
        previous = None
        if previous_label:
            previous_run = db.session.scalar(
                select(FormulaRun).where(FormulaRun.label == previous_label)
            )
            previous = services.PreviousChoice(run_id=previous_run.id) if previous_run else None
        run = services.run_formula(
            formula_version_id=versions[filename].id,
            dataset_id=dataset.id,
            user=finance,
            label=label,
            pot=pot,
            previous=previous,
        )
        created.append(f"run {run.title}")
        if decision and finance is not None:
            services.approve_run(run.id, decision_reference=decision, user=finance)
    return created
