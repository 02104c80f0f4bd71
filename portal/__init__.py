"""The auditor/admin portal: a WSGI app (Flask) that Zappa deploys, apart from the webhook
functions. Today it serves the read-only audit API."""
