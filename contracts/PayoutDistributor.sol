// SPDX-License-Identifier: MIT
// Pays royalties (DESIGN.md, "Royalties") in batches: the owner (who
// deployed it) deposits the total of a batch of one ERC-20 under the
// batch's id (prov: the payout record's id) and the Merkle root of its
// (account, amount) pairs, and each account then claims its amount once,
// with a proof. The tree is OpenZeppelin's StandardMerkleTree of
// (address, uint256), checked as MerkleProof checks it. Batches are keyed
// by id, not by root: two periods that pay the same amounts to the same
// accounts have the same root and are still two batches. Only the owner
// funds, so nobody can take a batch's id first with a token of their own.
// An id is funded once, so its events describe one batch forever.
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

contract PayoutDistributor {
    using SafeERC20 for IERC20;

    struct Batch {
        bytes32 root;
        address token; // zero: never funded
        uint256 total;
        uint256 paid; // never more than total
    }

    /// The one account that may fund batches: the deployer.
    address public owner;

    /// Batch id of total tokens under root, deposited by funder (the
    /// owner); uri says where its list of (account, amount) can be fetched.
    event BatchFunded(
        bytes32 indexed id, bytes32 indexed root, address indexed token, address funder, uint256 total, string uri
    );
    /// account was paid amount of batch id.
    event Claimed(bytes32 indexed id, address indexed account, uint256 amount);

    error NotOwner(address caller);
    error ZeroId();
    error ZeroRoot();
    error ZeroToken();
    error ZeroTotal();
    error AlreadyFunded(bytes32 id);
    /// The token moved another amount than total into this contract (a
    /// fee on transfer, or a token that lies about it).
    error FundingMismatch(uint256 total, uint256 received);
    error UnknownBatch(bytes32 id);
    error AlreadyClaimed(bytes32 id, address account);
    error InvalidProof();
    /// The batch has less left than amount: its tree promises more than
    /// was funded.
    error BatchExhausted(bytes32 id, uint256 amount, uint256 left);

    mapping(bytes32 => Batch) private batch;
    // Per batch, one bit per account: word uint160(account) >> 8, bit
    // uint160(account) & 0xff.
    mapping(bytes32 => mapping(uint256 => uint256)) private claimedBits;

    constructor() {
        owner = msg.sender;
    }

    /// Pulls total of token from the owner (who approved it before) as
    /// batch id under root. Reverts if id was funded before.
    function fund(bytes32 id, bytes32 root, address token, uint256 total, string calldata uri) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (id == bytes32(0)) revert ZeroId();
        if (root == bytes32(0)) revert ZeroRoot();
        if (token == address(0)) revert ZeroToken();
        if (total == 0) revert ZeroTotal();
        if (batch[id].token != address(0)) revert AlreadyFunded(id);
        // Recorded before the transfer, so a token calling back finds the
        // id taken.
        batch[id] = Batch(root, token, total, 0);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), total);
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < before || balance - before != total) {
            revert FundingMismatch(total, balance < before ? 0 : balance - before);
        }
        emit BatchFunded(id, root, token, msg.sender, total, uri);
    }

    /// Pays account its amount of batch id, if (account, amount) is a
    /// leaf of its root by proof. Anyone may submit it; the tokens go to
    /// account, once.
    function claim(bytes32 id, address account, uint256 amount, bytes32[] calldata proof) external {
        Batch storage b = batch[id];
        if (b.token == address(0)) revert UnknownBatch(id);
        (uint256 word, uint256 mask) = bitOf(account);
        if (claimedBits[id][word] & mask != 0) revert AlreadyClaimed(id, account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        if (!MerkleProof.verifyCalldata(proof, b.root, leaf)) revert InvalidProof();
        uint256 left = b.total - b.paid;
        if (amount > left) revert BatchExhausted(id, amount, left);
        claimedBits[id][word] |= mask;
        b.paid += amount;
        IERC20(b.token).safeTransfer(account, amount);
        emit Claimed(id, account, amount);
    }

    /// Whether account has claimed from batch id.
    function claimed(bytes32 id, address account) external view returns (bool) {
        (uint256 word, uint256 mask) = bitOf(account);
        return claimedBits[id][word] & mask != 0;
    }

    /// Batch id: all zero if never funded (the funder is the owner).
    function batches(bytes32 id) external view returns (bytes32 root, address token, uint256 total, uint256 paid) {
        Batch storage b = batch[id];
        return (b.root, b.token, b.total, b.paid);
    }

    function bitOf(address account) private pure returns (uint256 word, uint256 mask) {
        uint256 a = uint256(uint160(account));
        return (a >> 8, 1 << (a & 0xff));
    }
}
