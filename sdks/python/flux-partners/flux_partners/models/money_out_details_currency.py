from enum import StrEnum


class MoneyOutDetailsCurrency(StrEnum):
    MXN = "MXN"

    def __str__(self) -> str:
        return str(self.value)
