-- Schema version 3: the sync client's state (docs/sync-protocol.md). Additive: new tables only.
-- sync_cursor: one row; every change-log row up to acked_seq has an answer from the centre,
-- waits in sync_held, or is never sent (staff).
CREATE TABLE "sync_cursor" ("id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1), "acked_seq" INTEGER NOT NULL);
INSERT INTO "sync_cursor" ("id", "acked_seq") VALUES (1, 0);
-- sync_batch: every batch as recorded before its first send; body is the exact gzip JSON sent.
-- state: pending (not answered yet), answered, superseded (split in two after a 413).
CREATE TABLE "sync_batch" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "first_seq" INTEGER NOT NULL, "last_seq" INTEGER NOT NULL, "covers_to" INTEGER NOT NULL, "changes" INTEGER NOT NULL, "body" BLOB NOT NULL, "state" VARCHAR(255) NOT NULL, "parent" VARCHAR(36), "created_at" VARCHAR(255) NOT NULL, "answered_at" VARCHAR(255));
CREATE INDEX "sync_batch_state_first_seq" ON "sync_batch" ("state", "first_seq");
-- sync_quarantine: changes the centre refused (conflict or rejected), one row per change.
-- state: open, dismissed (by a supervisor), edited (a newer change of the record replaced it).
CREATE TABLE "sync_quarantine" ("seq" INTEGER NOT NULL PRIMARY KEY, "batch_id" VARCHAR(36) NOT NULL, "entity" VARCHAR(255) NOT NULL, "uuid" VARCHAR(36) NOT NULL, "version" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "reason" VARCHAR(255) NOT NULL, "errors" TEXT NOT NULL, "message" TEXT NOT NULL, "hub_version" INTEGER NOT NULL, "hub_snapshot" TEXT, "at" VARCHAR(255) NOT NULL, "mark" INTEGER NOT NULL, "state" VARCHAR(255) NOT NULL, "resolved_at" VARCHAR(255), "resolved_by" VARCHAR(255), "rebased_seq" INTEGER);
CREATE INDEX "sync_quarantine_uuid_state" ON "sync_quarantine" ("uuid", "state");
CREATE INDEX "sync_quarantine_state" ON "sync_quarantine" ("state");
-- sync_held: later changes of a quarantined record. state: waiting, released (to be sent),
-- superseded (a newer change of the record carries them), sent.
CREATE TABLE "sync_held" ("seq" INTEGER NOT NULL PRIMARY KEY, "entity" VARCHAR(255) NOT NULL, "uuid" VARCHAR(36) NOT NULL, "state" VARCHAR(255) NOT NULL, "quarantine_seq" INTEGER NOT NULL);
CREATE INDEX "sync_held_state" ON "sync_held" ("state");
CREATE INDEX "sync_held_uuid" ON "sync_held" ("uuid");
-- sync_run: one row per run, for the interface's list of recent runs.
CREATE TABLE "sync_run" ("id" INTEGER NOT NULL PRIMARY KEY, "started_at" VARCHAR(255) NOT NULL, "finished_at" VARCHAR(255), "user" VARCHAR(255) NOT NULL, "exit_code" INTEGER, "sent" INTEGER NOT NULL, "applied" INTEGER NOT NULL, "duplicates" INTEGER NOT NULL, "conflicts" INTEGER NOT NULL, "rejected" INTEGER NOT NULL, "pending" INTEGER NOT NULL, "batches" INTEGER NOT NULL, "bytes_sent" INTEGER NOT NULL, "problem" VARCHAR(255) NOT NULL, "problem_params" TEXT NOT NULL);
