"""``formula run`` end to end on files: every output format, and every refusal named clearly.

The test formula (``formula_builders.FORMULA_TOML``): pot 1000.00, hub 10%, base 0.4, population
and offences weighted 0.5 each, floor -10%, ceiling +10%. Worked by hand:

- hub 100.00, so D = 900; base 900 x 0.4 / 3 = 120 each; need pot 540, 270 per indicator;
- population 100:300:100 gives 54, 162, 54; offences 20:20:60 gives 54, 54, 162;
- before damping: alpha 228, beta 336, gamma 336;
- previous alpha 210, beta 300, gamma 320: ceilings 231, 330, 352. beta is cut to 330 and its 6
  goes to alpha and gamma by amount (228:336): alpha 230.4255..., gamma 339.5744...;
- rounding: 230.42 + 330.00 + 339.57 = 899.99, and the penny goes to alpha (0.0055 > 0.0044).
"""

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from formulas.commands import formula
from tests.formulas.formula_builders import FORMULA_TOML, INDICATORS_CSV, PREVIOUS_CSV


@pytest.fixture
def files(tmp_path):
    def make(formula_text=FORMULA_TOML, indicators=INDICATORS_CSV, previous=PREVIOUS_CSV):
        paths = {}
        for name, text in (
            ("formula.toml", formula_text),
            ("needs.csv", indicators),
            ("previous.csv", previous),
        ):
            if text is not None:
                paths[name] = tmp_path / name
                paths[name].write_text(text, encoding="utf-8")
        return paths

    return make


def run(paths, *extra):
    args = ["run", str(paths["formula.toml"]), "--indicators", str(paths["needs.csv"])]
    if "previous.csv" in paths:
        args += ["--previous", str(paths["previous.csv"])]
    return CliRunner().invoke(formula, [*args, *extra])


def refused(result):
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return result.stderr


def test_json_output_has_every_figure_as_text(files):
    result = run(files(), "--format", "json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pot"] == "1000.00" and report["total"] == "1000.00"
    assert report["rounding_unit"] == "0.01"
    assert report["top_slices"] == [{"recipient": "hub", "amount": "100.00"}]
    by_code = {a["recipient"]: a for a in report["allocations"]}
    assert list(by_code) == ["alpha", "beta", "gamma"]
    assert {k: a["amount"] for k, a in by_code.items()} == {
        "alpha": "230.43",
        "beta": "330.00",
        "gamma": "339.57",
    }
    alpha = by_code["alpha"]
    assert (alpha["base"], alpha["need"], alpha["before_damping"]) == ("120.00", "108.00", "228.00")
    assert (alpha["damping"], alpha["rounding"]) == ("2.43", "0.00")
    assert (alpha["previous"], alpha["change"], alpha["change_percent"]) == (
        "210.00",
        "20.43",
        "9.73",
    )
    assert alpha["indicators"]["population"] == {
        "value": "100",
        "share": "0.200000",
        "weight": "0.5",
        "contribution": "54.00",
    }


def test_json_without_previous_has_nulls(files):
    text = FORMULA_TOML[: FORMULA_TOML.index("[damping]")]

    result = run(files(formula_text=text, previous=None), "--format", "json")

    allocation = json.loads(result.stdout)["allocations"][0]
    assert (allocation["previous"], allocation["change"], allocation["change_percent"]) == (
        None,
        None,
        None,
    )
    assert allocation["amount"] == "228.00"


def test_table_output(files):
    result = run(files())

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Test formula, version 1 (VRU, 2024-25)"
    assert any(line.split()[:2] == ["hub", "10%"] for line in lines)
    beta = next(line for line in lines if line.startswith("beta "))
    assert beta.split() == [
        "beta",
        "£120.00",
        "£216.00",
        "£336.00",
        "-£6.00",
        "£0.00",
        "£330.00",
        "£300.00",
        "£30.00",
        "10.00",
        "ceiling",
    ]
    assert any(line.split() == ["total", "£1,000.00"] for line in lines)


