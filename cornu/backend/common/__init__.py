"""Engine-independent backend pieces: dtypes, symbolic tensors, variables, scopes."""
