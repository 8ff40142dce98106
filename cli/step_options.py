"""The options a person types for each proposal step, derived from the step's model.

Framework-neutral: ``option_specs`` says what to ask for (flag, type, help,
whether it repeats), and ``step_payload`` turns what was typed into the
step's fields. The click commands (``cli.proposal_cmds``) make each spec
a ``click.Option``; another front end (a web form) can use the same specs.
Nothing here lists the steps: they come from ``domain.process.steps.STAFF_STEPS``, and each
option from a field of the step's model:

- a text, date or code field is ``--field-name`` (or the model's ``short_names``);
- a flag (``bool``) is ``--field-name`` with no value;
- a choice (an enum) is ``--field-name`` limited to its values;
- a tuple of text repeats a singular ``--remark``; of item numbers, a comma list;
- a tuple of clauses is a YAML/JSON file; a tuple of opinion requests is ``--ask AGENCY:DUE``;
- the document the step rests on is ``--doc-number``, ``--doc-date``, ``--doc-kind``, ….
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from domain.errors import InvalidInput
from domain.permissions import PERMITS, Party
from domain.process.consultation import OpinionRequest
from domain.process.declaration import ProcessStep
from domain.process.steps import STAFF_STEPS
from domain.values import SourceDocument


class OptionKind(StrEnum):
    TEXT = "text"
    FLAG = "flag"
    CHOICE = "choice"
    REPEATED = "repeated"
    COMMA_LIST = "comma_list"
    FILE = "file"
    ASK = "ask"


@dataclass(frozen=True)
class OptionSpec:
    flag: str
    """What is typed: ``--meeting``."""
    dest: str
    """Where the typed value is kept: the step's field (``meeting_date``), or ``doc_number``."""
    kind: OptionKind
    help: str | None = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None

    @property
    def repeatable(self) -> bool:
        return self.kind in (OptionKind.REPEATED, OptionKind.ASK)


DOCUMENT_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("--doc-number", "doc_number", OptionKind.TEXT, "the letter number as written"),
    OptionSpec("--doc-date", "doc_date", OptionKind.TEXT, "the document's date (ISO or Thai)"),
    OptionSpec("--doc-kind", "doc_kind", OptionKind.TEXT,
               "letter, memo, circular, annotation, stamp, meeting"),
    OptionSpec("--doc-title", "doc_title", OptionKind.TEXT, "the document's title"),
    OptionSpec("--doc-note", "doc_note", OptionKind.TEXT, "a note on the document"),
    OptionSpec("--issuer", "issuer", OptionKind.TEXT,
               "the issuing agency (default: the acting agency)"),
)
"""The options of the document a step rests on (its letter, memo or circular)."""

_DOCUMENT_KEYS = ("number", "date", "kind", "title", "note")


def verb(step_type: type[ProcessStep]) -> str:
    """The command's word for a step: ``request-opinions`` for ``request_opinions``."""
    return step_type.name().replace("_", "-")


def step_verbs() -> dict[str, type[ProcessStep]]:
    """Every step a person takes, by its command word."""
    return {verb(step_type): step_type for step_type in STAFF_STEPS.values()}


def document_field(step_type: type[ProcessStep]) -> str | None:
    """The field holding the document the step rests on, if it has one."""
    return next((name for name, info in step_type.model_fields.items()
                 if _bare(info.annotation) is SourceDocument), None)


def option_specs(step_type: type[ProcessStep]) -> tuple[OptionSpec, ...]:
    """Every option of a step, its document's first."""
    specs = list(DOCUMENT_OPTIONS) if document_field(step_type) else []
    for name, info in step_type.model_fields.items():
        if name == "step" or _bare(info.annotation) is SourceDocument:
            continue
        specs.append(_field_spec(name, info.annotation,
                                 info.description or _field_docs(step_type).get(name),
                                 step_type.short_names.get(name, name)))
    return tuple(specs)


