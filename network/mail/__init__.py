"""Mail infrastructure every domain uses: the outbox, composing, the delivery worker, address health."""
