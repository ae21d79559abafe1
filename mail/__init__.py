"""The email channel (issue 13): mail in from IMAP, an MTA pipe and providers' webhooks."""
