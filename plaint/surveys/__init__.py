"""Satisfaction surveys (ISO 10004): whom to ask and when, the signed links, the email,
the answer page's text, and answers recorded as decisions."""
