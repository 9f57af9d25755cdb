from enum import StrEnum


class ReportReason(StrEnum):
    LOST = "LOST"
    STOLEN = "STOLEN"

    def __str__(self) -> str:
        return str(self.value)
