"""Small text helpers that every layer uses: characters, folding, collation, slugs, ids."""
