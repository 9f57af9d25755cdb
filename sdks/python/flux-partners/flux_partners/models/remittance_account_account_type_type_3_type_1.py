from enum import StrEnum


class RemittanceAccountAccountTypeType3Type1(StrEnum):
    C = "C"
    S = "S"

    def __str__(self) -> str:
        return str(self.value)
