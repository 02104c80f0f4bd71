"""The model of a complaint: ticket events and deliveries, the complaint with its
assessment, clocks, referral and retention, outbound actions, audit entries and
decisions."""
