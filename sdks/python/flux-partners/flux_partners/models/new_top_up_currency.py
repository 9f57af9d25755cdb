from enum import StrEnum


class NewTopUpCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
