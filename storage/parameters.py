"""Secrets in AWS Systems Manager Parameter Store, as SecureString parameters encrypted with
the account's key for SSM (or `key_id`): what `plaint connect` stores and the functions
read (bootstrap/secrets.py)."""

from __future__ import annotations

from typing import Any


class ParameterSecrets:
    """Reads and writes SecureString parameters; a write that would change nothing is not
    made, so storing the same secret twice leaves the parameter's version as it was."""

    def __init__(self, ssm: Any, key_id: str | None = None) -> None:
        self._ssm = ssm
        self._key_id = key_id

    def current(self, name: str) -> str | None:
        try:
            answer = self._ssm.get_parameter(Name=name, WithDecryption=True)
        except self._ssm.exceptions.ParameterNotFound:
            return None
        return str(answer["Parameter"]["Value"])

    def keep(self, name: str, value: str) -> bool:
        """Store `value` under `name`; whether anything changed."""
        if self.current(name) == value:
            return False
        request: dict[str, Any] = {
            "Name": name,
            "Value": value,
            "Type": "SecureString",
            "Overwrite": True,
            "Description": "Plaint: written by plaint connect",
        }
        if self._key_id:
            request["KeyId"] = self._key_id
        self._ssm.put_parameter(**request)
        return True
