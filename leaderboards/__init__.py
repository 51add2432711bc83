"""Ratings computed from stored match results, and the pages that publish them."""
