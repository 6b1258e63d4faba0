"""Knowledge: what ChainMatch knows before it reads a file — settings with their help text, the chains and
their segments, zone profiles (and editing them). Loaded from `data/` and validated on load; imports
nothing of the package but `matcher.errors`.
"""
