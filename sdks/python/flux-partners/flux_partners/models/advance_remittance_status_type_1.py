from enum import StrEnum


class AdvanceRemittanceStatusType1(StrEnum):
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"
    CONFIRMED = "CONFIRMED"
    CREATED = "CREATED"
    FAILED = "FAILED"
    IN_PROGRESS = "IN_PROGRESS"
    REFUNDED = "REFUNDED"
    STARTED = "STARTED"

    def __str__(self) -> str:
        return str(self.value)
