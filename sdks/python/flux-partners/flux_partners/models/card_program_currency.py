from enum import StrEnum


class CardProgramCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
