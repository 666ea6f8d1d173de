"""Views, one module per area; thin: fetch (scoped), validate, call a service, respond."""
