"""Problem lists: every problem at once, each saying where it is."""

from __future__ import annotations

import pytest

from core.problems import DomainError, Problem, Problems


@pytest.mark.parametrize(
    ("problem", "where"),
    [
        (Problem("bad", file="needs.csv", row=3, column="value"), "needs.csv, row 3, column value"),
        (Problem("bad", file="needs.csv"), "needs.csv"),
        (Problem("bad", row=1), "row 1"),
        (Problem("bad", row=0), "row 0"),  # row 0 is a place, not "no row"
        (Problem("bad", column="email"), "column email"),
        (Problem("bad", file="formula.toml", column="weight"), "formula.toml, column weight"),
        (Problem("bad"), ""),
    ],
)
def test_where(problem, where):
    assert problem.where == where


def test_a_problem_reads_where_then_what():
    problem = Problem("not a number", file="needs.csv", row=7, column="value")

    assert str(problem) == "needs.csv, row 7, column value: not a number"


def test_a_problem_with_no_place_is_just_its_message():
    assert str(Problem("the pot is empty")) == "the pot is empty"


def test_an_empty_list_is_falsy():
    problems = Problems()

    assert not problems
    assert len(problems) == 0
    assert problems.messages() == []


def test_problems_keep_the_order_they_were_found_in():
    problems = Problems()
    problems.add("weights add up to 0.9, not 1", column="weight", file="formula.toml")
    problems.add("unknown spoke 'bristle'", file="needs.csv", row=4)
    problems.add("the pot is empty")

    assert problems
    assert len(problems) == 3
    assert problems[1] == Problem("unknown spoke 'bristle'", file="needs.csv", row=4)
    assert [p.message for p in problems] == [
        "weights add up to 0.9, not 1",
        "unknown spoke 'bristle'",
        "the pot is empty",
    ]
    assert problems.messages() == [
        "formula.toml, column weight: weights add up to 0.9, not 1",
        "needs.csv, row 4: unknown spoke 'bristle'",
        "the pot is empty",
    ]


def test_extend_appends_another_list():
    first = Problems([Problem("a")])
    first.extend(Problems([Problem("b"), Problem("c")]))

    assert [p.message for p in first] == ["a", "b", "c"]


def test_a_problems_list_does_not_share_the_iterable_it_was_built_from():
    source = [Problem("a")]
    problems = Problems(source)
    source.append(Problem("b"))

    assert len(problems) == 1


def test_domain_error_without_problems_is_its_message():
    error = DomainError("The user was not created")

    assert str(error) == "The user was not created"
    assert not error.problems


def test_domain_error_lists_every_problem():
    problems = Problems()
    problems.add("'x' is not an email address", column="email")
    problems.add("the password must be at least 10 characters", column="password")

    error = DomainError("The user was not created", problems)

    assert error.message == "The user was not created"
    assert len(error.problems) == 2
    assert str(error) == (
        "The user was not created\n"
        "  - column email: 'x' is not an email address\n"
        "  - column password: the password must be at least 10 characters"
    )


def test_domain_error_is_raised_and_caught_as_an_exception():
    with pytest.raises(DomainError, match="was not created") as caught:
        raise DomainError("The user was not created", [Problem("bad", column="role")])

    assert caught.value.problems[0].column == "role"
