"""Questions about one analysis: what-if edits, a denial explained and fixed, offline simulate."""
