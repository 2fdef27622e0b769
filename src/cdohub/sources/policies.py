"""Who may see and act on data sources and discovery runs."""
