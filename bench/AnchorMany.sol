// SPDX-License-Identifier: MIT
// Bench only (bench/indexer-events.mjs compiles it at bench time): one
// transaction anchors n distinct roots in a ProvenanceRegistry, so a local
// chain gets 100,000 Anchored events in a few dozen transactions. The
// registry's submitter is this contract.
pragma solidity ^0.8.20;

interface IProvenanceRegistry {
    function anchor(bytes32 root, uint64 count, string calldata uri) external returns (uint64 seq);
    function anchorCount() external view returns (uint64);
}

contract AnchorMany {
    /// Anchors keccak256(abi.encode(salt, i)) with count i + 1 and uri
    /// "bench" for i in [0, n): distinct roots for distinct salts.
    function many(IProvenanceRegistry registry, bytes32 salt, uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            registry.anchor(keccak256(abi.encode(salt, i)), uint64(i + 1), "bench");
        }
    }
}
