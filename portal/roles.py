"""Who is looking: the viewer's name, role, language and time zone, and what each role may
see and do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    # Reads the log, the complaints, verification, reports and exports. Never sees the
    # personal values kept beside entries, never reaches an admin page.
    AUDITOR = "auditor"
    # Everything an auditor does, plus the policy pages (draft, what-if, propose,
    # approve); sees personal values, because the people who handle complaints need them.
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    name: str
    role: Role
    language: str
    time_zone: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def sees_personal(self) -> bool:
        return self.role is Role.ADMIN
