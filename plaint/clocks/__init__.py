"""Clocks and calendars: business calendars, regulatory and service clocks frozen at
receipt, their warnings and breaches, and the acknowledgement deadline."""
