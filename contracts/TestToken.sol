// SPDX-License-Identifier: MIT
// An ERC-20 for tests only: anyone may mint. PayoutDistributor's tests
// (contracts/test, tests/oracle/distributor.mjs) pay out in it, up to
// 2^256-1 of it.
pragma solidity ^0.8.20;

contract TestToken {
    string public constant name = "prov test token";
    string public constant symbol = "PROVT";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error InsufficientBalance(address from, uint256 balance, uint256 value);
    error InsufficientAllowance(address spender, uint256 allowance, uint256 value);

    /// Creates value tokens for to; reverts if the supply would pass
    /// 2^256-1, so no balance can.
    function mint(address to, uint256 value) external {
        totalSupply += value;
        unchecked {
            balanceOf[to] += value; // at most totalSupply
        }
        emit Transfer(address(0), to, value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// An allowance of 2^256-1 is never spent down, as OpenZeppelin's.
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        if (a != type(uint256).max) {
            if (a < value) revert InsufficientAllowance(msg.sender, a, value);
            allowance[from][msg.sender] = a - value;
        }
        move(from, to, value);
        return true;
    }

    function move(address from, address to, uint256 value) private {
        uint256 b = balanceOf[from];
        if (b < value) revert InsufficientBalance(from, b, value);
        unchecked {
            balanceOf[from] = b - value;
            balanceOf[to] += value; // at most totalSupply
        }
        emit Transfer(from, to, value);
    }
}
