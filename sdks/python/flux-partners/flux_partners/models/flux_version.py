from enum import StrEnum


class FluxVersion(StrEnum):
    VALUE_0 = "2026-11-30"

    def __str__(self) -> str:
        return str(self.value)
