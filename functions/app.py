"""Plaint's functions: the webhook API, the worker and the scheduler (AWS Lambda via Chalice)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice.app import Chalice, Rate
from chalicelib.surveys import surveys
from chalicelib.webhooks import webhooks
from chalicelib.wiring import deadline, runtime

from plaint.vocabulary.errors import CheckpointRollbackError, PlaintError

if TYPE_CHECKING:
    from bootstrap.root import Root
    from plaint.usecases.handling import ComplaintHandling

# Logs are JSON lines (chalicelib/observed.py, chalicelib/telemetry.py), not Chalice's text.
app = Chalice(app_name="plaint", configure_logs=False)
app.register_blueprint(webhooks)
app.register_blueprint(surveys)

INBOX_QUEUE = "plaint-inbox"
WHAT_IF_QUEUE = "plaint-what-if"


@app.on_sqs_message(queue=INBOX_QUEUE, batch_size=1)
def process_inbox(event: Any) -> None:
    """Judge each accepted delivery and carry out what it owes. Raising hands the message
    back to SQS; after five tries it is parked on plaint-inbox-parked for an operator."""
    from chalicelib import observed

    deadline.set_from(event.context)
    handling = runtime().handling
    for record in event:
        source, _, delivery_id = record.body.partition(":")
        observed.begin(delivery_id=delivery_id, source=source,
                       policy_version=handling.policy.version)  # fmt: skip
        try:
            for action in handling.process(record.body):
                handling.dispatch(action)
        finally:
            _report(handling)


def _report(handling: ComplaintHandling) -> None:
    """Log what the use cases committed and publish what they counted, once per invocation."""
    from chalicelib import observed

    measures, committed = handling.outcomes.take()
    observed.log_committed(committed)
    observed.publish(measures)
    observed.flush()


@app.on_sqs_message(queue=WHAT_IF_QUEUE, batch_size=1)
def run_what_if(event: Any) -> None:
    """Run a what-if the portal asked for (plaint.usecases.what_if_jobs): judge the recorded
    deliveries again under the draft and the active policy, writing progress and the report
    to the job. A job delivered twice runs once; raising hands the message back to SQS."""
    from chalicelib.observed import begin, logger

    deadline.set_from(event.context)
    runner = getattr(event.context, "aws_request_id", None) or uuid.uuid4().hex
    for record in event:
        begin()
        job = runtime().run_what_if(record.body.strip(), runner)
        if job is not None:
            logger.info("what-if run", extra={"job_id": job.job_id, "state": job.state,
                                              "tickets": job.total})  # fmt: skip


@app.schedule(Rate(15, unit=Rate.MINUTES))
def reconcile(event: Any) -> dict[str, list[dict[str, Any]]]:
    """Ask each helpdesk what changed and take in what no webhook delivered."""
    from chalicelib.observed import begin, logger, metrics, split

    deadline.set_from(event.context)
    rt = runtime()
    handling = rt.handling
    reports = []
    gaps = 0
    begin(policy_version=handling.policy.version)
    for feed in rt.feeds:
        try:
            report = handling.reconcile(feed)
        except PlaintError as exc:
            logger.warning("reconciliation stopped; the next run resumes",
                           extra={"source": feed.source, "error": type(exc).__name__})  # fmt: skip
            continue
        reports.append(vars(report))
        # Changes no webhook told us about: each one is a gap the reconciliation closed.
        split("ReconciliationGaps", ("source", report.source), report.gaps_closed)
        gaps += report.gaps_closed
        logger.info("reconciled", extra=vars(report))
    # The run's total, which ReconciliationGapsAlarm compares with its threshold.
    metrics.add_metric(name="ReconciliationGaps", unit="Count", value=gaps)
    _report(handling)
    return {"reports": reports}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def sweep(event: Any) -> dict[str, int]:
    """Redrive lost deliveries, retry due actions, record acknowledgements that fell due."""
    from chalicelib.observed import begin, logger

    deadline.set_from(event.context)
    rt = runtime()
    handling = rt.handling
    begin(policy_version=handling.policy.version)
    try:
        report = handling.sweep(rt.queue)
    finally:
        _dead_letter_depth(rt)
        _report(handling)
    if any(vars(report).values()):
        logger.info("swept", extra=vars(report))
    return vars(report)


def _dead_letter_depth(rt: Root) -> None:
    """Each dead-letter queue's depth, every minute, beside SQS's own metric."""
    from chalicelib.observed import logger, split

    try:
        depths = {name: queue.depth() for name, queue in rt.parked_queues.items()}
    except Exception as exc:  # a figure: never worth failing the sweep over
        logger.warning("dead-letter depth unread", extra={"error": type(exc).__name__})
        return
    for name, depth in depths.items():
        split("DeadLetterDepth", ("queue", name), depth)


@app.schedule(Rate(2, unit=Rate.MINUTES))
def checkpoint(event: Any) -> dict[str, Any]:
    """Sign a checkpoint over the audit window sealed last time, then seal the next."""
    from chalicelib.observed import begin, logger, metrics, split

    deadline.set_from(event.context)
    checkpointer = runtime().checkpointer
    begin()
    if checkpointer is None:
        logger.warning("no checkpoint key or archive configured: the audit log is unsigned")
        return {"checkpoint": None}
    ledger = checkpointer.ledger
    try:
        run = checkpointer.run()
    except CheckpointRollbackError as exc:
        # Loud: the metric (alarm on it), the log line, and a failed invocation.
        split("CheckpointRollback", ("Ledger", ledger))
        logger.error("checkpoint refused", extra={"ledger": ledger, "error": str(exc)})
        raise
    made = run.made
    copy = None if made else checkpointer.log.newest_checkpoint_copy(ledger)
    newest = made.body if made else copy.body if copy else None
    if newest is not None:
        age = (datetime.now(UTC) - newest.made_at).total_seconds()
        metrics.add_metric(name="CheckpointAge", unit="Seconds", value=max(0.0, age))
        metrics.flush_metrics()
    return {
        "checkpoint": made.number if made else None,
        "entries": made.body.entries if made else 0,
        "sealed_until": run.sealed_until.isoformat() if run.sealed_until else None,
    }
