"""Reading commands and parameters typed in a chat."""

from __future__ import annotations

import pytest

from underway.chat.params import coerce_all, describe
from underway.chat.parser import ParseError, parse
from underway.chat.render import split_text
from underway.workflows.builtin.monthly_report.params import MonthlyReportParams


def test_commands_quotes_lists_and_json() -> None:
    cmd = parse('/run@underway_bot monthly_report month=6 formats=pdf,xlsx note="June report" extra=[1,2]')
    assert (cmd.name, cmd.args) == ("run", ["monthly_report"])
    schema = MonthlyReportParams.model_json_schema()
    assert coerce_all(schema, cmd.params) == {
        "month": "6",
        "formats": ["pdf", "xlsx"],
        "note": "June report",
        "extra": [1, 2],
    }
    assert describe({"note": "June report", "formats": ["pdf"]}) == 'note="June report" formats=pdf'
    assert parse("/STATUS 1a2b").args == ["1a2b"] and parse("/STATUS 1a2b").name == "status"
    assert parse("Yes!").name == "yes" and parse("nope").name == "no"
    assert parse("make me a report").name == "text" and parse("/frobnicate").name == "unknown"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("/run", "Name a workflow"),
        ('/run demo.sleep note="unclosed', "Close every quote"),
        ("/run demo.sleep steps", "is not key=value"),
        ("/run demo.sleep steps=1 steps=2", "given twice"),
    ],
)
def test_unreadable_commands_say_how_to_fix_them(text: str, error: str) -> None:
    with pytest.raises(ParseError, match=error):
        parse(text)


def test_long_texts_are_split_at_line_ends_within_the_limit() -> None:
    text = "\n".join(f"line {i:04d}" for i in range(1000))
    pieces = split_text(text, 4096)
    assert all(len(p) <= 4096 for p in pieces) and "\n".join(pieces) == text
    assert split_text("x" * 5000, 4096) == ["x" * 4096, "x" * 904]
