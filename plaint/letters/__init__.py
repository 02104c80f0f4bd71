"""Letters to the complainant: the acknowledgement, and the checks a final response,
summary resolution or holding response passes before its milestone is recorded."""
