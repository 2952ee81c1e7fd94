"""Outbound messages to victims: templates, channel choice and safety, the outbox and its delivery."""
