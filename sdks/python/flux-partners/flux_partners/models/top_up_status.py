from enum import StrEnum


class TopUpStatus(StrEnum):
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    FUNDING = "FUNDING"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    SENDING = "SENDING"

    def __str__(self) -> str:
        return str(self.value)
