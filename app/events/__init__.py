"""Events: /events (views), the calendar files (ics), /api/v1/events (api), the
"express interest in future events" subscription (subscriptions) and the
bundled demo events (records)."""
