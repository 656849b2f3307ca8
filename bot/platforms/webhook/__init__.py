"""The outgoing webhook door: deliveries the outbox makes to an HTTP receiver (the feedback webhook)."""
