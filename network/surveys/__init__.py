"""The annual member survey and the network's self-assessment report."""
