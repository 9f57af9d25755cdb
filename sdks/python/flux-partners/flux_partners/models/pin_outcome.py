from enum import StrEnum


class PinOutcome(StrEnum):
    CHANGED = "CHANGED"
    SET = "SET"

    def __str__(self) -> str:
        return str(self.value)
