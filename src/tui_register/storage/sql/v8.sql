-- Schema version 8: the register's own settings (the office's name and code, asked on the
-- first run), one row per key, written through the change log like every record.
CREATE TABLE "setting" ("id" INTEGER NOT NULL PRIMARY KEY, "uuid" VARCHAR(36) NOT NULL, "version" INTEGER NOT NULL, "created_at" VARCHAR(255) NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" VARCHAR(255) NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "key" VARCHAR(255) NOT NULL, "value" TEXT NOT NULL);
CREATE UNIQUE INDEX "setting_uuid" ON "setting" ("uuid");
CREATE UNIQUE INDEX "setting_key" ON "setting" ("key");
