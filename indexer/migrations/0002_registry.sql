-- The registry's side: what `prov-indexer --registry DIR` loads from a git
-- registry (docs/records.md), so SQL can join anchors to what they anchor.
-- Records are immutable and named by the SHA-256 of their payload, so a
-- row is keyed by what it is and a second load of it inserts nothing.
-- Hashes are bytea (32 bytes); record ids stay text, 'sha256:<64 hex>', as
-- every payload and command spells them. No foreign keys: the loader
-- writes a record and its items or proofs in one transaction, and a
-- million items are not checked one by one against records.

-- One row per record whose id, envelope and every signature checked
-- (record_parse, record_verify) and that sits at the path its id gives.
CREATE TABLE records (
	id        text        PRIMARY KEY CHECK (id ~ '^sha256:[0-9a-f]{64}$'),
	kind      text        NOT NULL,       -- work, dataset, run, model, anchor, ...
	payload   jsonb       NOT NULL,       -- the canonical payload (a run: the in-toto statement)
	signers   text[]      NOT NULL,       -- the envelope's keyids (did:key), in envelope order
	path      text        NOT NULL,       -- where it is in the registry's tree
	loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX records_kind ON records (kind);
-- a work's content hash as bytea, the key dataset items join on
CREATE INDEX records_work_content ON records
	(decode(payload #>> '{content,sha256}', 'hex')) WHERE kind = 'work';
CREATE INDEX records_work_creator ON records
	((payload ->> 'creator')) WHERE kind = 'work';

-- A dataset record's included items, one per line of its items blob
-- (docs/manifest.md, "The item blobs"). A dataset names each path once.
CREATE TABLE dataset_items (
	dataset text   NOT NULL,               -- the dataset record's id
	sha256  bytea  NOT NULL CHECK (length(sha256) = 32),
	path    text   NOT NULL,
	size    bigint NOT NULL,
	license text,                          -- the license the build applied
	weight  bigint,                        -- the curator's weight, when the line has one
	works   text[] NOT NULL DEFAULT '{}',  -- the work records the build matched
	PRIMARY KEY (dataset, path)
);
CREATE INDEX dataset_items_sha256 ON dataset_items (sha256);

-- Which anchor covers which record: a line of an anchor record's proofs
-- blob (docs/anchor.md, "The anchor record"), each proof checked against
-- the anchor's root when loaded. chain_id, contract and root locate the
-- `anchors` row of the event; proof is the sibling hashes, 32 bytes each,
-- leaf to root, so a proof can be handed on from SQL.
CREATE TABLE record_anchors (
	record   text   NOT NULL CHECK (record ~ '^sha256:[0-9a-f]{64}$'),
	anchor   text   NOT NULL,              -- the anchor record's id
	chain_id bigint NOT NULL,
	contract bytea  NOT NULL CHECK (length(contract) = 20),
	root     bytea  NOT NULL CHECK (length(root) = 32),
	proof    bytea  NOT NULL CHECK (length(proof) % 32 = 0),
	PRIMARY KEY (record, anchor)
);
CREATE INDEX record_anchors_anchor ON record_anchors (anchor);
CREATE INDEX record_anchors_root ON record_anchors (chain_id, root);

-- One row per load that found the registry's tip moved. A registry is
-- named by its root commit (the end of the tip's first-parent chain), so
-- the same registry cloned elsewhere resumes where it was; the newest
-- row's commit is where the next load diffs from. Counts are rows new in
-- that load.
CREATE TABLE registry_loads (
	n           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	root        text        NOT NULL CHECK (root ~ '^[0-9a-f]{40}$'),
	commit      text        NOT NULL CHECK (commit ~ '^[0-9a-f]{40}$'),
	base        text,                     -- the commit diffed from; NULL: a full load
	loaded_at   timestamptz NOT NULL DEFAULT now(),
	records     bigint      NOT NULL,
	items       bigint      NOT NULL,
	proofs      bigint      NOT NULL,
	skipped     bigint      NOT NULL      -- record files that did not check
);
CREATE INDEX registry_loads_root ON registry_loads (root, n);
