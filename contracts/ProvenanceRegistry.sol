// SPDX-License-Identifier: MIT
// prov's registry on chain (DESIGN.md, "Chain"): one transaction anchors
// the Merkle root of any number of records. The first anchor of a root
// wins; each anchor gets the next sequence number, so an indexer can tell
// a gap from a quiet chain. Proofs are checked as OpenZeppelin's
// MerkleProof checks them (sorted pairs, keccak256), the trees
// @openzeppelin/merkle-tree and core/merkle.c build.
pragma solidity ^0.8.20;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

contract ProvenanceRegistry {
    struct Anchor {
        uint64 seq;
        uint64 blockNumber; // 0: never anchored
        uint64 timestamp;
        address submitter;
    }

    /// One anchor: seq counts from 1 without gaps.
    event Anchored(
        uint64 indexed seq, bytes32 indexed root, address indexed submitter, uint64 count, string uri
    );

    error ZeroRoot();
    error AlreadyAnchored(bytes32 root, uint64 seq);

    /// How many roots have been anchored: the last seq.
    uint64 public anchorCount;

    mapping(bytes32 => Anchor) private anchors;

    /// Anchors root, the Merkle root of count records; uri says where they
    /// can be fetched. Reverts if root was anchored before.
    function anchor(bytes32 root, uint64 count, string calldata uri) external returns (uint64 seq) {
        if (root == bytes32(0)) revert ZeroRoot();
        Anchor storage a = anchors[root];
        if (a.blockNumber != 0) revert AlreadyAnchored(root, a.seq);
        seq = ++anchorCount;
        anchors[root] = Anchor(seq, uint64(block.number), uint64(block.timestamp), msg.sender);
        emit Anchored(seq, root, msg.sender, count, uri);
    }

    /// Where root was first anchored: block 0 if never.
    function anchoredAt(bytes32 root)
        external
        view
        returns (uint64 blockNumber, uint64 timestamp, uint64 seq, address submitter)
    {
        Anchor storage a = anchors[root];
        return (a.blockNumber, a.timestamp, a.seq, a.submitter);
    }

    /// Whether leaf (a tree leaf hash, as core/merkle.c makes it) is under
    /// root by proof. It does not say whether root is anchored.
    function verify(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
