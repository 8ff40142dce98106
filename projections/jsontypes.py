"""Text the views hold, typed for JSON Schema: ISO dates and fixed-width UTC moments.

The views keep dates and moments as ISO text (they sort and compare as text
on both databases), and answers pass them on as they are; these aliases say
in the generated schemas what that text is.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, WithJsonSchema

IsoDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
IsoMoment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class Row(BaseModel):
    """A read model's answer row: validated once, read-only, dumped as it is declared.

    Its validator and serializer are built on first use (``defer_build``), as
    every answer's are: a process builds only those of the answers it gives.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def absent_if_none(value: object) -> bool:
    """For fields that the JSON shape leaves out, rather than sets to null, when empty."""
    return value is None
