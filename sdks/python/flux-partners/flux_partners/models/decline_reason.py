from enum import StrEnum


class DeclineReason(StrEnum):
    CARD_NOT_ACTIVE = "card_not_active"
    INCORRECT_PIN = "incorrect_pin"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    PIN_BLOCKED = "pin_blocked"
    PIN_NOT_SET = "pin_not_set"

    def __str__(self) -> str:
        return str(self.value)
