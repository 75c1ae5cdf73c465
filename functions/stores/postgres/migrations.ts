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

/**
 * The characters search splits into bigrams (migration 8): Hiragana, Katakana, CJK
 * ideographs (with extension A, the compatibility block and the supplementary planes) and
 * Hangul syllables, as PostgreSQL regular-expression class contents.
 */
const CJK_CHARS =
  '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\U00020000-\\U0003134f';
const CJK = `[${CJK_CHARS}]`;
/**
 * CJK punctuation (the CJK symbols block, fullwidth ASCII punctuation, halfwidth forms'
 * punctuation), made spaces before the parser reads the text: under a C locale (the dev
 * server's embedded PostgreSQL) the parser takes any non-ASCII character for a letter, so
 * `。` would be a word there and not under RDS's en_US.UTF-8. Held equal to the core's
 * `CJK_PUNCTUATION` by a test.
 */
export const CJK_PUNCTUATION_CHARS =
  '\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65';

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
  {
    version: 5,
    name: 'governed rooms: names, DMs, roles, bans, mutes, slow mode, edits, audit',
    // Everything v2 of the protocol adds to rooms and messages (docs/protocol.md). Only
    // nullable columns or constant defaults, so no table is rewritten and every v1 row
    // stays as it was. `rooms` gets no CHECK constraint: the send path updates its row on
    // every message and PostgreSQL would re-check each one (see migration 4); the new
    // columns are checked by a trigger on the statements that set them instead.
    //
    // append_message keeps its signature (handlers running during a deploy call it) and
    // now also refuses, in the same statement, a sender who is no longer a member, is
    // banned or muted, or is inside the room's slow mode: one primary-key read of their
    // member row (docs/decisions/2026-12-06-governed-rooms.md). Its refusals carry our own
    // SQLSTATEs, which the adapter turns into `forbidden` and `rate_limited`.
    sql: `
      ALTER TABLE rooms
        ADD COLUMN name text,
        ADD COLUMN kind text NOT NULL DEFAULT 'room',
        ADD COLUMN encrypted boolean NOT NULL DEFAULT false,
        ADD COLUMN slow_mode_sec integer NOT NULL DEFAULT 0,
        ADD COLUMN retention_days integer,
        -- The lowest seq history still holds, once a retention purge has run.
        ADD COLUMN first_seq bigint NOT NULL DEFAULT 1;

      CREATE FUNCTION parley_check_room() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.kind NOT IN ('room', 'dm') THEN
          RAISE EXCEPTION 'rooms.kind must be room or dm' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.visibility NOT IN ('public', 'private') THEN
          RAISE EXCEPTION 'rooms.visibility must be public or private'
            USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.slow_mode_sec < 0 OR NEW.slow_mode_sec > 21600 THEN
          RAISE EXCEPTION 'rooms.slow_mode_sec out of range' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.retention_days IS NOT NULL AND NEW.retention_days < 1 THEN
          RAISE EXCEPTION 'rooms.retention_days out of range' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.name IS NOT NULL AND char_length(NEW.name) > 100 THEN
          RAISE EXCEPTION 'rooms.name too long' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER rooms_check BEFORE INSERT OR UPDATE OF
        kind, visibility, slow_mode_sec, retention_days, name ON rooms
        FOR EACH ROW EXECUTE FUNCTION parley_check_room();
      ALTER TABLE rooms DROP CONSTRAINT IF EXISTS rooms_visibility_check;

      ALTER TABLE room_members
        -- A ban or mute ends at *_until; NULL there with *_at set means until lifted.
        ADD COLUMN banned_until timestamptz,
        ADD COLUMN ban_reason text,
        ADD COLUMN muted_at timestamptz,
        ADD COLUMN muted_until timestamptz,
        -- Only written in rooms with slow mode on.
        ADD COLUMN last_sent_at timestamptz;

      ALTER TABLE messages
        ADD COLUMN edited_at timestamptz,
        ADD COLUMN deleted_at timestamptz;

      -- Who did what to whom in which room: every administrative action, in the same
      -- transaction as the action. No foreign key: the record outlives a deleted room.
      CREATE TABLE audit_log (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        room_id    text NOT NULL,
        actor_id   text NOT NULL,
        action     text NOT NULL,
        target_id  text,
        detail     jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_room ON audit_log (room_id, id);
      CREATE INDEX audit_log_target ON audit_log (target_id) WHERE target_id IS NOT NULL;

      CREATE OR REPLACE FUNCTION append_message(
        p_room_id text, p_user_id text, p_content text, p_client_msg_id text, p_id uuid
      ) RETURNS TABLE (seq bigint, created_at timestamptz) LANGUAGE plpgsql AS $fn$
      DECLARE
        v_member record;
        v_wait_ms bigint;
      BEGIN
        SELECT m.role, m.banned_at, m.banned_until, m.muted_at, m.muted_until, m.last_sent_at,
               r.slow_mode_sec
          INTO v_member
          FROM room_members m JOIN rooms r ON r.id = m.room_id
         WHERE m.room_id = p_room_id AND m.user_id = p_user_id;
        IF NOT FOUND THEN
          IF NOT EXISTS (SELECT 1 FROM rooms WHERE id = p_room_id) THEN RETURN; END IF;
          RAISE EXCEPTION 'You are not a member of %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.banned_at IS NOT NULL
           AND (v_member.banned_until IS NULL OR v_member.banned_until > now()) THEN
          RAISE EXCEPTION 'You are banned from %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.muted_at IS NOT NULL
           AND (v_member.muted_until IS NULL OR v_member.muted_until > now()) THEN
          RAISE EXCEPTION 'You are muted in %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.slow_mode_sec > 0 AND v_member.role = 'member' THEN
          v_wait_ms := ceil(extract(epoch FROM
            (v_member.last_sent_at + make_interval(secs => v_member.slow_mode_sec) - now())
          ) * 1000);
          -- A retried send must reach the unique check and get its first copy back.
          IF v_wait_ms > 0 AND (p_client_msg_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM messages
                WHERE room_id = p_room_id AND user_id = p_user_id
                  AND client_msg_id = p_client_msg_id)) THEN
            RAISE EXCEPTION 'Slow mode: one message every % s in %',
              v_member.slow_mode_sec, p_room_id
              USING ERRCODE = 'PA429', DETAIL = v_wait_ms::text;
          END IF;
          UPDATE room_members SET last_sent_at = now()
           WHERE room_id = p_room_id AND user_id = p_user_id;
        END IF;
        RETURN QUERY
        WITH next AS (
          UPDATE rooms SET last_seq = last_seq + 1 WHERE id = p_room_id RETURNING last_seq
        )
        INSERT INTO messages AS m (room_id, seq, id, user_id, content, client_msg_id)
        SELECT p_room_id, next.last_seq, p_id, p_user_id, p_content, p_client_msg_id FROM next
        RETURNING m.seq, m.created_at;
      END
      $fn$;
    `,
  },
  {
    version: 6,
    name: 'read cursors, replies, mentions, reactions',
    // What protocol v2's "Read state, typing, presence" and the message fields `replyTo`,
    // `mentions` and `reactions` need in the record. Again only nullable columns or
    // constant defaults: no table is rewritten.
    //
    // - `room_members.read_seq`: the member's read cursor. It only moves forward
    //   (`GREATEST`), and the send statement moves the sender's to the message it stores.
    // - `messages.rev`: grows with every change of a message after its send (edit, delete,
    //   a reaction), so caches written out of order keep the latest state
    //   (core/message-version.ts).
    // - `messages.reactions`: the current counts per emoji, kept in the same transaction as
    //   the `reactions` rows, so a history read carries them without aggregating.
    // - `message_mentions`: one row per mentioned user, so an unread-mention count is an
    //   index range (room, user, seq > read_seq), not a scan of the unread messages.
    //
    // append_message gains `p_reply_to` and `p_mentions` as a new overload; the 5-argument
    // one stays for handlers still running during a deploy.
    sql: `
      ALTER TABLE room_members ADD COLUMN read_seq bigint NOT NULL DEFAULT 0;

      ALTER TABLE messages
        ADD COLUMN reply_to bigint,
        ADD COLUMN mentions text[],
        ADD COLUMN reactions jsonb,
        ADD COLUMN rev integer NOT NULL DEFAULT 0;
      CREATE INDEX messages_thread ON messages (room_id, reply_to, seq)
        WHERE reply_to IS NOT NULL;

      CREATE TABLE reactions (
        room_id    text NOT NULL,
        seq        bigint NOT NULL,
        emoji      text NOT NULL,
        user_id    text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (room_id, seq, emoji, user_id),
        FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
      );
      -- "me" on a page of history: the viewer's reactions in a seq range.
      CREATE INDEX reactions_viewer ON reactions (room_id, user_id, seq);
      CREATE INDEX reactions_user ON reactions (user_id);

      CREATE TABLE message_mentions (
        room_id text NOT NULL,
        user_id text NOT NULL,
        seq     bigint NOT NULL,
        PRIMARY KEY (room_id, user_id, seq),
        FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
      );
      -- Erasing a user finds every row naming them, in rooms they never joined too.
      CREATE INDEX message_mentions_user ON message_mentions (user_id);

      CREATE FUNCTION append_message(
        p_room_id text, p_user_id text, p_content text, p_client_msg_id text, p_id uuid,
        p_reply_to bigint, p_mentions text[]
      ) RETURNS TABLE (seq bigint, created_at timestamptz) LANGUAGE plpgsql AS $fn$
      DECLARE
        v_member record;
        v_wait_ms bigint;
        v_seq bigint;
        v_created_at timestamptz;
      BEGIN
        SELECT m.role, m.banned_at, m.banned_until, m.muted_at, m.muted_until, m.last_sent_at,
               r.slow_mode_sec
          INTO v_member
          FROM room_members m JOIN rooms r ON r.id = m.room_id
         WHERE m.room_id = p_room_id AND m.user_id = p_user_id;
        IF NOT FOUND THEN
          IF NOT EXISTS (SELECT 1 FROM rooms WHERE id = p_room_id) THEN RETURN; END IF;
          RAISE EXCEPTION 'You are not a member of %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.banned_at IS NOT NULL
           AND (v_member.banned_until IS NULL OR v_member.banned_until > now()) THEN
          RAISE EXCEPTION 'You are banned from %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.muted_at IS NOT NULL
           AND (v_member.muted_until IS NULL OR v_member.muted_until > now()) THEN
          RAISE EXCEPTION 'You are muted in %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.slow_mode_sec > 0 AND v_member.role = 'member' THEN
          v_wait_ms := ceil(extract(epoch FROM
            (v_member.last_sent_at + make_interval(secs => v_member.slow_mode_sec) - now())
          ) * 1000);
          -- A retried send must reach the unique check and get its first copy back.
          IF v_wait_ms > 0 AND (p_client_msg_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM messages
                WHERE room_id = p_room_id AND user_id = p_user_id
                  AND client_msg_id = p_client_msg_id)) THEN
            RAISE EXCEPTION 'Slow mode: one message every % s in %',
              v_member.slow_mode_sec, p_room_id
              USING ERRCODE = 'PA429', DETAIL = v_wait_ms::text;
          END IF;
        END IF;
        IF p_reply_to IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM messages WHERE room_id = p_room_id AND messages.seq = p_reply_to) THEN
          RAISE EXCEPTION 'replyTo: % is not a message in %', p_reply_to, p_room_id
            USING ERRCODE = 'PA400';
        END IF;
        WITH next AS (
          UPDATE rooms SET last_seq = last_seq + 1 WHERE id = p_room_id RETURNING last_seq
        )
        INSERT INTO messages AS m
          (room_id, seq, id, user_id, content, client_msg_id, reply_to, mentions)
        SELECT p_room_id, next.last_seq, p_id, p_user_id, p_content, p_client_msg_id,
               p_reply_to, p_mentions
          FROM next
        RETURNING m.seq, m.created_at INTO v_seq, v_created_at;
        -- Sending reads the room up to one's own message; slow mode counts from it. One
        -- write of the sender's row, which the read above found by its primary key.
        UPDATE room_members
           SET read_seq = GREATEST(read_seq, v_seq),
               last_sent_at = CASE WHEN v_member.slow_mode_sec > 0 AND v_member.role = 'member'
                                   THEN now() ELSE last_sent_at END
         WHERE room_id = p_room_id AND user_id = p_user_id;
        IF p_mentions IS NOT NULL AND cardinality(p_mentions) > 0 THEN
          INSERT INTO message_mentions (room_id, user_id, seq)
          SELECT p_room_id, u, v_seq FROM unnest(p_mentions) AS u ON CONFLICT DO NOTHING;
        END IF;
        RETURN QUERY SELECT v_seq, v_created_at;
      END
      $fn$;
    `,
  },
  {
    version: 7,
    name: 'attachments on messages',
    // Protocol v2's files: a message keeps what it carries as JSON (`[{id, fileName,
    // contentType, size}]`, the links are made per reading and never stored), NULL for the
    // messages without. A nullable column: no table is rewritten.
    //
    // append_message gains `p_attachments` as a new overload, so a send stays one
    // statement; the 7-argument one stays for handlers still running during a deploy.
    sql: `
      ALTER TABLE messages ADD COLUMN attachments jsonb;

      CREATE FUNCTION append_message(
        p_room_id text, p_user_id text, p_content text, p_client_msg_id text, p_id uuid,
        p_reply_to bigint, p_mentions text[], p_attachments jsonb
      ) RETURNS TABLE (seq bigint, created_at timestamptz) LANGUAGE plpgsql AS $fn$
      DECLARE
        v_member record;
        v_wait_ms bigint;
        v_seq bigint;
        v_created_at timestamptz;
      BEGIN
        SELECT m.role, m.banned_at, m.banned_until, m.muted_at, m.muted_until, m.last_sent_at,
               r.slow_mode_sec
          INTO v_member
          FROM room_members m JOIN rooms r ON r.id = m.room_id
         WHERE m.room_id = p_room_id AND m.user_id = p_user_id;
        IF NOT FOUND THEN
          IF NOT EXISTS (SELECT 1 FROM rooms WHERE id = p_room_id) THEN RETURN; END IF;
          RAISE EXCEPTION 'You are not a member of %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.banned_at IS NOT NULL
           AND (v_member.banned_until IS NULL OR v_member.banned_until > now()) THEN
          RAISE EXCEPTION 'You are banned from %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.muted_at IS NOT NULL
           AND (v_member.muted_until IS NULL OR v_member.muted_until > now()) THEN
          RAISE EXCEPTION 'You are muted in %', p_room_id USING ERRCODE = 'PA403';
        END IF;
        IF v_member.slow_mode_sec > 0 AND v_member.role = 'member' THEN
          v_wait_ms := ceil(extract(epoch FROM
            (v_member.last_sent_at + make_interval(secs => v_member.slow_mode_sec) - now())
          ) * 1000);
          -- A retried send must reach the unique check and get its first copy back.
          IF v_wait_ms > 0 AND (p_client_msg_id IS NULL OR NOT EXISTS (
               SELECT 1 FROM messages
                WHERE room_id = p_room_id AND user_id = p_user_id
                  AND client_msg_id = p_client_msg_id)) THEN
            RAISE EXCEPTION 'Slow mode: one message every % s in %',
              v_member.slow_mode_sec, p_room_id
              USING ERRCODE = 'PA429', DETAIL = v_wait_ms::text;
          END IF;
        END IF;
        IF p_reply_to IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM messages WHERE room_id = p_room_id AND messages.seq = p_reply_to) THEN
          RAISE EXCEPTION 'replyTo: % is not a message in %', p_reply_to, p_room_id
            USING ERRCODE = 'PA400';
        END IF;
        WITH next AS (
          UPDATE rooms SET last_seq = last_seq + 1 WHERE id = p_room_id RETURNING last_seq
        )
        INSERT INTO messages AS m
          (room_id, seq, id, user_id, content, client_msg_id, reply_to, mentions, attachments)
        SELECT p_room_id, next.last_seq, p_id, p_user_id, p_content, p_client_msg_id,
               p_reply_to, p_mentions, p_attachments
          FROM next
        RETURNING m.seq, m.created_at INTO v_seq, v_created_at;
        -- Sending reads the room up to one's own message; slow mode counts from it. One
        -- write of the sender's row, which the read above found by its primary key.
        UPDATE room_members
           SET read_seq = GREATEST(read_seq, v_seq),
               last_sent_at = CASE WHEN v_member.slow_mode_sec > 0 AND v_member.role = 'member'
                                   THEN now() ELSE last_sent_at END
         WHERE room_id = p_room_id AND user_id = p_user_id;
        IF p_mentions IS NOT NULL AND cardinality(p_mentions) > 0 THEN
          INSERT INTO message_mentions (room_id, user_id, seq)
          SELECT p_room_id, u, v_seq FROM unnest(p_mentions) AS u ON CONFLICT DO NOTHING;
        END IF;
        RETURN QUERY SELECT v_seq, v_created_at;
      END
      $fn$;
    `,
  },
  {
    version: 8,
    name: 'full-text search over messages, English and CJK',
    // search_messages (protocol v2, "Search"). `messages.search` is a generated tsvector,
    // so the send stays one statement and an edit, a delete or an erasure re-derives it
    // in the statement that changes the content. PostgreSQL's parser keeps a run of CJK
    // characters as one "word" (中文 has no spaces), so before the 'english' config sees
    // the text each run becomes its overlapping bigrams and its last character (北京开会 ->
    // 北京 京开 开会 会): a query's CJK run is the phrase of its bigrams (one character: a
    // prefix of the tokens), i.e. a substring match of CJK text, found through the GIN
    // index. One config for both scripts, so websearch_to_tsquery's quotes, OR and -
    // work across them (docs/decisions/2026-12-06-search.md).
    //
    // Adding a STORED generated column rewrites `messages` under an ACCESS EXCLUSIVE lock
    // (sends wait for it) and the GIN index is built in the same transaction: measured in
    // the decision record, and docs/deploy.md says how to plan it on a big table.
    sql: `
      CREATE FUNCTION parley_cjk_grams(run text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
        SELECT string_agg(substr(run, i, 2), ' ' ORDER BY i)
          FROM generate_series(1, char_length(run)) AS i
      $fn$;

      CREATE FUNCTION parley_search_text(content text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
        SELECT CASE WHEN content !~ '${CJK}' THEN content ELSE (
          SELECT string_agg(
                   CASE WHEN part[1] ~ '^${CJK}' THEN parley_cjk_grams(part[1]) ELSE part[1] END,
                   ' ' ORDER BY n)
            FROM regexp_matches(content, '${CJK}+|[^${CJK_CHARS}]+', 'g')
                 WITH ORDINALITY AS t(part, n)
        ) END
      $fn$;

      CREATE FUNCTION parley_search_vector(content text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
        SELECT to_tsvector('english'::regconfig,
          regexp_replace(parley_search_text(content), '[${CJK_PUNCTUATION_CHARS}]', ' ', 'g'))
      $fn$;

      ALTER TABLE messages
        ADD COLUMN search tsvector GENERATED ALWAYS AS (parley_search_vector(content)) STORED;
      -- room_id in the same GIN index (btree_gin, a trusted extension on RDS and in the
      -- dev server's embedded PostgreSQL): a search of a user's rooms intersects each
      -- room's entries with the words' inside the index, rather than fetching every match
      -- of every room and dropping the rooms it may not read.
      CREATE EXTENSION IF NOT EXISTS btree_gin;
      CREATE INDEX messages_search ON messages USING gin (room_id, search);
    `,
  },
];
