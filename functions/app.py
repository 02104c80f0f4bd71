"""Plaint's functions: the webhook API, the worker and the scheduler (AWS Lambda via Chalice)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from chalice.app import Chalice, Rate
from chalicelib.surveys import surveys
from chalicelib.webhooks import webhooks
from chalicelib.wiring import deadline, runtime

from plaint.vocabulary.errors import CheckpointRollbackError, PlaintError

app = Chalice(app_name="plaint")
app.log.setLevel(logging.INFO)
app.register_blueprint(webhooks)
app.register_blueprint(surveys)

INBOX_QUEUE = "plaint-inbox"
WHAT_IF_QUEUE = "plaint-what-if"


@app.on_sqs_message(queue=INBOX_QUEUE, batch_size=1)
def process_inbox(event: Any) -> None:
    """Judge each accepted delivery and carry out what it owes. Raising hands the message
    back to SQS; after five tries it is parked on plaint-inbox-parked for an operator."""
    deadline.set_from(event.context)
    handling = runtime().handling
    for record in event:
        for action in handling.process(record.body):
            handling.dispatch(action)


@app.on_sqs_message(queue=WHAT_IF_QUEUE, batch_size=1)
def run_what_if(event: Any) -> None:
    """Run a what-if the portal asked for (plaint.usecases.what_if_jobs): judge the recorded
    deliveries again under the draft and the active policy, writing progress and the report
    to the job. A job delivered twice runs once; raising hands the message back to SQS."""
    deadline.set_from(event.context)
    runner = getattr(event.context, "aws_request_id", None) or uuid.uuid4().hex
    for record in event:
        job = runtime().run_what_if(record.body.strip(), runner)
        if job is not None:
            app.log.info("what-if %s: %s, %d tickets", job.job_id, job.state, job.total)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def reconcile(event: Any) -> dict[str, list[dict[str, Any]]]:
    """Ask each helpdesk what changed and take in what no webhook delivered."""
    deadline.set_from(event.context)
    rt = runtime()
    reports = []
    for feed in rt.feeds:
        try:
            reports.append(vars(rt.handling.reconcile(feed)))
        except PlaintError as exc:
            app.log.warning(
                "reconciliation with %s stopped; the next run resumes: %s", feed.source, exc
            )
    return {"reports": reports}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def sweep(event: Any) -> dict[str, int]:
    """Redrive lost deliveries, retry due actions, record acknowledgements that fell due."""
    deadline.set_from(event.context)
    rt = runtime()
    report = rt.handling.sweep(rt.queue)
    if any(vars(report).values()):
        app.log.info("sweep: %s", report)
    return vars(report)


@app.schedule(Rate(2, unit=Rate.MINUTES))
def checkpoint(event: Any) -> dict[str, Any]:
    """Sign a checkpoint over the audit window sealed last time, then seal the next."""
    deadline.set_from(event.context)
    checkpointer = runtime().checkpointer
    if checkpointer is None:
        app.log.warning("no checkpoint key or archive configured: the audit log is unsigned")
        return {"checkpoint": None}
    try:
        run = checkpointer.run()
    except CheckpointRollbackError as exc:
        # Loud: the metric (alarm on it), the log line, and a failed invocation. Imported
        # here so the webhook's cold start does not load the checkpoint path.
        from plaint.usecases.checkpointing import rollback_metric

        print(rollback_metric(checkpointer.ledger, datetime.now(UTC), str(exc)), flush=True)
        raise
    made = run.made
    return {
        "checkpoint": made.number if made else None,
        "entries": made.body.entries if made else 0,
        "sealed_until": run.sealed_until.isoformat() if run.sealed_until else None,
    }
