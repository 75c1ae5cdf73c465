/**
 * Versioned schema migrations, in order. Never edit one that has shipped: add the next.
 * They live in TypeScript rather than .sql files so every bundle (the dev runner, the
 * tests, a deploy-time migration Lambda) carries them without file-system lookups.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rooms, members, messages',
    sql: `
      CREATE TABLE rooms (
        id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
        visibility  text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
        -- The last seq handed out; a message takes last_seq + 1 in the statement that stores it.
        last_seq    bigint NOT NULL DEFAULT 0,
        created_by  text,
        created_at  timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE room_members (
        room_id    text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        user_id    text NOT NULL,
        role       text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
        banned_at  timestamptz,
        joined_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX room_members_user ON room_members (user_id);

      CREATE TABLE messages (
        room_id        text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        seq            bigint NOT NULL,
        id             uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        user_id        text NOT NULL,
        content        text NOT NULL,
        client_msg_id  text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (room_id, seq),
        -- A retried send with the same key stores once (NULL keys never collide).
        UNIQUE (room_id, user_id, client_msg_id)
      );
    `,
  },
  {
    version: 2,
    name: 'append_message function for the send path',
    // PL/pgSQL keeps the plan of the statement inside for the life of the backend, so a
    // send no longer pays for parsing and planning the CTE each time: the caller's
    // statement stays unnamed (a named one would pin RDS Proxy sessions) and is trivial to
    // plan. A duplicate clientMsgId raises the unique violation as before.
    sql: `
      CREATE FUNCTION append_message(
        p_room_id text, p_user_id text, p_content text, p_client_msg_id text
      ) RETURNS SETOF messages LANGUAGE plpgsql AS $fn$
      BEGIN
        RETURN QUERY
        WITH next AS (
          UPDATE rooms SET last_seq = last_seq + 1 WHERE id = p_room_id RETURNING last_seq
        )
        INSERT INTO messages (room_id, seq, user_id, content, client_msg_id)
        SELECT p_room_id, next.last_seq, p_user_id, p_content, p_client_msg_id FROM next
        RETURNING *;
      END
      $fn$;
    `,
  },
  {
    version: 3,
    name: 'time-ordered message ids',
    // A random UUID lands on a random leaf of the unique index on id, and the first change
    // to a page after each checkpoint writes the whole 8 KB page to the WAL, which a send
    // then waits on flushing (docs/decisions/2026-12-06-send-path-costs.md).
    // A UUIDv7 (RFC 9562: Unix milliseconds, then random bits) is unique the same way
    // and keeps inserts on the index's newest page. PostgreSQL 18 has uuidv7(); this is
    // the same layout for the versions RDS runs today. Existing ids stay as they are.
    sql: `
      CREATE FUNCTION parley_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $fn$
        SELECT encode(
          set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
              placing substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
            52, 1), 53, 1),
          'hex')::uuid
      $fn$;
      ALTER TABLE messages ALTER COLUMN id SET DEFAULT parley_uuid_v7();
    `,
  },
  {
    version: 4,
    name: 'a lighter send statement',
    // Per send, the id default re-plans its SQL function in every statement, and PostgreSQL
    // re-checks every CHECK constraint of a row it updates, so each seq bump ran the room
    // id's regex again (docs/decisions/2026-12-06-send-path-costs.md). So the caller
    // passes the id (a UUIDv7, the same layout as the default), the room id's format is
    // checked by a trigger on insert (and on a change of id) instead, and the statement
    // returns only what the caller does not already have. The old 4-argument function
    // stays for handlers still running during a deploy.
    sql: `
      CREATE FUNCTION append_message(
        p_room_id text, p_user_id text, p_content text, p_client_msg_id text, p_id uuid
      ) RETURNS TABLE (seq bigint, created_at timestamptz) LANGUAGE plpgsql AS $fn$
      BEGIN
        RETURN QUERY
        WITH next AS (
          UPDATE rooms SET last_seq = last_seq + 1 WHERE id = p_room_id RETURNING last_seq
        )
        INSERT INTO messages AS m (room_id, seq, id, user_id, content, client_msg_id)
        SELECT p_room_id, next.last_seq, p_id, p_user_id, p_content, p_client_msg_id FROM next
        RETURNING m.seq, m.created_at;
      END
      $fn$;

      CREATE FUNCTION parley_check_room_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.id !~ '^[A-Za-z0-9_-]{1,64}$' THEN
          RAISE EXCEPTION 'new row for relation "rooms" violates check constraint "rooms_id_check"'
            USING ERRCODE = 'check_violation', TABLE = 'rooms', CONSTRAINT = 'rooms_id_check';
        END IF;
        RETURN NEW;
      END
      $fn$;
      ALTER TABLE rooms DROP CONSTRAINT rooms_id_check;
      CREATE TRIGGER rooms_id_check BEFORE INSERT OR UPDATE OF id ON rooms
        FOR EACH ROW EXECUTE FUNCTION parley_check_room_id();
    `,
  },
];
