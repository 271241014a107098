// Ponder indexing ProvenanceRegistry's Anchored events (bench/indexer.sh
// sets the environment): BENCH_RPC_URL, BENCH_CHAIN_ID (default 31337),
// BENCH_REGISTRY (the contract's address), BENCH_START_BLOCK (its first
// block), DATABASE_URL (a PostgreSQL connection string); ponder start also
// needs DATABASE_SCHEMA. BENCH_RPC_COPIES lists the URL that many times
// (Ponder rate-limits each URL, starting at 20 requests/s); default 1.
import { createConfig } from "ponder";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`bench/ponder: ${name} is not set`);
  return v;
}

// The Anchored event of contracts/ProvenanceRegistry.json, written out
// `as const` so the handler's argument types follow from it.
const registryAbi = [
  {
    type: "event",
    name: "Anchored",
    anonymous: false,
    inputs: [
      { name: "seq", type: "uint64", indexed: true, internalType: "uint64" },
      { name: "root", type: "bytes32", indexed: true, internalType: "bytes32" },
      { name: "submitter", type: "address", indexed: true, internalType: "address" },
      { name: "count", type: "uint64", indexed: false, internalType: "uint64" },
      { name: "uri", type: "string", indexed: false, internalType: "string" },
    ],
  },
] as const;

const rpc = env("BENCH_RPC_URL");
const copies = Number(process.env.BENCH_RPC_COPIES ?? "1");

export default createConfig({
  database: { kind: "postgres", connectionString: env("DATABASE_URL") },
  chains: {
    anvil: {
      id: Number(process.env.BENCH_CHAIN_ID ?? "31337"),
      rpc: copies > 1 ? Array.from({ length: copies }, () => rpc) : rpc,
    },
  },
  contracts: {
    ProvenanceRegistry: {
      chain: "anvil",
      abi: registryAbi,
      address: env("BENCH_REGISTRY") as `0x${string}`,
      startBlock: Number(env("BENCH_START_BLOCK")),
    },
  },
});
