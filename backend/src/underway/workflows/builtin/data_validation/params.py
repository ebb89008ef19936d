"""Parameters of ``data_validation``: one source (inline text, uploaded file or built-in data set)
and a list of column rules. Everything that can be wrong with them is refused at submission."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_CSV_TEXT = 2_000_000  # characters (2 MB of ASCII); larger files go through the uploads folder
MAX_PATTERN = 500


class RuleCheck(StrEnum):
    REQUIRED = "required"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    REGEX = "regex"
    ONE_OF = "one_of"
    MIN = "min"
    MAX = "max"


_NO_VALUE = {RuleCheck.REQUIRED, RuleCheck.INTEGER, RuleCheck.DECIMAL, RuleCheck.DATE}


class Rule(BaseModel):
    """One check applied to every cell of one column."""

    model_config = ConfigDict(extra="forbid", title="Rule")

    column: str = Field(
        min_length=1,
        max_length=200,
        title="Column",
        description="Column name from the header row, or its position (1, 2, ...) without header.",
        examples=["amount"],
    )
    check: RuleCheck = Field(
        title="Check",
        description=(
            "required: not empty; integer; decimal; date: ISO YYYY-MM-DD; regex: the whole value "
            "matches `value`; one_of: the value is in the list `value`; min / max: a number at "
            "least / at most `value`. Empty cells pass every check except required."
        ),
    )
    value: list[str] | Decimal | str | None = Field(
        None,
        title="Value",
        description="The pattern (regex), allowed values (one_of) or bound (min, max).",
        examples=["^[A-Z]{3}$", ["credit", "debit"], 0],
    )

    @model_validator(mode="after")
    def _value_fits_check(self) -> Rule:
        if self.check in _NO_VALUE:
            if self.value is not None:
                raise ValueError(f"the {self.check.value} check takes no value")
        elif self.check is RuleCheck.REGEX:
            self._check_pattern()
        elif self.check is RuleCheck.ONE_OF:
            if not isinstance(self.value, list) or not self.value:
                raise ValueError("one_of needs a non-empty list of allowed values")
        else:
            self.value = _bound(self.value, self.check)
        return self

    def _check_pattern(self) -> None:
        if not isinstance(self.value, str) or not self.value:
            raise ValueError("regex needs a pattern as value")
        if len(self.value) > MAX_PATTERN:
            raise ValueError(f"the pattern is longer than {MAX_PATTERN} characters")
        try:
            re.compile(self.value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None

    @property
    def label(self) -> str:
        """``amount: min 0``, ``type: one_of credit, debit``: how the report names the rule."""
        if self.value is None:
            return f"{self.column}: {self.check.value}"
        shown = ", ".join(self.value) if isinstance(self.value, list) else str(self.value)
        return f"{self.column}: {self.check.value} {shown}"


def _bound(value: list[str] | Decimal | str | None, check: RuleCheck) -> Decimal:
    """min and max take a number, given as a JSON number or a decimal string."""
    if isinstance(value, list) or value is None:
        raise ValueError(f"{check.value} needs a number as value")
    try:
        bound = Decimal(value) if isinstance(value, str) else value
    except ArithmeticError:
        raise ValueError(f"{check.value} needs a number as value, not {value!r}") from None
    if not bound.is_finite():
        raise ValueError(f"{check.value} needs a finite number")
    return bound


class DataValidationParams(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Validate a CSV file")

    csv_text: str | None = Field(
        None,
        max_length=MAX_CSV_TEXT,
        title="CSV text",
        description="Paste the CSV content here or load a file (up to 2 MB). Give this, a file or the data set.",
        # Standard JSON Schema: the web form offers to load a .csv file into the field.
        json_schema_extra={"contentMediaType": "text/csv"},
    )
    path: str | None = Field(
        None,
        max_length=500,
        title="Uploaded file",
        description="Path of a file inside the server's uploads folder, such as `2024/ledger.csv` "
        "(`.gz` files are decompressed).",
        examples=["ledger.csv"],
    )
    dataset: Literal["transactions"] | None = Field(
        None,
        title="Built-in data set",
        description="Validate the built-in transactions ledger (about 300,000 rows) instead.",
    )
    rules: list[Rule] = Field(
        min_length=1,
        max_length=50,
        title="Rules",
        description="Checks to apply; a rule naming a column the file lacks fails the operation.",
    )
    has_header: bool = Field(
        True,
        title="First row is a header",
        description="Off: columns are named by position, 1 for the first. The data set has one.",
    )
    delimiter: Literal[",", ";", "\t", "|"] = Field(
        ",", title="Delimiter", description="Field separator (the data set uses commas)."
    )
    max_examples: int = Field(
        20,
        ge=1,
        le=50,
        title="Examples per rule",
        description="How many offending rows to show per rule (the CSV artifact lists them all).",
    )

    @field_validator("path")
    @classmethod
    def _relative_inside_uploads(cls, path: str | None) -> str | None:
        if path is None:
            return None
        path = path.strip()
        # Checked with both path flavours so that "C:\\x" and "\\\\server\\x" are refused everywhere.
        if not path or "\x00" in path:
            raise ValueError("the path is empty or contains a NUL character")
        if PurePosixPath(path).is_absolute() or PureWindowsPath(path).anchor:
            raise ValueError("the path must be relative to the uploads folder, not absolute")
        parts = PureWindowsPath(path).parts  # splits on both "/" and "\\"
        if ".." in parts:
            raise ValueError("the path must not contain '..'")
        return PurePosixPath(*parts).as_posix()

    @model_validator(mode="after")
    def _one_source(self) -> DataValidationParams:
        given = [n for n in ("csv_text", "path", "dataset") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one source: csv_text, path or dataset"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if not self.has_header and self.dataset is None:
            for i, rule in enumerate(self.rules):
                if not rule.column.isdigit() or int(rule.column) < 1:
                    raise ValueError(
                        f"rule {i + 1}: without a header row, name columns by position (1, 2, ...)"
                    )
        return self
