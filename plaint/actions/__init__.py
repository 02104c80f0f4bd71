"""What Plaint does on the helpdesk: outbound actions claimed, done, rescheduled or
parked."""
