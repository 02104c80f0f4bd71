"""Retention of complaint records: retention classes assigned at closure, legal holds,
disposal past the retention date, and erasure requests."""
