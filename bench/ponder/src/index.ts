// Inserts one anchors row per Anchored event.
import { ponder } from "ponder:registry";
import { anchors } from "ponder:schema";

ponder.on("ProvenanceRegistry:Anchored", async ({ event, context }) => {
  await context.db.insert(anchors).values({
    seq: event.args.seq,
    root: event.args.root,
    submitter: event.args.submitter,
    count: event.args.count,
    uri: event.args.uri,
    blockNumber: event.block.number,
    blockHash: event.block.hash,
    txHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
});
