"""Running the DfE SSDA903 validation rules, which live in their own environment (.venv-903)."""
