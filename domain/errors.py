"""Errors the register raises when it refuses a command.

Every refusal is raised before anything is saved, so a refused command leaves
the event store as it was. ``field`` names the input that is wrong (a dotted
path where the input is nested) so the interface layer can point at it.
"""

from __future__ import annotations


class RegisterError(Exception):
    """The register refused a command; nothing was stored."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def at(self, prefix: str) -> RegisterError:
        """The same refusal, its field placed under ``prefix`` (e.g. a record in a file)."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        clone = type(self).__new__(type(self))
        RegisterError.__init__(clone, self.message, field=field)
        return clone

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(RegisterError, ValueError):
    """A value is malformed: a date, a letter number, a code.

    Also a ``ValueError`` so that pydantic validators raising it report the
    field's location in the input.
    """


class InvalidDate(InvalidInput):
    pass


class InvalidDocumentNumber(InvalidInput):
    pass


class UnknownAgency(InvalidInput):
    pass


class NotFound(RegisterError):
    """A referenced resolution, clause, proposal or document is not in the register."""


class ResolutionNotFound(NotFound):
    pass


class ClauseNotFound(NotFound):
    pass


class ProposalNotFound(NotFound):
    pass


class HolidayNotDeclared(NotFound):
    pass


class Conflict(RegisterError):
    """The command contradicts what the register already holds."""


class ClauseNotInForce(Conflict):
    pass


class RescissionBeforeResolution(Conflict):
    pass


class DocumentNumberReused(Conflict):
    """The same document number already names a different document."""


class ResolutionConflict(Conflict):
    """A resolution with the same key is already recorded with other content."""


class NotPermitted(RegisterError):
    """The acting agency or role may not do this."""


class WrongStage(RegisterError):
    """The proposal is not at a stage where this step is allowed."""
