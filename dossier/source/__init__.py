"""Reading the project: files found, front matter split, fields coerced, Markdown converted."""
