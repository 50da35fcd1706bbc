"""narcwatch's one exception tree.

Every error carries what was wrong and where, so a message can name the file, record,
line or field::

    NarcwatchError
    ├── UsageError            bad option or argument (CLI exit 2)
    ├── InputError            one input record or file could not be read
    │   └── NoInputError      nothing at all could be read (CLI exit 1)
    ├── KnowledgeBaseError    a knowledge-base entry is invalid (file, entry, field)
    ├── ComponentError        unknown or misconfigured pipeline component
    ├── StoreError            the data layer failed
    ├── NotFoundError         no such record, or one the caller may not see (API 404)
    ├── ConflictError         the record exists already (API 409)
    └── AccessError           not authenticated (401) or not allowed (403)
"""

from __future__ import annotations

from collections.abc import Iterable


class NarcwatchError(Exception):
    """Base of every error narcwatch raises on purpose."""


class UsageError(NarcwatchError):
    """A command-line or API argument is wrong; the message lists valid options."""

    def __init__(self, message: str, *, value: object = None, options: Iterable[str] = ()) -> None:
        self.value = value
        self.options = list(options)
        if self.options:
            message = f"{message} (valid: {', '.join(self.options)})"
        super().__init__(message)


class InputError(NarcwatchError):
    """One record (or a whole file) could not be read.

    ``source`` is the file or URL, ``location`` the line, record or byte offset
    (``"line 12"``, ``"record 3"``, ``"offset 4096"``) or ``None`` for the whole input,
    ``reason`` a short human sentence. ``str(err)`` reads ``file: line 12: reason``.
    """

    def __init__(self, source: str, location: str | None, reason: str) -> None:
        self.source = source
        self.location = location
        self.reason = reason
        where = f"{source}: {location}" if location else source
        super().__init__(f"{where}: {reason}")

    def to_dict(self) -> dict[str, str | None]:
        return {"source": self.source, "location": self.location, "reason": self.reason}

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str | None, str]]:
        # Errors cross process boundaries (worker pools, a cluster): rebuild from fields.
        return (type(self), (self.source, self.location, self.reason))


class NoInputError(InputError):
    """No input at all could be read."""


class KnowledgeBaseError(NarcwatchError):
    """A knowledge-base file or entry is invalid."""

    def __init__(
        self, file: str, reason: str, *, entry: str | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.reason = reason
        where = file + (f" [{entry}]" if entry else "") + (f" .{field}" if field else "")
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_knowledge_base_error, (self.file, self.reason, self.entry, self.field))


class ComponentError(NarcwatchError):
    """A pipeline component is unknown or its requirements are not met."""


class StoreError(NarcwatchError):
    """The data layer failed (cannot open, migrate or write)."""


class NotFoundError(NarcwatchError):
    """No such record, or one the caller may not see: the two are never told apart."""


class ConflictError(NarcwatchError):
    """The record exists already (an organisation, user or group of that name)."""


class AccessError(NarcwatchError):
    """Not authenticated (``status`` 401: no, unknown, expired or revoked token) or not
    allowed (403: a reader writing, another organisation editing)."""

    def __init__(self, message: str, *, status: int = 403) -> None:
        self.status = status
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_access_error, (str(self), self.status))


def _knowledge_base_error(
    file: str, reason: str, entry: str | None, field: str | None
) -> KnowledgeBaseError:
    return KnowledgeBaseError(file, reason, entry=entry, field=field)


def _access_error(message: str, status: int) -> AccessError:
    return AccessError(message, status=status)
