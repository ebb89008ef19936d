"""The change feed: how a commit in one process reaches the others (streams, wake-ups, cancels).

* PostgreSQL: the writer sends one ``NOTIFY`` per batch (ids, ``seq`` range and status of the
  operations it changed; delivered at commit, in commit order) and every process ``LISTEN``\\ s.
* SQLite (several processes on one machine): the writer thread watches ``PRAGMA data_version``,
  which changes when another connection commits, and then reads the event rows added since, in
  rowid order (one writer at a time makes rowids follow commit order).

Either way the persisted log stays the source of truth: the feed only says where to read, and a
subscriber that sees a gap reads the log.
"""
