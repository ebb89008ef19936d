"""The built-in CSV validation workflow. Importing this package registers the workflow."""

from underway.workflows.builtin.data_validation.params import DataValidationParams, Rule, RuleCheck
from underway.workflows.builtin.data_validation.workflow import data_validation

__all__ = ["DataValidationParams", "Rule", "RuleCheck", "data_validation"]
