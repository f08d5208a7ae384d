"""The platform's own settings.  Each feature app declares its rules' numbers in its policies.py."""
