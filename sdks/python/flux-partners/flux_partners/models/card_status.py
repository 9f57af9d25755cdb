from enum import StrEnum


class CardStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELED = "CANCELED"
    LOST = "LOST"
    NEED_ACTIVATION = "NEED_ACTIVATION"
    PREVENTIVE_BLOCK = "PREVENTIVE_BLOCK"
    STOLEN = "STOLEN"
    TEMPORARY_INACTIVE = "TEMPORARY_INACTIVE"

    def __str__(self) -> str:
        return str(self.value)
