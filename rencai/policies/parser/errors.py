class ParseError(Exception):
    """A document that cannot be read or parsed; the message is Chinese and says what and where."""

    def __init__(self, message: str, *, code: str = "parse_error", line: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line
