from enum import StrEnum


class ListTransactionsStatus(StrEnum):
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    INITIALIZED = "INITIALIZED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"
    RETURNED = "RETURNED"
    SUBMITTING = "SUBMITTING"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return str(self.value)
