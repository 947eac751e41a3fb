"""What the command line runs: build and check, serve, import, new."""
