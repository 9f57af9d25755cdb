from enum import StrEnum


class ProgramAtProviderName(StrEnum):
    NECIPCO = "necipco"

    def __str__(self) -> str:
        return str(self.value)
