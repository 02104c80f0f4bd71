"""The use cases: carry the engine's decisions through the ports (accept, process,
dispatch, sweep, reconcile, escalate, erase, checkpoint, verify). Nothing else talks to the
ports."""
