-- The event log: every write appends its events in its own transaction and
-- notifies guccho_events once. Ids come from event_counter, whose single row
-- stays locked until the writer commits, so ids increase in commit order and
-- a reader that has seen id N has seen every event before it.
CREATE TABLE guccho.events (
    id      bigint PRIMARY KEY,
    type    text NOT NULL,
    time    timestamptz NOT NULL DEFAULT now(),
    payload jsonb NOT NULL
);

CREATE TABLE guccho.event_counter (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    last bigint NOT NULL
);
INSERT INTO guccho.event_counter (last) VALUES (0);
