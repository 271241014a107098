// SPDX-License-Identifier: MIT
// forge tests of ProvenanceRegistry, without forge-std (offline): the
// cheatcodes used are declared here, assertions are requires.
pragma solidity ^0.8.20;

import {ProvenanceRegistry} from "../ProvenanceRegistry.sol";

interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
    function roll(uint256) external;
    function warp(uint256) external;
    function prank(address) external;
}

contract ProvenanceRegistryTest {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    ProvenanceRegistry reg;

    function setUp() public {
        reg = new ProvenanceRegistry();
    }

    function test_anchor_counts_from_one_without_gaps() public {
        for (uint64 i = 1; i <= 5; i++) {
            require(reg.anchor(bytes32(uint256(i)), i, "") == i, "seq");
        }
        require(reg.anchorCount() == 5, "count");
    }

    function test_anchor_emits_anchored() public {
        vm.recordLogs();
        vm.prank(address(0xBEEF));
        reg.anchor(bytes32(uint256(7)), 42, "ipfs://x");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        require(logs.length == 1, "one log");
        require(logs[0].emitter == address(reg), "emitter");
        require(logs[0].topics[0] == keccak256("Anchored(uint64,bytes32,address,uint64,string)"), "topic0");
        require(logs[0].topics[1] == bytes32(uint256(1)), "seq topic");
        require(logs[0].topics[2] == bytes32(uint256(7)), "root topic");
        require(logs[0].topics[3] == bytes32(uint256(uint160(address(0xBEEF)))), "submitter topic");
        (uint64 count, string memory uri) = abi.decode(logs[0].data, (uint64, string));
        require(count == 42 && keccak256(bytes(uri)) == keccak256("ipfs://x"), "data");
    }

    function test_first_anchor_wins() public {
        vm.roll(100);
        vm.warp(1_700_000_000);
        reg.anchor(bytes32(uint256(9)), 1, "first");
        vm.roll(200);
        try reg.anchor(bytes32(uint256(9)), 2, "second") {
            revert("a second anchor of the root did not revert");
        } catch (bytes memory err) {
            require(
                keccak256(err)
                    == keccak256(
                        abi.encodeWithSelector(ProvenanceRegistry.AlreadyAnchored.selector, bytes32(uint256(9)), uint64(1))
                    ),
                "AlreadyAnchored(root, 1)"
            );
        }
        (uint64 blockNumber, uint64 timestamp, uint64 seq, address submitter) = reg.anchoredAt(bytes32(uint256(9)));
        require(blockNumber == 100 && timestamp == 1_700_000_000 && seq == 1 && submitter == address(this), "anchoredAt");
        require(reg.anchorCount() == 1, "the revert took no seq");
    }

    function test_zero_root_reverts() public {
        try reg.anchor(bytes32(0), 1, "") {
            revert("a zero root did not revert");
        } catch (bytes memory err) {
            require(keccak256(err) == keccak256(abi.encodeWithSelector(ProvenanceRegistry.ZeroRoot.selector)), "ZeroRoot");
        }
    }

    function test_never_anchored_is_zero() public view {
        (uint64 blockNumber, uint64 timestamp, uint64 seq, address submitter) = reg.anchoredAt(bytes32(uint256(5)));
        require(blockNumber == 0 && timestamp == 0 && seq == 0 && submitter == address(0), "zero");
    }

    // A two-leaf tree with sorted pairs: root = keccak256(min || max).
    function test_verify() public view {
        bytes32 a = keccak256("a");
        bytes32 b = keccak256("b");
        bytes32 root = a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = b;
        require(reg.verify(root, a, proof), "a under root");
        proof[0] = a;
        require(reg.verify(root, b, proof), "b under root");
        require(!reg.verify(root, keccak256("c"), proof), "c not under root");
        require(!reg.verify(bytes32(uint256(1)), b, proof), "not under another root");
    }
}
