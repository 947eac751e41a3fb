"""The site made from the linked records: pages planned, rendered, written, indexed."""
