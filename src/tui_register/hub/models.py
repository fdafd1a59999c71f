"""The hub's tables: offices and their token hashes, the latest version of every record per
office, the batches it answered and the changes it applied.

Bound to their own `hub_database` proxy: the hub never touches an office database.
"""

from __future__ import annotations

from peewee import BigIntegerField, CharField, CompositeKey, DatabaseProxy, Model, TextField

hub_database = DatabaseProxy()


class HubModel(Model):
    class Meta:
        database = hub_database
        legacy_table_names = False


class Office(HubModel):
    code = CharField(primary_key=True, max_length=20)
    token_hash = CharField(max_length=64, null=True, unique=True)  # sha256 hex; None once revoked
    created_at = CharField()
    revoked_at = CharField(null=True)

    class Meta:
        table_name = "hub_office"


class HubRecord(HubModel):
    """The latest version of a record, as the office sent it."""

    office = CharField(max_length=20)
    entity = CharField(max_length=40)
    uuid = CharField(max_length=36)
    version = BigIntegerField()
    snapshot = TextField()  # JSON (JSONB on PostgreSQL, see db.py)
    seq = BigIntegerField()  # the office change that set it
    updated_at = CharField()

    class Meta:
        table_name = "hub_record"
        primary_key = CompositeKey("office", "uuid")
        # Entity first: an index that starts with the office competes with the primary key for the
        # hub's lookups by (office, uuid), and PostgreSQL's planner, with statistics that do not
        # know the office yet, chose it and read every record of the office for each key.
        indexes = ((("entity", "office"), False),)


class HubBatch(HubModel):
    """A batch answered, with its answer: a batch id seen again gets the same answer."""

    office = CharField(max_length=20)
    batch_id = CharField(max_length=36)
    body_hash = CharField(max_length=64)  # sha256 of the JSON: the same id must carry the same content
    first_seq = BigIntegerField()
    last_seq = BigIntegerField()
    changes = BigIntegerField()
    answer = TextField()  # JSON
    received_at = CharField()

    class Meta:
        table_name = "hub_batch"
        primary_key = CompositeKey("office", "batch_id")


class HubChange(HubModel):
    """An office change the hub applied: a sequence number seen again is a duplicate."""

    office = CharField(max_length=20)
    seq = BigIntegerField()
    batch_id = CharField(max_length=36)
    entity = CharField(max_length=40)
    uuid = CharField(max_length=36)
    version = BigIntegerField()
    applied_at = CharField()

    class Meta:
        table_name = "hub_change"
        primary_key = CompositeKey("office", "seq")


HUB_MODELS = (Office, HubRecord, HubBatch, HubChange)
