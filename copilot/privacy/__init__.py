"""Privacy at the model boundary: personal data is masked before any text leaves for an external model."""
