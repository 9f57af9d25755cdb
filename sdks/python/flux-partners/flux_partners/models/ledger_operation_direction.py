from enum import StrEnum


class LedgerOperationDirection(StrEnum):
    CREDIT = "CREDIT"
    DEBIT = "DEBIT"

    def __str__(self) -> str:
        return str(self.value)