def test_csv_output_to_a_file(files, tmp_path):
    out = tmp_path / "allocations.csv"

    result = run(files(), "--format", "csv", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("recipient,kind,amount,base,need,before_damping,damping,rounding,")
    assert lines[1].startswith(
        "alpha,spoke,230.43,120.00,108.00,228.00,2.43,0.00,210.00,20.43,9.73,,"
    )
    assert lines[-1].startswith("hub,top_slice,100.00,")
    total = sum(Decimal(line.split(",")[2]) for line in lines[1:])
    assert total == Decimal("1000.00")


def test_xlsx_output_reads_back_as_numbers(files, tmp_path):
    out = tmp_path / "allocations.xlsx"

    result = run(files(), "--format", "xlsx", "--out", str(out))

    assert result.exit_code == 0, result.output
    workbook = CalamineWorkbook.from_path(str(out))
    assert workbook.sheet_names == ["Allocations", "Indicators", "Formula"]
    rows = workbook.get_sheet_by_name("Allocations").to_python()
    assert rows[0][:3] == ["recipient", "kind", "amount"]
    # Spreadsheet numbers are doubles; compare them as text to the penny.
    amounts = {row[0]: f"{row[2]:.2f}" for row in rows[1:]}
    assert amounts == {
        "alpha": "230.43",
        "beta": "330.00",
        "gamma": "339.57",
        "hub": "100.00",
        "total": "1000.00",
    }
    indicators = workbook.get_sheet_by_name("Indicators").to_python()
    assert indicators[1][:2] == ["alpha", "population"]


def test_pot_option_overrides_the_formula(files):
    """Pot 1010: hub 101, D = 909; before damping alpha 230.28, beta 339.36, gamma 339.36.

    beta is cut to its ceiling 330, and alpha's share of the 9.36 takes it over its own ceiling
    231, so it is cut too; gamma takes the rest: 909 - 231 - 330 = 348 (ceiling 352).
    """
    result = run(files(), "--format", "json", "--pot", "£1,010.00")

    report = json.loads(result.stdout)
    assert report["pot"] == "1010.00" and report["total"] == "1010.00"
    assert report["top_slices"] == [{"recipient": "hub", "amount": "101.00"}]
    assert [a["amount"] for a in report["allocations"]] == ["231.00", "330.00", "348.00"]


def test_xlsx_needs_an_out_file(files):
    result = run(files(), "--format", "xlsx")

    assert result.exit_code == 2
    assert "--format xlsx writes a workbook: give --out FILE.xlsx" in result.stderr


def test_a_bad_pot_is_a_usage_error(files):
    result = run(files(), "--pot", "1000.001")

    assert result.exit_code == 2
    assert "--pot" in result.stderr and "more than two decimal places" in result.stderr


def test_weights_that_do_not_add_up_to_one(files):
    paths = files(formula_text=FORMULA_TOML.replace('offences = "0.5"', 'offences = "0.6"'))

    message = refused(run(paths))

    assert (
        f"{paths['formula.toml']}, row 15, column indicators: the indicator weights add up "
        in message
    )
    assert "1.1, not exactly 1" in message


def test_a_toml_float(files):
    paths = files(formula_text=FORMULA_TOML.replace('percent = "10"', "percent = 10.0"))

    message = refused(run(paths))

    assert (
        f"{paths['formula.toml']}, row 10, column top_slice[1].percent: percent = 10.0 " in message
    )
    assert 'write it in quotes: percent = "10.0"' in message


def test_a_rounding_unit_other_than_pence_or_pounds(files):
    paths = files(
        formula_text=FORMULA_TOML.replace('rounding_unit = "0.01"', 'rounding_unit = "5"')
    )

    message = refused(run(paths))

    assert (
        f"{paths['formula.toml']}, row 6, column rounding_unit: rounding unit 5 is not allowed; "
        "use 0.01 (pence) or 1 (pounds)"
    ) in message


def test_indicators_the_formula_does_not_use_are_listed_as_not_used_and_the_run_goes_on(files):
    extra = "alpha,knife_crime,3,Police,2024-03-31\nbeta,nte_density,7,Police,2024-03-31\n"
    paths = files(indicators=INDICATORS_CSV + extra)

    table = run(paths)
    as_json = run(paths, "--format", "json")

    assert table.exit_code == 0, table.output
    assert "Not used (the formula gives them no weight): knife_crime, nte_density" in table.stdout
    assert json.loads(as_json.stdout)["unused_indicators"] == ["knife_crime", "nte_density"]
    assert "Not used (the formula gives them no weight)" in as_json.stderr
    assert json.loads(as_json.stdout)["total"] == "1000.00"


def test_a_run_without_unused_indicators_has_no_unused_key(files):
    assert "unused_indicators" not in json.loads(run(files(), "--format", "json").stdout)


def test_an_indicator_in_the_formula_with_no_data(files):
    paths = files(
        indicators="\n".join(line for line in INDICATORS_CSV.splitlines() if "offences" not in line)
    )

    message = refused(run(paths))

    assert (
        f"{paths['needs.csv']}, column indicator: indicator offences is in the formula "
        f"({paths['formula.toml']}, row 17) but has no rows"
    ) in message


def test_a_spoke_missing_a_value(files):
    paths = files(indicators=INDICATORS_CSV.replace("beta,offences,20,Police,2024-03-31\n", ""))

    message = refused(run(paths))

    assert (
        f"{paths['needs.csv']}, row 4, column recipient: beta has no value for indicator "
        "offences (it has population on row 4)"
    ) in message


def test_a_recipient_with_values_for_an_unused_indicator_only_is_named_with_its_rows(files):
    paths = files(indicators=INDICATORS_CSV + "gamme,population_typo,3,ONS,2024-03-31\n")

    message = refused(run(paths))

    assert (
        f"{paths['needs.csv']}, row 8, column recipient: gamme has no value for indicator "
        "population (it has population_typo on row 8)"
    ) in message


@pytest.mark.parametrize("pot", ["1e6", "1E3", "1.5e+3"])
def test_a_pot_in_exponent_notation_is_a_usage_error(files, pot):
    """Decimal would read 1e6 as a million; a finance officer writes it out."""
    result = run(files(), "--pot", pot)

    assert result.exit_code == 2
    assert f"{pot} is in exponent notation; write the amount out in full" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-20", "column value: the value -20 is negative"),
        ("", "column value: the value is empty"),
        ("twenty", "column value: 'twenty' is not a number"),
    ],
)
def test_a_bad_value(files, value, expected):
    paths = files(indicators=INDICATORS_CSV.replace("beta,offences,20,", f"beta,offences,{value},"))

    message = refused(run(paths))

    assert f"{paths['needs.csv']}, row 5, {expected}" in message


