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
