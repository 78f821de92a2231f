-- Desired state of the standalone worker: what Kafka keeps in its config topic
-- (connector configs, target states, task configs), one row per record.

CREATE TABLE connectors (
  name          TEXT PRIMARY KEY NOT NULL,
  -- JSON array of [key, value] pairs in the order the user gave them (an object would lose it)
  config        TEXT NOT NULL CHECK (json_valid(config) AND json_type(config) = 'array'),
  target_state  TEXT NOT NULL CHECK (target_state IN ('STARTED', 'PAUSED', 'STOPPED')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE task_configs (
  connector     TEXT NOT NULL REFERENCES connectors (name) ON DELETE CASCADE,
  task          INTEGER NOT NULL CHECK (task >= 0),
  -- same encoding as connectors.config
  config        TEXT NOT NULL CHECK (json_valid(config) AND json_type(config) = 'array'),
  PRIMARY KEY (connector, task)
) STRICT;