def test_an_indicator_that_is_zero_everywhere(files):
    text = INDICATORS_CSV.replace("offences,20,", "offences,0,").replace(
        "offences,60,", "offences,0,"
    )

    message = refused(run(files(indicators=text)))

    assert "needs.csv, row 3, column value: indicator offences is 0 for every spoke" in message


def test_a_duplicate_row(files):
    paths = files(indicators=INDICATORS_CSV + "beta,population,301,ONS,2024-03-31\n")

    message = refused(run(paths))

    assert (
        f"{paths['needs.csv']}, row 8, column indicator: a second value for beta and population "
        "(the first is on row 4)"
    ) in message


def test_floors_that_cannot_be_met_say_by_how_much(files):
    paths = files(previous="recipient,amount\nalpha,400.00\nbeta,400.00\ngamma,300.00\n")

    message = refused(run(paths))

    # Floors 360 + 360 + 270 = 990 against 900 to share.
    assert (
        f"{paths['previous.csv']}, column amount: the floors add up to 990.00, which is 90.00 more "
        "than the 900.00 there is to share"
    ) in message
    assert f"damping.floor ({paths['formula.toml']}, row 20)" in message


def test_ceilings_that_cannot_be_met(files):
    paths = files(previous="recipient,amount\nalpha,200.00\nbeta,300.00\ngamma,300.00\n")

    message = refused(run(paths))

    # Ceilings 220 + 330 + 330 = 880 against 900 to share.
    assert (
        f"{paths['previous.csv']}, column amount: the ceilings add up to 880.00, which is 20.00 "
        "less than the 900.00 that must be shared"
    ) in message


def test_damping_without_previous_allocations(files):
    paths = files(previous=None)

    message = refused(run(paths))

    assert (
        f"{paths['formula.toml']}, row 19, column damping: the formula has [damping] but no "
        "previous allocations were given"
    ) in message


def test_an_unknown_recipient_in_the_previous_file(files):
    paths = files(previous=PREVIOUS_CSV.replace("gamma,", "gama,"))

    message = refused(run(paths))

    assert f"{paths['previous.csv']}, row 4, column recipient: gama is neither a spoke" in message


def test_top_slices_larger_than_the_pot(files):
    text = FORMULA_TOML.replace('percent = "10"', 'amount = "5000.00"')

    message = refused(run(files(formula_text=text)))

    assert "column top_slice: the top slices take more than the pot of 1000.00" in message


def test_problems_in_several_files_are_reported_together(files):
    paths = files(
        formula_text=FORMULA_TOML.replace('share = "0.4"', "share = 0.4"),
        indicators=INDICATORS_CSV.replace("alpha,population,100", "alpha,population,x"),
        previous=PREVIOUS_CSV.replace("beta,300.00", "beta,3.001"),
    )

    message = refused(run(paths))

    assert f"{paths['formula.toml']}, row 13, column base.share" in message
    assert f"{paths['needs.csv']}, row 2, column value" in message
    assert f"{paths['previous.csv']}, row 3, column amount" in message


def test_a_missing_file_is_a_usage_error(files, tmp_path):
    paths = files()
    paths["needs.csv"] = tmp_path / "nowhere.csv"

    result = run(paths)

    assert result.exit_code == 2
    assert "nowhere.csv" in result.stderr and "does not exist" in result.stderr


def test_a_pot_that_is_a_word_is_not_called_exponent_notation(files):
    result = run(files(), "--pot", "twelve")

    assert result.exit_code == 2
    assert "'twelve' is not a number" in result.stderr
