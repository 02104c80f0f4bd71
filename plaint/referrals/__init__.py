"""External dispute resolution (ISO 10003): triggers, choosing a provider, eligibility, the
referral packet and the referral's steps to its close."""
