"""Named errors. Each message says what went wrong and how to fix it."""


class QuotebotError(Exception):
    """Base class for every error quotebot raises on purpose."""


class InputFileError(QuotebotError):
    """A source file cannot be indexed (missing, binary, empty, undecodable, wrong type)."""


class IndexLoadError(QuotebotError):
    """An index directory cannot be loaded."""


class IndexMissingError(IndexLoadError):
    """The index directory or one of its files is missing."""


class UnknownFormatError(IndexLoadError):
    """The manifest has a format version this release does not read."""


class ModelMismatchError(IndexLoadError):
    """The configured embedder differs from the one that built the index."""


class ChecksumError(IndexLoadError):
    """A file of the index does not match the checksum in its manifest."""


class WriterBusyError(QuotebotError):
    """Another process held the index's write lock for longer than the configured wait."""


class DocumentNotFoundError(QuotebotError, KeyError):
    """No document with the given id is indexed."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class EmptyDocumentError(InputFileError):
    """A text to index is empty or only whitespace."""


class InvalidRequestError(QuotebotError, ValueError):
    """A search or question argument is out of range (k below 1, a question too long)."""


class QuestionTooLongError(InvalidRequestError):
    """A question or search query is longer than ``Config.max_question_chars``."""
