-- Schema version 4: covering indexes for the visit register, campaigns and the due list,
-- so that totals over a year of visits and a campaign's progress read an index, not the table.
-- Period totals (人次, households, cash) and filters by purpose.
CREATE INDEX "visit_date_cover" ON "visit" ("visit_date", "status", "household_id", "cash_fen", "purpose");
-- Campaign checklists and progress.
CREATE INDEX "visit_campaign_cover" ON "visit" ("campaign_id", "household_id", "status", "cash_fen", "visit_date");
-- The last data check of each household (due list).
CREATE INDEX "visit_purpose_household_date" ON "visit" ("purpose", "household_id", "visit_date");
-- Who needs a periodic visit: active memberships of a category, read from the index alone.
CREATE INDEX "membership_due" ON "membership" ("category", "status", "household_id", "start_date");
-- Derived: each household's last valid data check (数据核查), for the due list.
ALTER TABLE "household" ADD COLUMN "last_check" DATE;
UPDATE "household" SET "last_check" = (
    SELECT max(v."visit_date") FROM "visit" v
    WHERE v."household_id" = "household"."id" AND v."purpose" = 'data_check' AND v."status" = 'valid');
