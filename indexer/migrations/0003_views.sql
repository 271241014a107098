-- Views for the questions auditors ask (docs/indexer.md, "Queries"). Each
-- reads the tables of 0001 and 0002 as they are; none stores anything.

-- works: each work record's claim, from its payload (docs/records.md):
-- who claims which content, under which license, paid where, and which
-- training uses the creator allowed ('allowed', 'notAllowed', NULL: not
-- stated). payout_chain_id and payout_address split the CAIP-10 account
-- so claims can be joined by address (NULL when it is not an eip155
-- account). The loader keeps only works whose content.sha256 is 64 hex
-- digits, so sha256 always decodes.
CREATE VIEW works AS
SELECT r.id,
       r.payload ->> 'creator' AS creator,
       decode(r.payload #>> '{content,sha256}', 'hex') AS sha256,
       r.payload #>> '{content,name}' AS name,
       CASE WHEN jsonb_typeof(r.payload #> '{content,size}') = 'number'
            THEN (r.payload #>> '{content,size}')::numeric END AS size,
       r.payload ->> 'license' AS license,
       r.payload ->> 'payout' AS payout,
       CASE WHEN r.payload ->> 'payout' ~ '^eip155:[0-9]{1,18}:0x[0-9a-fA-F]{40}$'
            THEN split_part(r.payload ->> 'payout', ':', 2)::bigint END AS payout_chain_id,
       CASE WHEN r.payload ->> 'payout' ~ '^eip155:[0-9]{1,18}:0x[0-9a-fA-F]{40}$'
            THEN decode(substr(split_part(r.payload ->> 'payout', ':', 3), 3), 'hex') END
            AS payout_address,
       r.payload #>> '{training,ai_training}' AS ai_training,
       r.payload #>> '{training,ai_generative_training}' AS ai_generative_training,
       r.payload #>> '{training,data_mining}' AS data_mining,
       r.payload #>> '{training,ai_inference}' AS ai_inference,
       r.payload ->> 'created' AS created
FROM records r
WHERE r.kind = 'work';

-- anchored_records: each record an anchor record covers, with the event
-- the chain holds for that anchor's root. seq, block_number and tx_hash
-- are NULL when the indexed chain has no such event (not yet indexed, on
-- another chain or contract, or taken away by a reorganisation): a
-- registry's anchor record alone is not proof that the root is on chain.
CREATE VIEW anchored_records AS
SELECT ra.record,
       r.kind,
       ra.anchor,
       ra.chain_id,
       ra.contract,
       ra.root,
       a.seq,
       a.block_number,
       a.block_hash,
       a.tx_hash,
       a.submitter
FROM record_anchors ra
LEFT JOIN records r ON r.id = ra.record
LEFT JOIN anchors a
       ON a.chain_id = ra.chain_id AND a.contract = ra.contract AND a.root = ra.root;

-- dataset_works: which works are in which datasets, an item and a work
-- matching by content hash (whoever claims it, and whenever: a work
-- registered after the dataset was built is found too; the item's own
-- `works` are those the build matched).
CREATE VIEW dataset_works AS
SELECT d.id AS dataset,
       d.payload ->> 'name' AS dataset_name,
       d.payload ->> 'version' AS dataset_version,
       i.path,
       i.sha256,
       i.license AS item_license,
       w.id AS work,
       w.creator,
       w.license AS work_license
FROM dataset_items i
JOIN records d ON d.id = i.dataset
JOIN works w ON w.sha256 = i.sha256;

-- model_lineage: a row per (model, dataset its run trained on), from the
-- model record's `run` and the run's predicate.datasets (docs/records.md).
-- run and dataset columns are NULL when the run is not loaded; a parent
-- model has rows of its own.
CREATE VIEW model_lineage AS
SELECT m.id AS model,
       m.payload ->> 'name' AS model_name,
       m.payload ->> 'owner' AS owner,
       m.payload ->> 'parent' AS parent,
       m.payload ->> 'run' AS run,
       run.payload #>> '{predicate,provider}' AS provider,
       ds ->> 'id' AS dataset,
       ds ->> 'name' AS dataset_name,
       ds ->> 'version' AS dataset_version,
       ds ->> 'root' AS dataset_root
FROM records m
LEFT JOIN records run ON run.id = m.payload ->> 'run' AND run.kind = 'run'
LEFT JOIN LATERAL jsonb_array_elements(run.payload #> '{predicate,datasets}') ds ON true
WHERE m.kind = 'model';

-- payouts: each funded batch on chain, what was claimed from it, and the
-- `payout` record of the same Merkle root when the registry has one.
-- DESIGN.md gives a payout record a period, an asset, a pool and a Merkle
-- root; the root is looked for as "root" or "merkle"."root" (as a
-- dataset's), lower-case 0x hex. NULL payout columns: no such record.
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
       p.payload ->> 'pool' AS pool
FROM payout_batches b
LEFT JOIN LATERAL (
	SELECT count(*) AS claims, coalesce(sum(cl.amount), 0) AS claimed
	FROM claims cl
	WHERE cl.chain_id = b.chain_id AND cl.contract = b.contract AND cl.root = b.root
) c ON true
LEFT JOIN records p
       ON p.kind = 'payout'
      AND lower(coalesce(p.payload ->> 'root', p.payload #>> '{merkle,root}'))
          = '0x' || encode(b.root, 'hex');
