from enum import StrEnum


class TopUpCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
