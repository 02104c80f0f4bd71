"""policies/schema.json, generated from the pydantic models: `python -m plaint.schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from plaint.policy.document import Policy

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "policies" / "schema.json"


def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(mode="validation")
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
