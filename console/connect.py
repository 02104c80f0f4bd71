"""`plaint connect zendesk|jira`: set a helpdesk up for Plaint through its own API (the
webhook and its signing secret, Zendesk's trigger or Jira's event subscription, the custom
fields) and store the secrets where the functions read them: Systems Manager parameters
(SecureString) in the cloud, the local stack's secrets file (mode 0600) on one machine.

`--dry-run` prints what it would do and changes nothing; a second run changes nothing.
With the local stack running (`make run`), every option has a default: its fake helpdesk,
its webhook API and its data directory.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Protocol

import boto3
import requests
from requests.auth import AuthBase

from bootstrap import local_stack
from connectors.jira import answers as jira_answers
from connectors.jira import client as jira_client
from connectors.jira import setup as jira_setup
from connectors.setup import AdminApi, Outcome, SetupError
from connectors.zendesk import answers as zendesk_answers
from connectors.zendesk import client as zendesk_client
from connectors.zendesk import setup as zendesk_setup
from plaint.policy.intake import JiraFieldMapping, intake_sections
from plaint.vocabulary.errors import PolicyError
from storage.parameters import ParameterSecrets

HELPDESKS: Final = ("zendesk", "jira")
DEFAULT_PREFIX: Final = "/plaint"
# The parameters functions/.chalice/config.json names, under DEFAULT_PREFIX.
PARAMETER_NAMES: Final = {"webhook_secrets": "webhook-secrets", "api_token": "api-token"}
LOCAL_CREDENTIALS: Final = ("agent@example.com", "local-token")  # the fakes take any
DEFAULT_POLICY: Final = Path(__file__).resolve().parent.parent / "policies" / "default.json"


class SecretStore(Protocol):
    def where(self, name: str) -> str: ...
    def current(self, name: str) -> str | None: ...
    def keep(self, name: str, value: str) -> bool: ...


class LocalSecrets:
    """The local stack's secrets file, keyed by the Settings field each secret fills."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def where(self, name: str) -> str:
        return f"{self.path} [{name}]"

    def current(self, name: str) -> str | None:
        return local_stack.kept_secrets(self.path).get(name)

    def keep(self, name: str, value: str) -> bool:
        kept = local_stack.kept_secrets(self.path)
        if kept.get(name) == value:
            return False
        local_stack.keep_secrets(self.path, {**kept, name: value})
        return True


class CloudSecrets:
    """SecureString parameters named `{prefix}/{helpdesk}/{webhook-secrets|api-token}`."""

    def __init__(self, ssm: Any, prefix: str) -> None:
        self._parameters = ParameterSecrets(ssm)
        self._prefix = prefix.rstrip("/")

    def where(self, name: str) -> str:
        helpdesk, _, secret = name.partition("_")
        return f"{self._prefix}/{helpdesk}/{PARAMETER_NAMES[secret]}"

    def current(self, name: str) -> str | None:
        return self._parameters.current(self.where(name))

    def keep(self, name: str, value: str) -> bool:
        return self._parameters.keep(self.where(name), value)


