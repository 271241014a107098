// One row per Anchored event: the event's fields and where it was logged.
// (block hash, log index) is the key, so a replayed log cannot add a row.
import { onchainTable, primaryKey } from "ponder";

export const anchors = onchainTable(
  "anchors",
  (t) => ({
    seq: t.bigint().notNull(),
    root: t.hex().notNull(),
    submitter: t.hex().notNull(),
    count: t.bigint().notNull(),
    uri: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    blockHash: t.hex().notNull(),
    txHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockHash, table.logIndex] }) }),
);
