"""Reading the YAML and JSON files staff give (imports, a step's fields), defensively.

Its own module because YAML's parser is only needed by the commands that read
files, not by the questions to the register.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from domain.errors import InvalidInput

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest file the register reads (an import of 5,000 resolutions is about 6 MB)."""


def load_structured(path: Path) -> dict[str, Any]:
    """The mapping a YAML or JSON file holds, by extension (JSON is faster for big files).

    Refused, naming ``file``: a file over MAX_FILE_BYTES (or endless, such as a
    device), an empty one, one that is not a mapping at the top, a key given
    twice in one mapping, and nesting deeper than the parser's recursion allows.
    """
    raw = _read_bounded(path)
    if not raw.strip():
        raise InvalidInput(f"{path.name} is empty", field="file")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
        else:
            data = yaml.load(raw, Loader=_UniqueKeyLoader)  # a SafeLoader
    except (json.JSONDecodeError, UnicodeDecodeError, yaml.YAMLError) as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise InvalidInput(f"{path.name} is not valid YAML or JSON{line}: "
                           f"{getattr(error, 'problem', None) or error}", field="file") from None
    except RecursionError:
        raise InvalidInput(f"{path.name} is nested too deeply to be a record",
                           field="file") from None
    if data is None:
        raise InvalidInput(f"{path.name} holds no data", field="file")
    if not isinstance(data, dict):
        raise InvalidInput(f"{path.name} must hold a mapping of named fields at the top, "
                           f"not a {type(data).__name__}", field="file")
    return data


def _read_bounded(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}", field="file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder, not a file", field="file") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidInput(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MB; split it",
                           field="file")
    return raw


class DuplicateKey(InvalidInput):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"key {key!r} appears twice in one mapping", field="file")
            seen.add(key)
    return found


def _no_constant(name: str) -> Any:
    raise InvalidInput(f"{name} is not a value the register reads", field="file")


MAX_NODES = 5_000_000
"""Values in a file once its YAML aliases are expanded (a 6 MB import has about 1.5 million)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (it keeps the last),
    and a few aliases that expand to billions of values ("billion laughs")."""

    def construct_document(self, node: yaml.Node) -> Any:
        _expanded_size(node, {})
        return super().construct_document(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base class refuses it
            if first is not None:
                raise DuplicateKey(f"key {key!r} appears twice in one mapping (lines {first}"
                                   f" and {line})", field="file")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, known: dict[int, int]) -> int:
    size = known.get(id(node))
    if size is not None:
        return size
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, known) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(key, known) + _expanded_size(value, known)
                    for key, value in node.value)
    if size > MAX_NODES:
        raise InvalidInput(f"the file expands to more than {MAX_NODES:,} values (through its"
                           " aliases)", field="file")
    known[id(node)] = size
    return size
