"""ISO 10003: referral packets to external dispute-resolution providers."""
