"""Dispatch across the org tree: returns, extensions, co-handling and the dispatch path."""
