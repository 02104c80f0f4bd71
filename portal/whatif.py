"""What-ifs as jobs (plaint.usecases.what_if_jobs): the portal records and queues one, a
worker runs it (the functions' `run_what_if`, or the local stack's worker), and the page
polls the job's progress from the store, so any portal container can show it. The portal
itself judges nothing and writes only the job's request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from plaint.usecases.ports import Queue
from plaint.usecases.what_if import WhatIfReport
from plaint.usecases.what_if_jobs import WhatIfJob, WhatIfJobs, request_what_if
from plaint.vocabulary.errors import PlaintError

if TYPE_CHECKING:
    from portal.sources import PolicyBook


class WhatIfDesk:
    def __init__(
        self,
        jobs: WhatIfJobs,
        queue: Queue,
        policies: PolicyBook,
        clock: Callable[[], datetime],
    ) -> None:
        self._jobs = jobs
        self._queue = queue
        self._policies = policies
        self._clock = clock

    def start(self, draft_text: str, by: str, days: int, token: str) -> WhatIfJob:
        """Raises PlaintError when there is no active policy to compare with, PolicyError
        for a draft that does not parse."""
        active = self._policies.active()
        if active is None or active[1] is None:
            raise PlaintError("no active policy to compare the draft with")
        return request_what_if(
            self._jobs, self._queue, draft_text=draft_text, active_version=active[0],
            days=days, by=by, token=token, now=self._clock(),
        )  # fmt: skip

    def job(self, job_id: str) -> WhatIfJob | None:
        return self._jobs.get_job(job_id)

    def report(self, job_id: str) -> WhatIfReport | None:
        return self._jobs.job_report(job_id)


class QueueOnFirstUse:
    """A queue looked up when first sent to, so building the portal asks nothing of SQS."""

    def __init__(self, make: Callable[[], Queue]) -> None:
        self._make = make

    def enqueue(self, delivery_key: str) -> None:
        self._make().enqueue(delivery_key)
