"""The compliance log: audit drafts, per-complaint hash chains, Merkle checkpoints and
their signatures, verification, queries and exports."""