@cache
def _field_docs(model: type) -> dict[str, str]:
    """The docstring written under each field of ``model`` and of its bases."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for field, after in itertools.pairwise(body):
            if (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
                    and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _field_spec(name: str, annotation: Any, description: str | None,
                typed_name: str) -> OptionSpec:
    flag = "--" + typed_name.replace("_", "-")
    # A field its model does not describe is named by what it holds.
    help = _first_line(description) or f"the step's {name.replace('_', ' ')}"
    bare = _bare(annotation)
    if bare is bool:
        return OptionSpec(flag, name, OptionKind.FLAG, help)
    if isinstance(bare, type) and issubclass(bare, Enum):
        return OptionSpec(flag, name, OptionKind.CHOICE, help,
                          choices=tuple(str(member.value) for member in bare))
    if get_origin(bare) is tuple:
        member = _bare(get_args(bare)[0])
        if member is OpinionRequest:
            return OptionSpec("--ask", name, OptionKind.ASK,
                              "an agency and its deadline, e.g. NESDC:2021-10-22 (repeat)",
                              metavar="AGENCY:DUE")
        if isinstance(member, type) and issubclass(member, BaseModel):
            return OptionSpec(flag, name, OptionKind.FILE,
                              _hinted(help, "a YAML or JSON file"), metavar="FILE")
        if member is str:
            singular = flag.removesuffix("s")
            return OptionSpec(singular, name, OptionKind.REPEATED, _hinted(help, "repeat"),
                              metavar=_metavar(singular))
        return OptionSpec(flag, name, OptionKind.COMMA_LIST,
                          _hinted(help, "comma-separated, e.g. 1,2"), metavar="LIST")
    return OptionSpec(flag, name, OptionKind.TEXT, help, metavar=_metavar(flag))


def step_payload(step_type: type[ProcessStep], typed: Mapping[str, Any], *,
                 acting_agency: str, fields: Mapping[str, Any] | None = None,
                 read_file: Callable[[str], Any]) -> dict[str, Any]:
    """The step's fields: ``fields`` (from a file), overridden by the ``typed`` options."""
    data: dict[str, Any] = dict(fields or {})
    data["step"] = step_type.name()
    document = document_field(step_type)
    if document and any(typed.get(f"doc_{key}") for key in _DOCUMENT_KEYS):
        current = dict(data.get(document) or {})
        current.setdefault("kind", step_type.document_kind)
        current.setdefault("issuer", typed.get("issuer") or acting_agency)
        for key in _DOCUMENT_KEYS:
            if typed.get(f"doc_{key}") is not None:
                current[key] = typed[f"doc_{key}"]
        data[document] = current
    for spec in option_specs(step_type):
        value = typed.get(spec.dest)
        if value is not None and spec not in DOCUMENT_OPTIONS:
            data[spec.dest] = _converted(spec, value, read_file)
    if PERMITS[step_type.name()].party is Party.NAMED_AGENCY:
        data.setdefault("agency", acting_agency)  # an agency gives its own opinion
    return data


def _converted(spec: OptionSpec, value: Any, read_file: Callable[[str], Any]) -> Any:
    if spec.kind is OptionKind.ASK:
        return [_ask(text) for text in value]
    if spec.kind is OptionKind.COMMA_LIST:
        return [part.strip() for part in str(value).split(",")]
    if spec.kind is OptionKind.FILE:
        return read_file(value)
    return value


def _ask(text: str) -> dict[str, str]:
    agency, _, due = text.partition(":")
    if not due:
        raise InvalidInput(f"{text!r} should be AGENCY:DUE, e.g. NESDC:2021-10-22",
                           field="--ask")
    return {"agency": agency, "due": due}


def _bare(annotation: Any) -> Any:
    """The type inside ``X | None`` and ``Annotated[X, …]``."""
    while hasattr(annotation, "__metadata__"):
        annotation = annotation.__origin__
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not NoneType]
        if len(members) == 1:
            return _bare(members[0])
    return annotation


def _hinted(help: str | None, hint: str) -> str:
    return f"{help.rstrip('.')} ({hint})" if help else hint


def _metavar(flag: str) -> str:
    return flag.removeprefix("--").replace("-", "_").upper()


def _first_line(text: str | None) -> str | None:
    return text.strip().splitlines()[0] if text else None
