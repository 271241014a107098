-- PayoutDistributor keys batches by a bytes32 id (prov: the payout
-- record's id, the 32 bytes of its "sha256:<64 hex>"), not by root: two
-- periods that pay the same accounts the same amounts have one root and
-- are two batches. Its events are now BatchFunded(bytes32 indexed id,
-- bytes32 indexed root, address indexed token, address funder, uint256
-- total, string uri) and Claimed(bytes32 indexed id, address indexed
-- account, uint256 amount).
--
-- The old tables are renamed, not altered and not dropped. Their rows are
-- events of the old ABI: they carry no id, so a NOT NULL id column could
-- not be added to them, and a claim of the old kind names a root that
-- may now be two batches. Nor can they be indexed again: this
-- prov-indexer reads neither the old events (their topics differ) nor
-- the old contract (its code is not prov's PayoutDistributor any more).
-- Dropping them would lose payments that nothing can read back, so they
-- stay as payout_batches_v1 and claims_v1, as they were, written by
-- nothing and read by no view; their distributors' cursors stay too, and
-- still say up to which block those tables hold the old contract's
-- events. The new tables start empty, the same in a database migrated
-- from 0001 as in one that ran 0001-0003 with payouts in it.

-- payouts reads both tables and nothing reads payouts: it goes first,
-- and is made again at the end.
DROP VIEW payouts;

ALTER TABLE payout_batches RENAME TO payout_batches_v1;
ALTER INDEX payout_batches_root RENAME TO payout_batches_v1_root;
ALTER INDEX payout_batches_block RENAME TO payout_batches_v1_block;
ALTER TABLE payout_batches_v1 RENAME CONSTRAINT
	payout_batches_chain_id_block_hash_log_index_key TO payout_batches_v1_place;
ALTER TABLE claims RENAME TO claims_v1;
ALTER INDEX claims_root RENAME TO claims_v1_root;
ALTER INDEX claims_block RENAME TO claims_v1_block;
ALTER TABLE claims_v1 RENAME CONSTRAINT
	claims_chain_id_block_hash_log_index_key TO claims_v1_place;
COMMENT ON TABLE payout_batches_v1 IS
	'BatchFunded(bytes32 indexed root, ...) of the PayoutDistributor before batch ids (0004_payout_ids.sql); written by nothing';
COMMENT ON TABLE claims_v1 IS
	'Claimed(bytes32 indexed root, ...) of the PayoutDistributor before batch ids (0004_payout_ids.sql); written by nothing';

-- PayoutDistributor's BatchFunded(bytes32 indexed id, bytes32 indexed
-- root, address indexed token, address funder, uint256 total, string uri).
CREATE TABLE payout_batches (
	chain_id     bigint        NOT NULL,
	contract     bytea         NOT NULL CHECK (length(contract) = 20),
	id           bytea         NOT NULL CHECK (length(id) = 32),
	root         bytea         NOT NULL CHECK (length(root) = 32),
	token        bytea         NOT NULL CHECK (length(token) = 20),
	funder       bytea         NOT NULL CHECK (length(funder) = 20),
	total        numeric(78,0) NOT NULL,
	uri          text,
	uri_bytes    bytea         NOT NULL,
	block_number bigint        NOT NULL,
	block_hash   bytea         NOT NULL CHECK (length(block_hash) = 32),
	tx_hash      bytea         NOT NULL CHECK (length(tx_hash) = 32),
	log_index    bigint        NOT NULL,
	UNIQUE (chain_id, block_hash, log_index)
);
-- The contract funds an id once: a second row with an id is a bug or a
-- lost reorganisation, and fails loudly (as anchors_seq does).
CREATE UNIQUE INDEX payout_batches_id ON payout_batches (id, chain_id, contract);
CREATE INDEX payout_batches_root ON payout_batches (root);
CREATE INDEX payout_batches_block ON payout_batches (chain_id, contract, block_number);

-- PayoutDistributor's Claimed(bytes32 indexed id, address indexed account,
-- uint256 amount); batch is the id, payout_batches.id.
CREATE TABLE claims (
	chain_id     bigint        NOT NULL,
	contract     bytea         NOT NULL CHECK (length(contract) = 20),
	batch        bytea         NOT NULL CHECK (length(batch) = 32),
	account      bytea         NOT NULL CHECK (length(account) = 20),
	amount       numeric(78,0) NOT NULL,
	block_number bigint        NOT NULL,
	block_hash   bytea         NOT NULL CHECK (length(block_hash) = 32),
	tx_hash      bytea         NOT NULL CHECK (length(tx_hash) = 32),
	log_index    bigint        NOT NULL,
	UNIQUE (chain_id, block_hash, log_index)
);
-- An account claims from a batch once; the id leads, being the most
-- selective, and serves the payouts view's join.
CREATE UNIQUE INDEX claims_batch ON claims (batch, account, chain_id, contract);
CREATE INDEX claims_block ON claims (chain_id, contract, block_number);

-- payouts: each funded batch on chain, what was claimed from it, and the
-- `payout` record it pays when the registry has one. The batch's id is
-- the record's id (its 32 bytes, "sha256:" || hex), so a record is found
-- by its key, and two batches of one root are two rows, each with its own
-- claims and its own record. NULL payout columns: no such record. The
-- columns are 0003's, in its order, then batch (the id).
CREATE VIEW payouts AS
SELECT b.chain_id,
       b.contract,
       b.root,
       b.token,
       b.funder,
       b.total,
       b.block_number,
       b.tx_hash,
       c.claims,
       c.claimed,
       p.id AS payout_record,
       p.payload ->> 'period' AS period,
       p.payload ->> 'asset' AS asset,
       p.payload ->> 'pool' AS pool,
       b.id AS batch
FROM payout_batches b
LEFT JOIN LATERAL (
	SELECT count(*) AS claims, coalesce(sum(cl.amount), 0) AS claimed
	FROM claims cl
	WHERE cl.batch = b.id AND cl.chain_id = b.chain_id AND cl.contract = b.contract
) c ON true
LEFT JOIN records p
       ON p.id = 'sha256:' || encode(b.id, 'hex')
      AND p.kind = 'payout';
