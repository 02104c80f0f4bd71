"""policies/schema.json, generated from the pydantic models: `python -m plaint.schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from plaint.policy.composition import EXTENDS
from plaint.policy.document import Policy

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "policies" / "schema.json"


def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(mode="validation")
    # A pack names its base and says only what it adds (plaint.policy.composition): the
    # fields a policy must have are required of a document that extends nothing.
    schema["properties"][EXTENDS] = {
        "type": "string",
        "minLength": 1,
        "description": "The base policy this one overlays: a file next to it, or a packaged "
        "pack (default.json, uk-fca-disp...). Objects merge by key, lists of items with an "
        "id by id, other lists as a union; docs/policy-packs.md.",
    }
    schema["if"] = {"not": {"required": [EXTENDS]}}
    schema["then"] = {"required": schema.pop("required")}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://plaint.example/schemas/policy-1.json"
    return schema


def rendered_schema() -> str:
    return json.dumps(policy_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH
    target.write_text(rendered_schema(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
