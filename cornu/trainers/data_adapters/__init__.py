"""Data adapters: everything ``fit`` accepts, turned into batches of arrays."""
from cornu.trainers.data_adapters.array_adapter import ArrayDataAdapter, train_validation_split  # noqa: F401
from cornu.trainers.data_adapters.select import get_data_adapter  # noqa: F401
