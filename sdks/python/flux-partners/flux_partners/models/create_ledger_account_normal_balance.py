from enum import StrEnum


class CreateLedgerAccountNormalBalance(StrEnum):
    CREDIT = "CREDIT"
    DEBIT = "DEBIT"

    def __str__(self) -> str:
        return str(self.value)
