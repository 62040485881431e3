"""Mail: the outbox every domain writes to, the delivery worker, and (later) the mailing lists."""
