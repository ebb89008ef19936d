"""Errors of inbound triggers. A refused delivery is answered, and logged, with ``status``."""

from __future__ import annotations

from typing import ClassVar

from underway.operations.errors import UnderwayError
from underway.problems import ProblemType


class TriggerRefusal(UnderwayError):
    """A delivery to a trigger's URL that starts nothing."""

    status: ClassVar[int] = 400
    problem: ClassVar[ProblemType] = ProblemType.BLANK


class TriggerNotFound(TriggerRefusal):
    status = 404
    problem = ProblemType.NOT_FOUND

    def __init__(self, trigger_id: str) -> None:
        super().__init__(f"No trigger '{trigger_id}'")


class TriggerDisabled(TriggerRefusal):
    status = 409
    problem = ProblemType.DISABLED

    def __init__(self, trigger_id: str) -> None:
        super().__init__(f"Trigger '{trigger_id}' is disabled")


class SignatureRejected(TriggerRefusal):
    """The delivery does not prove knowledge of the trigger's secret."""

    status = 401
    problem = ProblemType.SIGNATURE_INVALID


class StaleTimestamp(SignatureRejected):
    """Too old (or too far ahead) to be accepted: a replay, or a sender's clock far off."""

    problem = ProblemType.TIMESTAMP_STALE


class Unmappable(TriggerRefusal):
    """The delivered JSON cannot be turned into the workflow's parameters."""

    status = 422
    problem = ProblemType.VALIDATION

    def __init__(self, msg: str) -> None:
        super().__init__(msg)


class Throttled(TriggerRefusal):
    """The trigger's owner is over their submission rate limit."""

    status = 429
    problem = ProblemType.RATE_LIMITED

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"The trigger's owner is over their submission rate limit; retry in {retry_after_s} s"
        )
        self.retry_after_s = retry_after_s


class InvalidTrigger(TriggerRefusal):
    """A trigger definition that cannot work (422 on ``field``)."""

    status = 422
    problem = ProblemType.VALIDATION

    def __init__(self, field: str, msg: str) -> None:
        super().__init__(msg)
        self.field = field
        self.msg = msg
