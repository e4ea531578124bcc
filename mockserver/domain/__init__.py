"""Generic building blocks over the store that per-API code composes: CRUD resources, account administration, pagination."""