def add_commands(areas: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = areas.add_parser(
        "connect",
        help="set a helpdesk up for Plaint and store its secrets (--dry-run)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("helpdesk", choices=HELPDESKS)
    command.add_argument("--webhook-url", help="Plaint's webhook URL for this helpdesk "
                         "(https://<API Gateway URL>/api/webhooks/<helpdesk>)")  # fmt: skip
    command.add_argument("--base-url", help="the helpdesk's URL (PLAINT_<HELPDESK>_BASE_URL)")
    command.add_argument("--email", help="the admin's email (PLAINT_<HELPDESK>_EMAIL)")
    command.add_argument("--api-token", help="the admin's API token (PLAINT_<HELPDESK>_API_TOKEN)")
    command.add_argument("--policy", help="the policy whose helpdesk_fields to create "
                         "(PLAINT_POLICY_PATH, else policies/default.json)")  # fmt: skip
    command.add_argument("--jql", default=os.environ.get("PLAINT_JIRA_JQL_SCOPE", ""),
                         help='Jira: the issues it sends, e.g. "project = CARE"')  # fmt: skip
    command.add_argument("--secrets", choices=("ssm", "local"),
                         help="where to store the secrets: Systems Manager parameters, or "
                         "the local data directory (the default while the stack runs)")  # fmt: skip
    command.add_argument("--parameter-prefix", default=DEFAULT_PREFIX)
    command.add_argument("--data-dir", type=Path, help="the local data directory")
    command.add_argument("--endpoint-url", default=os.environ.get("PLAINT_AWS_ENDPOINT_URL"))
    command.add_argument("--rotate-secret", action="store_true",
                         help="a new webhook secret; the old one stays accepted too")  # fmt: skip
    command.add_argument("--dry-run", action="store_true", help="print, change nothing")


def run(args: argparse.Namespace) -> int:
    helpdesk: str = args.helpdesk
    stack = local_stack.running(args.data_dir)
    base_url = _given(args.base_url, helpdesk, "BASE_URL") or _stack_url(stack, helpdesk)
    webhook_url = args.webhook_url or (
        f"{stack.api_url}/webhooks/{helpdesk}" if stack and stack.api_url else None
    )
    if not base_url or not webhook_url:
        missing = "--base-url" if not base_url else "--webhook-url"
        print(f"{missing} is needed: no local stack with a fake {helpdesk} is running")
        return 2
    store = _store(args, stack)
    api = AdminApi(base_url, _auth(helpdesk, _credentials(args, helpdesk, stack)),
                   _words(helpdesk), dry_run=args.dry_run)  # fmt: skip
    try:
        outcome = _set_up(helpdesk, api, webhook_url, args, store)
    except SetupError as exc:
        print(f"{helpdesk} refused the set-up: {exc}")
        return 1
    except PolicyError as exc:
        print(exc)
        return 1
    token = _given(args.api_token, helpdesk, "API_TOKEN")
    if token:
        outcome.secrets[f"{helpdesk}_api_token"] = token
    _store_secrets(outcome, store, args.dry_run)
    for step in outcome.steps:
        print(step.line(args.dry_run))
    print(_summary(outcome, args.dry_run))
    return 0


def _set_up(
    helpdesk: str, api: AdminApi, webhook_url: str, args: argparse.Namespace, store: SecretStore
) -> Outcome:
    if helpdesk == "zendesk":
        return zendesk_setup.connect(api, webhook_url, rotate=args.rotate_secret)
    return jira_setup.connect(
        api, webhook_url, _jira_mapping(args.policy), jql=args.jql,
        stored_secret=store.current("jira_webhook_secrets"), rotate=args.rotate_secret,
    )  # fmt: skip


def _store_secrets(outcome: Outcome, store: SecretStore, dry_run: bool) -> None:
    for name, value in outcome.secrets.items():
        before = store.current(name)
        if before == value:
            outcome.add("keep", f"secret {store.where(name)}")
            continue
        if not dry_run:
            store.keep(name, value)
        outcome.add("create" if before is None else "update", f"secret {store.where(name)}")


def _summary(outcome: Outcome, dry_run: bool) -> str:
    if dry_run:
        return f"dry run: {outcome.changes} change(s) to make, nothing changed"
    if outcome.changes == 0:
        return "nothing to change: already connected"
    return f"{outcome.changes} change(s) made"


def _given(value: str | None, helpdesk: str, variable: str) -> str | None:
    return value or os.environ.get(f"PLAINT_{helpdesk.upper()}_{variable}") or None


def _stack_url(stack: local_stack.LocalStack | None, helpdesk: str) -> str | None:
    if stack is None:
        return None
    return stack.zendesk_url if helpdesk == "zendesk" else stack.jira_url


def _credentials(
    args: argparse.Namespace, helpdesk: str, stack: local_stack.LocalStack | None
) -> tuple[str, str] | str:
    email = _given(args.email, helpdesk, "EMAIL")
    token = _given(args.api_token, helpdesk, "API_TOKEN")
    if token is None and stack is not None:
        return LOCAL_CREDENTIALS
    return (email, token or "") if email else token or ""


def _auth(helpdesk: str, credentials: tuple[str, str] | str) -> AuthBase:
    if helpdesk == "zendesk":
        return zendesk_client.auth_for(credentials)
    return jira_client.auth_for(credentials)


def _words(helpdesk: str) -> Callable[[requests.Response], str]:
    if helpdesk == "zendesk":
        return zendesk_answers.zendesk_message
    return jira_answers.jira_message


def _store(args: argparse.Namespace, stack: local_stack.LocalStack | None) -> SecretStore:
    where = args.secrets or ("local" if stack is not None or args.data_dir else "ssm")
    if where == "local":
        folder = args.data_dir or local_stack.data_dir()
        return LocalSecrets(folder / local_stack.SECRETS_FILE)
    ssm = boto3.client("ssm", endpoint_url=args.endpoint_url)
    return CloudSecrets(ssm, args.parameter_prefix)


def _jira_mapping(path: str | None) -> JiraFieldMapping:
    chosen = path or os.environ.get("PLAINT_POLICY_PATH")
    document = Path(chosen) if chosen else DEFAULT_POLICY
    return intake_sections(document.read_text(encoding="utf-8")).helpdesk_fields.jira
