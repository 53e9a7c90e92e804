"""Feed readers, specifications, validation rules and the demo-feed writer."""
