"""Errors whose message is meant for users: ``reason`` is a German sentence the UI, CLI and API show as is."""


class UserFacingError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
