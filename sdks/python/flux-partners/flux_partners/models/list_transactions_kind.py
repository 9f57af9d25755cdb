from enum import StrEnum


class ListTransactionsKind(StrEnum):
    MONEY_IN = "MONEY_IN"
    MONEY_OUT = "MONEY_OUT"
    REFUND = "REFUND"

    def __str__(self) -> str:
        return str(self.value)
