"""The admin's policy document: its models (rules, calendars, regimes and clocks,
providers, retention classes, letter packs), loading with line numbers, diff, schema and
the policy book."""
