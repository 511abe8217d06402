"""A seeded generator whose whole state is one int carried in the game state.

The engine may not use global randomness, and Python's `random.Random` state is a
625-int tuple; SplitMix64 keeps the state tiny, exact and replayable.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1


def next_u64(state: int) -> tuple[int, int]:
    """Return (new_state, value)."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def shuffled(state: int, items: list[str]) -> tuple[int, list[str]]:
    """Fisher-Yates shuffle driven by `state`; returns (new_state, shuffled copy)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        state, value = next_u64(state)
        j = value % (i + 1)
        out[i], out[j] = out[j], out[i]
    return state, out
