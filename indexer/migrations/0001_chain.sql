-- The chain's side: what prov-indexer reads from the registry contract and
-- the payout distributor. Addresses and hashes are bytea (20 and 32 bytes),
-- uint64 values numeric(20,0), uint256 values numeric(78,0): all exact.
-- A row per event, unique per (chain, block hash, log index), so a replay
-- inserts nothing; rows of blocks a reorganisation removed are deleted.

-- Where each follower is: every event up to and including block_number
-- (whose hash is block_hash) is in the tables.
CREATE TABLE cursors (
	chain_id         bigint      NOT NULL,
	contract         bytea       NOT NULL CHECK (length(contract) = 20),
	kind             text        NOT NULL CHECK (kind IN ('registry', 'distributor')),
	block_number     bigint      NOT NULL,
	block_hash       bytea       NOT NULL CHECK (length(block_hash) = 32),
	head             bigint,                 -- the newest head seen
	updated_at       timestamptz NOT NULL DEFAULT now(),
	reorgs           bigint      NOT NULL DEFAULT 0,
	last_reorg_at    timestamptz,
	last_reorg_block bigint,                 -- the last block both forks share
	last_reorg_depth integer,                -- blocks rolled back
	PRIMARY KEY (chain_id, contract)
);

-- The headers of the unfinal range (the newest --reorg-window blocks a
-- follower indexed): a new block's parent is checked against them, and a
-- reorganisation walks back through them to the last block both forks share.
CREATE TABLE blocks (
	chain_id    bigint NOT NULL,
	contract    bytea  NOT NULL,
	number      bigint NOT NULL,
	hash        bytea  NOT NULL CHECK (length(hash) = 32),
	parent_hash bytea  NOT NULL CHECK (length(parent_hash) = 32),
	time        bigint NOT NULL,             -- the block's timestamp, Unix seconds
	PRIMARY KEY (chain_id, contract, number)
);

-- ProvenanceRegistry's Anchored(uint64 indexed seq, bytes32 indexed root,
-- address indexed submitter, uint64 count, string uri).
CREATE TABLE anchors (
	chain_id     bigint        NOT NULL,
	contract     bytea         NOT NULL CHECK (length(contract) = 20),
	seq          numeric(20,0) NOT NULL,
	root         bytea         NOT NULL CHECK (length(root) = 32),
	submitter    bytea         NOT NULL CHECK (length(submitter) = 20),
	count        numeric(20,0) NOT NULL,
	uri          text,                       -- NULL unless uri_bytes is UTF-8 without NUL
	uri_bytes    bytea         NOT NULL,
	block_number bigint        NOT NULL,
	block_hash   bytea         NOT NULL CHECK (length(block_hash) = 32),
	tx_hash      bytea         NOT NULL CHECK (length(tx_hash) = 32),
	log_index    bigint        NOT NULL,
	UNIQUE (chain_id, block_hash, log_index)
);
-- seq counts from 1 without gaps on one contract: a second row with a seq
-- is a bug or a lost reorganisation, and fails loudly.
CREATE UNIQUE INDEX anchors_seq ON anchors (chain_id, contract, seq);
-- Roots are looked up by equality only, and they are random: a hash index
-- takes a new one in about half the time a B-tree does (bench/indexer.sh).
CREATE INDEX anchors_root ON anchors USING hash (root);
CREATE INDEX anchors_block ON anchors (chain_id, contract, block_number);

-- PayoutDistributor's BatchFunded(bytes32 indexed root, address indexed
-- token, address indexed funder, uint256 total, string uri).
CREATE TABLE payout_batches (
	chain_id     bigint        NOT NULL,
	contract     bytea         NOT NULL CHECK (length(contract) = 20),
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
CREATE INDEX payout_batches_root ON payout_batches (root);
CREATE INDEX payout_batches_block ON payout_batches (chain_id, contract, block_number);

-- PayoutDistributor's Claimed(bytes32 indexed root, address indexed
-- account, uint256 amount).
CREATE TABLE claims (
	chain_id     bigint        NOT NULL,
	contract     bytea         NOT NULL CHECK (length(contract) = 20),
	root         bytea         NOT NULL CHECK (length(root) = 32),
	account      bytea         NOT NULL CHECK (length(account) = 20),
	amount       numeric(78,0) NOT NULL,
	block_number bigint        NOT NULL,
	block_hash   bytea         NOT NULL CHECK (length(block_hash) = 32),
	tx_hash      bytea         NOT NULL CHECK (length(tx_hash) = 32),
	log_index    bigint        NOT NULL,
	UNIQUE (chain_id, block_hash, log_index)
);
CREATE INDEX claims_root ON claims (root, account);
CREATE INDEX claims_block ON claims (chain_id, contract, block_number);
