"""Relational files (edge lists) and their network analysis: import with checks, components, centrality,
communities and brokers (networkx), stored versioned in the networks' own tables."""
