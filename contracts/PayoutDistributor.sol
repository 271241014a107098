// SPDX-License-Identifier: MIT
// Pays royalties (DESIGN.md, "Royalties") in batches: a funder deposits
// the total of a batch of one ERC-20 under the Merkle root of its
// (account, amount) pairs, and each account then claims its amount once,
// with a proof. The tree is OpenZeppelin's StandardMerkleTree of
// (address, uint256), checked as MerkleProof checks it; a root is funded
// once, so its events describe one batch forever.
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

contract PayoutDistributor {
    using SafeERC20 for IERC20;

    struct Batch {
        address token; // zero: never funded
        address funder;
        uint256 total;
        uint256 paid; // never more than total
    }

    /// A batch of total tokens under root, deposited by funder; uri says
    /// where its list of (account, amount) can be fetched.
    event BatchFunded(bytes32 indexed root, address indexed token, address indexed funder, uint256 total, string uri);
    /// account was paid amount of root's batch.
    event Claimed(bytes32 indexed root, address indexed account, uint256 amount);

    error ZeroRoot();
    error ZeroToken();
    error ZeroTotal();
    error AlreadyFunded(bytes32 root);
    /// The token moved another amount than total into this contract (a
    /// fee on transfer, or a token that lies about it).
    error FundingMismatch(uint256 total, uint256 received);
    error UnknownBatch(bytes32 root);
    error AlreadyClaimed(bytes32 root, address account);
    error InvalidProof();
    /// The batch has less left than amount: its tree promises more than
    /// was funded.
    error BatchExhausted(bytes32 root, uint256 amount, uint256 left);

    mapping(bytes32 => Batch) private batch;
    // Per root, one bit per account: word uint160(account) >> 8, bit
    // uint160(account) & 0xff.
    mapping(bytes32 => mapping(uint256 => uint256)) private claimedBits;

    /// Pulls total of token from the caller (who approved it before) as the
    /// batch under root. Reverts if root was funded before.
    function fund(bytes32 root, address token, uint256 total, string calldata uri) external {
        if (root == bytes32(0)) revert ZeroRoot();
        if (token == address(0)) revert ZeroToken();
        if (total == 0) revert ZeroTotal();
        Batch storage b = batch[root];
        if (b.token != address(0)) revert AlreadyFunded(root);
        // Recorded before the transfer, so a token calling back finds the
        // root taken.
        batch[root] = Batch(token, msg.sender, total, 0);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), total);
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < before || balance - before != total) {
            revert FundingMismatch(total, balance < before ? 0 : balance - before);
        }
        emit BatchFunded(root, token, msg.sender, total, uri);
    }

    /// Pays account its amount of root's batch, if (account, amount) is a
    /// leaf of root by proof. Anyone may submit it; the tokens go to
    /// account, once.
    function claim(bytes32 root, address account, uint256 amount, bytes32[] calldata proof) external {
        if (root == bytes32(0)) revert ZeroRoot();
        Batch storage b = batch[root];
        if (b.token == address(0)) revert UnknownBatch(root);
        (uint256 word, uint256 mask) = bitOf(account);
        if (claimedBits[root][word] & mask != 0) revert AlreadyClaimed(root, account);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidProof();
        uint256 left = b.total - b.paid;
        if (amount > left) revert BatchExhausted(root, amount, left);
        claimedBits[root][word] |= mask;
        b.paid += amount;
        IERC20(b.token).safeTransfer(account, amount);
        emit Claimed(root, account, amount);
    }

    /// Whether account has claimed from root's batch.
    function claimed(bytes32 root, address account) external view returns (bool) {
        (uint256 word, uint256 mask) = bitOf(account);
        return claimedBits[root][word] & mask != 0;
    }

    /// root's batch: all zero if never funded.
    function batches(bytes32 root)
        external
        view
        returns (address token, uint256 total, uint256 paid, address funder)
    {
        Batch storage b = batch[root];
        return (b.token, b.total, b.paid, b.funder);
    }

    function bitOf(address account) private pure returns (uint256 word, uint256 mask) {
        uint256 a = uint256(uint160(account));
        return (a >> 8, 1 << (a & 0xff));
    }
}
