// SPDX-License-Identifier: MIT
// forge tests of PayoutDistributor with TestToken, without forge-std
// (offline): the cheatcodes used are declared here, assertions are
// requires. Trees are built here as @openzeppelin/merkle-tree builds a
// StandardMerkleTree of (address, uint256): double-hashed leaves, sorted
// pairs. This contract deploys the distributor, so it is the owner, the
// one account that funds.
pragma solidity ^0.8.20;

import {PayoutDistributor} from "../PayoutDistributor.sol";
import {TestToken} from "../TestToken.sol";

interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
    function prank(address) external;
}

// Says a transfer happened without moving anything.
contract LyingToken {
    function balanceOf(address) external pure returns (uint256) {
        return 0;
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return true;
    }
}

contract PayoutDistributorTest {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    PayoutDistributor dist;
    TestToken token;

    // Adjacent addresses share a word of the claimed bitmap.
    address constant A = address(0x1000);
    address constant B = address(0x1001);
    address constant C = address(0xC0FFEE);
    address constant D = address(0xD00D);
    // Batch ids (prov: payout record ids).
    bytes32 constant ID1 = keccak256("payout 2026-10");
    bytes32 constant ID2 = keccak256("payout 2026-11");

    function setUp() public {
        dist = new PayoutDistributor();
        token = new TestToken();
    }

    function leaf(address account, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    function node(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    // The tree of (A, 10), (B, 20), (C, 30), (D, 40): leaves[i] and its
    // proof, proofs[i].
    function tree() internal pure returns (bytes32 root, bytes32[][] memory proofs) {
        bytes32[4] memory l = [leaf(A, 10), leaf(B, 20), leaf(C, 30), leaf(D, 40)];
        bytes32 n01 = node(l[0], l[1]);
        bytes32 n23 = node(l[2], l[3]);
        root = node(n01, n23);
        proofs = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            proofs[i] = new bytes32[](2);
            proofs[i][0] = l[i ^ 1];
            proofs[i][1] = i < 2 ? n23 : n01;
        }
    }

    // Funds batch id under root with total fresh tokens, as the owner.
    function fund(bytes32 id, bytes32 root, uint256 total, string memory uri) internal {
        token.mint(address(this), total);
        token.approve(address(dist), total);
        dist.fund(id, root, address(token), total, uri);
    }

    function expectRevert(bytes memory err, bytes memory want, string memory what) internal pure {
        require(keccak256(err) == keccak256(want), what);
    }

    function test_fund_and_claim_each() public {
        (bytes32 root, bytes32[][] memory proofs) = tree();
        require(dist.owner() == address(this), "the deployer owns it");
        fund(ID1, root, 100, "ipfs://batch");
        (bytes32 r, address t, uint256 total, uint256 paid) = dist.batches(ID1);
        require(r == root && t == address(token) && total == 100 && paid == 0, "batch");
        require(token.balanceOf(address(dist)) == 100 && token.balanceOf(address(this)) == 0, "pulled");

        address[4] memory who = [A, B, C, D];
        uint256 sum = 0;
        for (uint256 i = 0; i < 4; i++) {
            require(!dist.claimed(ID1, who[i]), "not yet claimed");
            // anyone submits; the account is paid
            vm.prank(address(0xBEEF));
            dist.claim(ID1, who[i], 10 * (i + 1), proofs[i]);
            sum += 10 * (i + 1);
            require(dist.claimed(ID1, who[i]), "claimed");
            require(token.balanceOf(who[i]) == 10 * (i + 1), "paid the account");
            for (uint256 k = 0; k < 4; k++) {
                require(dist.claimed(ID1, who[k]) == (k <= i), "each account's own bit");
            }
            (,,, paid) = dist.batches(ID1);
            require(paid == sum, "paid");
        }
        require(token.balanceOf(address(dist)) == 0 && token.balanceOf(address(0xBEEF)) == 0, "all paid out");
    }

    // Two periods paying the same amounts to the same accounts have the
    // same root: under two ids they are two batches, each funded and each
    // claimable once by every account.
    function test_same_root_two_ids() public {
        (bytes32 root, bytes32[][] memory proofs) = tree();
        fund(ID1, root, 100, "prov:first");
        fund(ID2, root, 100, "prov:second");
        (bytes32 r1,, uint256 t1,) = dist.batches(ID1);
        (bytes32 r2,, uint256 t2,) = dist.batches(ID2);
        require(r1 == root && r2 == root && t1 == 100 && t2 == 100, "two batches of one root");
        require(token.balanceOf(address(dist)) == 200, "both funded");

        address[4] memory who = [A, B, C, D];
        for (uint256 i = 0; i < 4; i++) {
            dist.claim(ID1, who[i], 10 * (i + 1), proofs[i]);
            require(dist.claimed(ID1, who[i]) && !dist.claimed(ID2, who[i]), "claimed from the first only");
            dist.claim(ID2, who[i], 10 * (i + 1), proofs[i]);
            require(dist.claimed(ID2, who[i]), "claimed from the second");
            require(token.balanceOf(who[i]) == 20 * (i + 1), "paid by both");
            bytes32[2] memory ids = [ID1, ID2];
            for (uint256 k = 0; k < 2; k++) {
                try dist.claim(ids[k], who[i], 10 * (i + 1), proofs[i]) {
                    revert("a second claim from one batch did not revert");
                } catch (bytes memory err) {
                    expectRevert(
                        err,
                        abi.encodeWithSelector(PayoutDistributor.AlreadyClaimed.selector, ids[k], who[i]),
                        "AlreadyClaimed(id, account)"
                    );
                }
            }
        }
        (,,, uint256 p1) = dist.batches(ID1);
        (,,, uint256 p2) = dist.batches(ID2);
        require(p1 == 100 && p2 == 100 && token.balanceOf(address(dist)) == 0, "each batch paid in full");
    }

    // Only the owner funds: nobody can take a batch's id first (with a
    // token of their own, or a wrong root) and keep the real batch out.
    function test_only_owner_funds() public {
        (bytes32 root,) = tree();
        address mallory = address(0xBAD);
        TestToken fake = new TestToken();
        fake.mint(mallory, 1);
        vm.prank(mallory);
        fake.approve(address(dist), 1);
        vm.prank(mallory);
        try dist.fund(ID1, root, address(fake), 1, "mine") {
            revert("a fund by another account than the owner did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.NotOwner.selector, mallory), "NotOwner");
        }
        require(fake.balanceOf(mallory) == 1, "nothing taken");
        (, address t,,) = dist.batches(ID1);
        require(t == address(0), "the id is still free");
        // the owner's batch goes in
        fund(ID1, root, 100, "");
        (, t,,) = dist.batches(ID1);
        require(t == address(token), "the owner funded it");
        // a distributor someone else deploys is theirs
        vm.prank(mallory);
        PayoutDistributor other = new PayoutDistributor();
        require(other.owner() == mallory, "the deployer owns it");
        token.mint(address(this), 5);
        token.approve(address(other), 5);
        try other.fund(ID1, root, address(token), 5, "") {
            revert("the owner of another distributor funded this one");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.NotOwner.selector, address(this)), "NotOwner (other)");
        }
    }

    function test_zero_id_reverts() public {
        (bytes32 root,) = tree();
        token.mint(address(this), 10);
        token.approve(address(dist), 10);
        try dist.fund(bytes32(0), root, address(token), 10, "") {
            revert("a zero id did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.ZeroId.selector), "ZeroId");
        }
        require(token.balanceOf(address(this)) == 10, "nothing pulled");
        // and no batch has it, so a claim from it is a claim from nothing
        try dist.claim(bytes32(0), A, 1, new bytes32[](0)) {
            revert("a claim with a zero id did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.UnknownBatch.selector, bytes32(0)), "UnknownBatch(0)");
        }
    }

    function test_second_claim_reverts() public {
        (bytes32 root, bytes32[][] memory proofs) = tree();
        fund(ID1, root, 100, "");
        dist.claim(ID1, B, 20, proofs[1]);
        try dist.claim(ID1, B, 20, proofs[1]) {
            revert("a second claim did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.AlreadyClaimed.selector, ID1, B), "AlreadyClaimed");
        }
        require(token.balanceOf(B) == 20, "paid once");
        // A shares B's bitmap word and can still claim
        require(!dist.claimed(ID1, A), "A not claimed");
        dist.claim(ID1, A, 10, proofs[0]);
        require(token.balanceOf(A) == 10, "A paid");
        require(dist.claimed(ID1, B), "B's bit kept");
        try dist.claim(ID1, B, 20, proofs[1]) {
            revert("B's claim after A's did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.AlreadyClaimed.selector, ID1, B), "AlreadyClaimed");
        }
    }

    function test_wrong_proof_reverts() public {
        (bytes32 root, bytes32[][] memory proofs) = tree();
        fund(ID1, root, 100, "");
        bytes memory invalid = abi.encodeWithSelector(PayoutDistributor.InvalidProof.selector);
        // another account's proof
        try dist.claim(ID1, A, 10, proofs[1]) {
            revert("another proof did not revert");
        } catch (bytes memory err) {
            expectRevert(err, invalid, "InvalidProof (other proof)");
        }
        // the right proof with another amount
        try dist.claim(ID1, A, 11, proofs[0]) {
            revert("another amount did not revert");
        } catch (bytes memory err) {
            expectRevert(err, invalid, "InvalidProof (amount)");
        }
        // the right proof for another account
        try dist.claim(ID1, address(0x1002), 10, proofs[0]) {
            revert("another account did not revert");
        } catch (bytes memory err) {
            expectRevert(err, invalid, "InvalidProof (account)");
        }
        // an inner node is not a leaf
        bytes32[] memory inner = new bytes32[](1);
        inner[0] = proofs[0][1];
        try dist.claim(ID1, A, 10, inner) {
            revert("a shortened proof did not revert");
        } catch (bytes memory err) {
            expectRevert(err, invalid, "InvalidProof (short)");
        }
        // another batch's proof: the tree of another root
        bytes32[] memory none = new bytes32[](0);
        fund(ID2, leaf(A, 10), 10, "");
        try dist.claim(ID1, A, 10, none) {
            revert("a proof of another batch's root did not revert");
        } catch (bytes memory err) {
            expectRevert(err, invalid, "InvalidProof (other root)");
        }
        require(!dist.claimed(ID1, A) && token.balanceOf(A) == 0, "nothing claimed");
    }

    // A tree that promises more than was funded pays until the total and
    // no further.
    function test_over_claim_impossible() public {
        (bytes32 root, bytes32[][] memory proofs) = tree();
        fund(ID1, root, 75, "");
        dist.claim(ID1, D, 40, proofs[3]);
        dist.claim(ID1, C, 30, proofs[2]);
        try dist.claim(ID1, B, 20, proofs[1]) {
            revert("an over-claim did not revert");
        } catch (bytes memory err) {
            expectRevert(
                err,
                abi.encodeWithSelector(PayoutDistributor.BatchExhausted.selector, ID1, uint256(20), uint256(5)),
                "BatchExhausted(id, 20, 5)"
            );
        }
        require(!dist.claimed(ID1, B), "the failed claim left no bit");
        (,,, uint256 paid) = dist.batches(ID1);
        require(paid == 70 && token.balanceOf(address(dist)) == 5, "paid 70 of 75");
        // another batch of the same token does not pay for this one
        bytes32 other = leaf(B, 20); // a one-leaf tree
        fund(ID2, other, 20, "");
        try dist.claim(ID1, B, 20, proofs[1]) {
            revert("an over-claim did not revert with funds of another batch");
        } catch (bytes memory err) {
            expectRevert(
                err,
                abi.encodeWithSelector(PayoutDistributor.BatchExhausted.selector, ID1, uint256(20), uint256(5)),
                "BatchExhausted with another batch's funds"
            );
        }
        dist.claim(ID2, B, 20, new bytes32[](0));
        try dist.claim(ID1, A, 10, proofs[0]) {
            revert("an over-claim did not revert");
        } catch (bytes memory err) {
            expectRevert(
                err,
                abi.encodeWithSelector(PayoutDistributor.BatchExhausted.selector, ID1, uint256(10), uint256(5)),
                "BatchExhausted(id, 10, 5)"
            );
        }
        require(token.balanceOf(address(dist)) == 5 && token.balanceOf(B) == 20, "each batch paid its own");
    }

    function test_max_amount_round_trip() public {
        uint256 max = type(uint256).max;
        bytes32 root = leaf(C, max); // a one-leaf tree: the root is the leaf
        vm.recordLogs();
        fund(ID1, root, max, "max");
        require(token.balanceOf(address(dist)) == max && token.totalSupply() == max, "funded 2^256-1");
        dist.claim(ID1, C, max, new bytes32[](0));
        require(token.balanceOf(C) == max && token.balanceOf(address(dist)) == 0, "claimed 2^256-1");
        (bytes32 r, address t, uint256 total, uint256 paid) = dist.batches(ID1);
        require(r == root && t == address(token) && total == max && paid == max, "batch");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        Vm.Log memory funded;
        Vm.Log memory claim;
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter != address(dist)) continue;
            if (logs[i].topics[0] == PayoutDistributor.BatchFunded.selector) funded = logs[i];
            else claim = logs[i];
        }
        (, uint256 fundedTotal,) = abi.decode(funded.data, (address, uint256, string));
        require(fundedTotal == max, "BatchFunded total");
        require(claim.topics[0] == PayoutDistributor.Claimed.selector && abi.decode(claim.data, (uint256)) == max,
            "Claimed amount");
    }

    function test_events() public {
        (bytes32 root, bytes32[][] memory proofs) = tree();
        token.mint(address(this), 100);
        token.approve(address(dist), 100);
        vm.recordLogs();
        dist.fund(ID1, root, address(token), 100, "https://example.org/payouts/1.json");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        // the token's Transfer, then BatchFunded
        require(logs.length == 2 && logs[0].emitter == address(token) && logs[1].emitter == address(dist), "logs");
        require(
            logs[1].topics.length == 4
                && logs[1].topics[0] == keccak256("BatchFunded(bytes32,bytes32,address,address,uint256,string)")
                && logs[1].topics[1] == ID1 && logs[1].topics[2] == root
                && logs[1].topics[3] == bytes32(uint256(uint160(address(token)))),
            "BatchFunded topics"
        );
        require(
            keccak256(logs[1].data)
                == keccak256(abi.encode(address(this), uint256(100), "https://example.org/payouts/1.json")),
            "BatchFunded data"
        );

        vm.recordLogs();
        vm.prank(address(0xBEEF));
        dist.claim(ID1, C, 30, proofs[2]);
        logs = vm.getRecordedLogs();
        require(logs.length == 2 && logs[0].emitter == address(token) && logs[1].emitter == address(dist), "logs");
        require(
            logs[0].topics[0] == keccak256("Transfer(address,address,uint256)")
                && logs[0].topics[1] == bytes32(uint256(uint160(address(dist))))
                && logs[0].topics[2] == bytes32(uint256(uint160(C))) && abi.decode(logs[0].data, (uint256)) == 30,
            "Transfer to the account"
        );
        require(
            logs[1].topics.length == 3 && logs[1].topics[0] == keccak256("Claimed(bytes32,address,uint256)")
                && logs[1].topics[1] == ID1 && logs[1].topics[2] == bytes32(uint256(uint160(C))),
            "Claimed topics"
        );
        require(keccak256(logs[1].data) == keccak256(abi.encode(uint256(30))), "Claimed data");
    }

    function test_fund_once_per_id() public {
        bytes32 root = bytes32(uint256(7));
        fund(ID1, root, 5, "first");
        token.mint(address(this), 9);
        token.approve(address(dist), 9);
        // neither again nor under another root
        bytes32[2] memory roots = [root, bytes32(uint256(8))];
        for (uint256 i = 0; i < 2; i++) {
            try dist.fund(ID1, roots[i], address(token), 9, "second") {
                revert("a second funding did not revert");
            } catch (bytes memory err) {
                expectRevert(err, abi.encodeWithSelector(PayoutDistributor.AlreadyFunded.selector, ID1), "AlreadyFunded");
            }
        }
        (bytes32 r,, uint256 total,) = dist.batches(ID1);
        require(r == root && total == 5 && token.balanceOf(address(this)) == 9, "the first funding stands");
    }

    function test_bad_fund_and_claim() public {
        token.mint(address(this), 10);
        token.approve(address(dist), 10);
        bytes32 root = bytes32(uint256(1));
        try dist.fund(ID1, bytes32(0), address(token), 10, "") {
            revert("a zero root did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.ZeroRoot.selector), "ZeroRoot");
        }
        try dist.fund(ID1, root, address(0), 10, "") {
            revert("a zero token did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.ZeroToken.selector), "ZeroToken");
        }
        try dist.fund(ID1, root, address(token), 0, "") {
            revert("a zero total did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.ZeroTotal.selector), "ZeroTotal");
        }
        // more than approved: the token's own error
        try dist.fund(ID1, root, address(token), 11, "") {
            revert("funding more than approved did not revert");
        } catch (bytes memory err) {
            expectRevert(
                err,
                abi.encodeWithSelector(TestToken.InsufficientAllowance.selector, address(dist), uint256(10), uint256(11)),
                "InsufficientAllowance"
            );
        }
        LyingToken liar = new LyingToken();
        try dist.fund(ID1, root, address(liar), 10, "") {
            revert("a token that moved nothing did not revert");
        } catch (bytes memory err) {
            expectRevert(
                err, abi.encodeWithSelector(PayoutDistributor.FundingMismatch.selector, uint256(10), uint256(0)), "FundingMismatch"
            );
        }
        (, address t,,) = dist.batches(ID1);
        require(t == address(0), "no batch after the reverts");
        try dist.claim(ID1, A, 1, new bytes32[](0)) {
            revert("a claim of an unknown batch did not revert");
        } catch (bytes memory err) {
            expectRevert(err, abi.encodeWithSelector(PayoutDistributor.UnknownBatch.selector, ID1), "UnknownBatch");
        }
    }
}
