// SPDX-License-Identifier: MIT
// The on-chain side of prov's Merkle proofs (DESIGN.md, "Merkle trees"):
// OpenZeppelin's MerkleProof.verify, given a leaf built as StandardMerkleTree
// builds it. Compiled and deployed to anvil by sol-verify.mjs.
pragma solidity ^0.8.20;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

contract ProofCheck {
    /// A dataset item (leaf values ["bytes32"]: the item's content SHA-256)
    /// is in the tree under root.
    function verifyBytes32(bytes32[] memory proof, bytes32 root, bytes32 contentHash)
        external
        pure
        returns (bool)
    {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(contentHash))));
        return MerkleProof.verify(proof, root, leaf);
    }
}
