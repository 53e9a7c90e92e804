"""Feed readers, validation, quarantine, loaders, reference data, demo data, the CLI."""
