"""The store, the ledger importers, the demo county and loading the store into frames."""
