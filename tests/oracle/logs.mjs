// What the chain holds, for prov-indexer's tests to compare its tables
// with: every log of ADDRESS from block 1 to the head, one line each,
// "<block number> <block hash> <log index>", in chain order.
//
//   node tests/oracle/logs.mjs URL ADDRESS
import { rpc } from './anvil.mjs';

const [url, address] = process.argv.slice(2);
if (!url || !/^0x[0-9a-fA-F]{40}$/.test(address ?? '')) {
  process.stderr.write('usage: logs.mjs URL ADDRESS\n');
  process.exit(2);
}
try {
  const logs = await rpc(url, 'eth_getLogs', [{ address, fromBlock: '0x1', toBlock: 'latest' }]);
  for (const l of logs) console.log(`${Number(l.blockNumber)} ${l.blockHash} ${Number(l.logIndex)}`);
} catch (e) {
  process.stderr.write(`logs.mjs: ${e.message}\n`);
  process.exit(1);
}
