from enum import StrEnum


class NewCardTransferCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
