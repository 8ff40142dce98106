"""A step's form, derived from the step's model: each field's type says which input it is.

Nothing here lists steps or their fields: they come from
``domain.process.steps.STAFF_STEPS`` and each model's ``model_fields``, so a
step added to the process gets its form. Inputs are named by the field's
dotted path (``letter.date``), the same path a refusal's ``field`` names, so
an error is shown beside the input it is about:

- the document a step rests on (``SourceDocument``) is a group: number, date,
  kind, title, note (its issuer is the acting agency unless typed);
- a date is a text input typed as staff write dates (ISO or any Thai form);
- a flag is a checkbox, a choice (an enum) a select;
- a list of text is a textarea, one per line; a list of item numbers is comma-separated;
- opinion requests are lines ``AGENCY DATE``; clauses are YAML (a list of mappings);
- a document's scan (PDF or image) is a file input, stored by its hash (``attach_files``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from domain.errors import InvalidInput
from domain.process.consultation import OpinionRequest
from domain.process.declaration import ProcessStep
from domain.values import Attachment, DocumentKind, SourceDocument
from workers.storage.attachments import AttachmentStore, describe

DOCUMENT_PARTS = ("number", "date", "kind", "title", "note", "issuer")


@dataclass(frozen=True)
class Input:
    name: str
    """The field's dotted path: the form's input name and a refusal's ``field``."""
    kind: str
    """text, date, checkbox, select, lines, items, requests, yaml"""
    required: bool
    choices: tuple[str, ...] = ()
    default: str = ""


@dataclass(frozen=True)
class StepForm:
    step: str
    inputs: tuple[Input, ...]


def _bare(annotation: Any) -> Any:
    """The type inside ``X | None`` and ``Annotated[X, …]``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            members = [a for a in get_args(annotation) if a is not NoneType]
            # A date or code is a union of its canonical form and a parser: the first names it.
            annotation = members[0]
        else:
            return annotation


def step_form(step_type: type[ProcessStep], acting_agency: str) -> StepForm:
    inputs: list[Input] = []
    for name, info in step_type.model_fields.items():
        if name == "step":
            continue
        bare = _bare(info.annotation)
        required = info.is_required()
        if bare is SourceDocument:
            inputs += [
                Input(f"{name}.number", "text", False),
                Input(f"{name}.date", "date", True),
                Input(f"{name}.kind", "select", True,
                      tuple(k.value for k in DocumentKind), step_type.document_kind),
                Input(f"{name}.title", "text", False),
                Input(f"{name}.note", "text", False),
                Input(f"{name}.issuer", "text", True, default=acting_agency),
                Input(f"{name}.attachment", "file", False),
            ]
        elif bare is bool:
            inputs.append(Input(name, "checkbox", False))
        elif isinstance(bare, type) and issubclass(bare, Enum):
            inputs.append(Input(name, "select", required, tuple(str(m.value) for m in bare)))
        elif bare is date:
            inputs.append(Input(name, "date", required))
        elif get_origin(bare) is tuple:
            member = _bare(get_args(bare)[0])
            if member is OpinionRequest:
                kind = "requests"
            elif isinstance(member, type) and issubclass(member, BaseModel):
                kind = "yaml"
            elif name.endswith("items"):
                kind = "items"
            else:
                kind = "lines"
            inputs.append(Input(name, kind, required))
        else:
            default = acting_agency if name == "agency" else ""
            inputs.append(Input(name, "text", required, default=default))
    return StepForm(step_type.name(), tuple(inputs))


def payload(form: StepForm, posted: FormData) -> dict[str, Any]:
    """The step's fields from what was posted; pydantic validates them next."""
    data: dict[str, Any] = {"step": form.step}
    for spec in form.inputs:
        raw = posted.get(spec.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if spec.kind == "checkbox":
            value: Any = raw is not None
        elif not text:
            continue
        elif spec.kind == "lines":
            value = [line.strip() for line in text.splitlines() if line.strip()]
        elif spec.kind == "items":
            value = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
        elif spec.kind == "requests":
            value = [_request(line, spec.name, i)
                     for i, line in enumerate(ln for ln in text.splitlines() if ln.strip())]
        elif spec.kind == "yaml":
            value = _yaml(text, spec.name)
        else:
            value = text
        head, _, part = spec.name.partition(".")
        if part:
            data.setdefault(head, {})[part] = value
        else:
            data[head] = value
    return data


async def attach_files(form: StepForm, posted: FormData, fields: dict[str, Any],
                       store: AttachmentStore) -> None:
    """Store each file chosen in the form and name it in its document's fields."""
    for spec in form.inputs:
        upload = posted.get(spec.name)
        if spec.kind != "file" or not isinstance(upload, UploadFile) or not upload.filename:
            continue  # no file chosen: the browser sends an empty part without a name
        data = await upload.read()
        attachment = await run_in_threadpool(describe_and_put, store, data, spec.name)
        head, _, part = spec.name.partition(".")
        fields.setdefault(head, {})[part] = attachment.model_dump(mode="json")


def describe_and_put(store: AttachmentStore, data: bytes, field: str) -> Attachment:
    describe(data, field=field)  # refused (naming the input) before anything is written
    return store.put_bytes(data)


def _request(line: str, field: str, index: int) -> dict[str, str]:
    agency, _, due = line.strip().partition(" ")
    if not due.strip():
        raise InvalidInput(f"{line.strip()!r} should be an agency and a date, "
                           "e.g. MOI ๗ ต.ค. ๒๕๖๔", field=f"{field}[{index}]")
    return {"agency": agency, "due": due.strip()}


def _yaml(text: str, field: str) -> Any:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(f"not readable as YAML: {error}", field=field) from None
    if not isinstance(value, list):
        raise InvalidInput("a list of items (each a mapping with number and summary)",
                           field=field)
    return value
