"""The JSON Schema of every answer, as the files in ``schemas/`` hold them.

``scripts/gen-schemas`` writes them; a test fails when one differs from the
answer models, so a change of shape is made on purpose, with its schema.
"""

from __future__ import annotations

import json

from projections.queries import answers


def schema_texts() -> dict[str, str]:
    """File name → the schema of that answer's JSON (as dumped), in a stable layout."""
    texts = {}
    for name, model in answers().items():
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = f"https://cabinet-register.invalid/schemas/{name}.json"
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True)
        texts[f"{name}.json"] = text + "\n"
    return texts
