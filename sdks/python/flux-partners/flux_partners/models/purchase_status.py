from enum import StrEnum


class PurchaseStatus(StrEnum):
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"

    def __str__(self) -> str:
        return str(self.value)
