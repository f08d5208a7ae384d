"""The numbers of this app's rules (RULES.md), read through township.policy.policy()."""
