-- Schema version 6: indexes set aside during a bulk load (storage/bulk.py), so that a load
-- killed halfway leaves a note of what to rebuild; the next open rebuilds them.
CREATE TABLE "pending_index" ("name" TEXT NOT NULL PRIMARY KEY, "sql" TEXT NOT NULL);
