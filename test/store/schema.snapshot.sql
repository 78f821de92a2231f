-- Schema after all migrations, from sqlite_master. Regenerate: UPDATE_SNAPSHOT=1 node --import tsx --test test/store/migrate.test.ts

CREATE TABLE connectors (
  name          TEXT PRIMARY KEY NOT NULL,
  -- JSON array of [key, value] pairs in the order the user gave them (an object would lose it)
  config        TEXT NOT NULL CHECK (json_valid(config) AND json_type(config) = 'array'),
  target_state  TEXT NOT NULL CHECK (target_state IN ('STARTED', 'PAUSED', 'STOPPED')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE schema_migrations (
  id          INTEGER PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  applied_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE task_configs (
  connector     TEXT NOT NULL REFERENCES connectors (name) ON DELETE CASCADE,
  task          INTEGER NOT NULL CHECK (task >= 0),
  -- same encoding as connectors.config
  config        TEXT NOT NULL CHECK (json_valid(config) AND json_type(config) = 'array'),
  PRIMARY KEY (connector, task)
) STRICT;
