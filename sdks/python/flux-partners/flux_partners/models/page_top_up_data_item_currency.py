from enum import StrEnum


class PageTopUpDataItemCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
