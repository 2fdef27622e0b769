"""Who may see and act on data resources and census campaigns."""
