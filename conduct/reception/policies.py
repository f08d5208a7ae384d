"""The numbers of the reception and expense rules (RULES.md), read through township.policy.policy()."""
