-- Schema version 11: what kind of one-off assistance (临时救助) a membership was, and the kind
-- and stage of a housing repair (危房改造); blank on every other category (domain/assistance.py).
ALTER TABLE "membership" ADD COLUMN "aid_kind" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "membership" ADD COLUMN "repair_kind" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "membership" ADD COLUMN "repair_stage" VARCHAR(255) NOT NULL DEFAULT '';
-- What a data check (a visit of purpose data_check) found for each person: confirmed, changed, or
-- closed with a reason (domain/checks.py); a membership it ended names it.
ALTER TABLE "membership" ADD COLUMN "closed_by_check" VARCHAR(255) NOT NULL DEFAULT '';
CREATE TABLE "check_outcome" ("id" INTEGER NOT NULL PRIMARY KEY, "uuid" VARCHAR(36) NOT NULL, "version" INTEGER NOT NULL, "created_at" VARCHAR(255) NOT NULL, "created_by" VARCHAR(255) NOT NULL, "updated_at" VARCHAR(255) NOT NULL, "updated_by" VARCHAR(255) NOT NULL, "visit_id" INTEGER NOT NULL, "person_id" INTEGER NOT NULL, "household_id" INTEGER NOT NULL, "outcome" VARCHAR(255) NOT NULL, "reason" VARCHAR(255) NOT NULL, "notes" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, FOREIGN KEY ("visit_id") REFERENCES "visit" ("id") ON DELETE RESTRICT, FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE RESTRICT, FOREIGN KEY ("household_id") REFERENCES "household" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "check_outcome_uuid" ON "check_outcome" ("uuid");
CREATE INDEX "check_outcome_visit_id" ON "check_outcome" ("visit_id");
CREATE INDEX "check_outcome_person_id" ON "check_outcome" ("person_id");
CREATE INDEX "check_outcome_household_id" ON "check_outcome" ("household_id");
CREATE INDEX "check_outcome_visit_id_person_id" ON "check_outcome" ("visit_id", "person_id");
