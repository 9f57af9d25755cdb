from enum import StrEnum


class RemittanceAccountAccountTypeType2Type1(StrEnum):
    C = "C"
    S = "S"

    def __str__(self) -> str:
        return str(self.value)
