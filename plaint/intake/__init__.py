"""Intake and initial assessment (ISO 10002 7.2, 7.5): where a ticket event becomes a
complaint, or stays a ticket, and how later events on it are judged."""
