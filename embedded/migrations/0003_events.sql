-- The event log: every write appends its events in its own transaction.
-- SQLite has one writer at a time, so ids increase in commit order.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    type    TEXT NOT NULL,
    time    TEXT NOT NULL,
    payload TEXT NOT NULL
);
