from enum import StrEnum


class UpdateWebhookWebhookStatusType1(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"

    def __str__(self) -> str:
        return str(self.value)
