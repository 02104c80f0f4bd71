"""Inbound email: Amazon SES receipt notifications delivered over Amazon SNS.

`sns` checks the SNS envelope's signature, `ses` reads the SES notification inside it and
`mime` reads the raw message.
"""
