"""What a policy rests on: the texts it cites, and the files it was composed from."""

from __future__ import annotations

from pydantic import Field

from plaint.vocabulary.base import Frozen


class Citation(Frozen):
    """A rule, a regulator's page or a provider's own page the policy relies on."""

    title: str = Field(min_length=1, description="What it is, e.g. FCA Handbook DISP 2.8.2R.")
    url: str = Field(default="", description="Where to read it.")
    note: str = Field(default="", description="What the policy takes from it.")


class Layer(Frozen):
    """One file of a composed policy, base first: its name as the policy named it, and the
    SHA-256 of its bytes, so the effective policy can be rebuilt from the same files."""

    file: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
