"""The exception that ends a command with an exit code."""


class Exit(Exception):
    """Raised after the message was printed; rc is vzctl's exit code."""

    def __init__(self, rc):
        Exception.__init__(self, rc)
        self.rc = rc
