"""Messaging: the outbox, channels (email, text, letter, GOV.UK Notify), letters, the versioned standard
wordings and their rendering, channel safety and quiet hours, delivery callbacks, and the staff inbox.

It sits above `cases` and below `contacts` (README, "Layout"): contacts decides what to send and which
duty a message meets; messaging writes, routes and delivers it and says when it arrived
(messaging.hooks)."""
