-- Schema version 11: what kind of one-off assistance (临时救助) a membership was, and the kind
-- and stage of a housing repair (危房改造); blank on every other category (domain/assistance.py).
ALTER TABLE "membership" ADD COLUMN "aid_kind" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "membership" ADD COLUMN "repair_kind" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "membership" ADD COLUMN "repair_stage" VARCHAR(255) NOT NULL DEFAULT '';
