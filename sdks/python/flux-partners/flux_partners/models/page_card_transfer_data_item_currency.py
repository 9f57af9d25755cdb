from enum import StrEnum


class PageCardTransferDataItemCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
