"""Problems: the model, TOML load/validate/write, importers, the starter-set index."""
