"""config.yaml and its checks: the JSON schema (config.schema.yaml, completed from the registry of
methods), its validation with one line per problem (validation), and the checks between keys that
a schema cannot express (cross_references)."""
