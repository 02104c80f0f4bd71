"""The composition root. Every entry point (the functions, the console, the portal, the
local stack, the tests) gets its parts from one `Root`, which builds each part on first use:
the webhook function, which only records deliveries, never builds the helpdesk, SES, S3 or
KMS clients, nor imports the decisions."""
